// The graph page's search box: nodes whose label or id contains the text get a pulsing ring (scene.searchMatches);
// the view centres on them after a pause in typing, at once on Enter, and Enter on a single hit selects it.

/**
 * `input`, `count`: the search field and its "n matches" text. `nodes()`: the current nodes; `isNodeVisible`: the
 * filter (hidden nodes are not found); `onMatches(Set)`: show these; `onGo(matches, submit)`: centre on them;
 * `onText(text)`: the text changed (the URL keeps it).
 */
export function createSearch({ input, count }, { nodes, isNodeVisible, onMatches, onGo, onText = () => {} }) {
  let text = '';
  let timer = null;

  /** Marks the hits of the current text and returns them. */
  function mark() {
    const needle = text.toLowerCase();
    const matches = needle
      ? nodes().filter((node) => isNodeVisible(node) &&
          (String(node.label).toLowerCase().includes(needle) || node.id.toLowerCase().includes(needle)))
      : [];
    onMatches(new Set(matches));
    count.textContent = needle ? `${matches.length} match${matches.length === 1 ? '' : 'es'}` : '';
    return matches;
  }

  function run(submit) {
    const matches = mark();
    clearTimeout(timer);
    if (!matches.length) return;
    // Centre on the hits: at once on Enter, after a pause in typing otherwise.
    timer = setTimeout(() => onGo(matches, submit), submit ? 0 : 450);
  }

  input.addEventListener('input', () => {
    text = input.value.trim();
    onText(text);
    run(false);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') run(true);
    if (event.key === 'Escape') {
      input.value = '';
      text = '';
      onText(text);
      run(false);
    }
  });

  return {
    focus() {
      input.focus();
    },
    get text() {
      return text;
    },
    /** Sets the search (from a link): its hits are marked, the view is left where it is. */
    setText(value) {
      input.value = value;
      text = value.trim();
      mark();
    },
  };
}
