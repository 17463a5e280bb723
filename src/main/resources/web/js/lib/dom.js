// Tiny DOM builder. Every piece of data goes in through textContent or attributes, never through HTML parsing:
// paths, hosts and labels come straight from access logs and are attacker-controlled.

/** el('div', {class: 'x', title: 't'}, 'text', childElement, ...) */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Rebuilds a <select>'s options as text (names come from logs and are never parsed as HTML). */
export function replaceOptions(select, allLabel, values, selected) {
  select.replaceChildren();
  const all = document.createElement('option');
  all.value = '';
  all.textContent = allLabel;
  select.append(all);
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value || '(none)';
    select.append(option);
  }
  select.value = values.includes(selected) ? selected : '';
}
