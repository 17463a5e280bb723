// What the user asked to see: server, network, status classes, and a name search.
// The predicates are called for every node/edge every frame, so they only compare a few strings.

import { statusClass } from './graph-model.js';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'];

/**
 * Wires the filter controls. `elements`: {server: <select>, network: <select>, statusButtons: [<button data-status>],
 * search: <input>}. `onChange()` fires after any filter change; `onSearch(text, submit)` on search input / Enter.
 */
export function createFilters(elements, { onChange, onSearch }) {
  const state = { server: '', network: '', classes: new Set(STATUS_CLASSES), search: '' };

  elements.server.addEventListener('change', () => {
    state.server = elements.server.value;
    state.network = '';
    fillNetworkOptions();
    onChange();
  });
  elements.network.addEventListener('change', () => {
    state.network = elements.network.value;
    onChange();
  });
  for (const button of elements.statusButtons) {
    button.setAttribute('aria-pressed', 'true');
    button.addEventListener('click', () => {
      const cls = button.dataset.status;
      if (state.classes.has(cls)) state.classes.delete(cls);
      else state.classes.add(cls);
      button.setAttribute('aria-pressed', String(state.classes.has(cls)));
      onChange();
    });
  }
  elements.search.addEventListener('input', () => {
    state.search = elements.search.value.trim();
    onSearch(state.search, false);
  });
  elements.search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') onSearch(state.search, true);
    if (event.key === 'Escape') {
      elements.search.value = '';
      state.search = '';
      onSearch('', false);
    }
  });

  let knownServers = [];
  let knownNetworks = [];
  let networksByServer = new Map();

  /** Refreshes the server/network choices from the model, keeping the current selection. */
  function updateOptions(model) {
    const servers = new Set();
    networksByServer = new Map();
    for (const node of model.nodes.values()) {
      servers.add(node.server);
      if (!networksByServer.has(node.server)) networksByServer.set(node.server, new Set());
      if (node.network) networksByServer.get(node.server).add(node.network);
    }
    const sorted = [...servers].sort();
    if (sorted.join('\u0000') !== knownServers.join('\u0000')) {
      knownServers = sorted;
      replaceOptions(elements.server, 'All servers', knownServers, state.server);
      state.server = elements.server.value; // the chosen server may have disappeared
    }
    fillNetworkOptions();
  }

  function fillNetworkOptions() {
    const networks = new Set();
    for (const [server, names] of networksByServer) {
      if (state.server && server !== state.server) continue;
      for (const name of names) networks.add(name);
    }
    const sorted = [...networks].sort();
    // Rebuild only on change: replacing the options under an open dropdown closes it in the user's hand.
    if (sorted.join('\u0000') === knownNetworks.join('\u0000')) return;
    knownNetworks = sorted;
    replaceOptions(elements.network, 'All networks', knownNetworks, state.network);
    state.network = elements.network.value;
  }

  const allClasses = () => state.classes.size === STATUS_CLASSES.length;

  return {
    state,
    updateOptions,
    isNodeVisible(node) {
      return (!state.server || node.server === state.server) && (!state.network || node.network === state.network);
    },
    isEdgeVisible(edge) {
      const s = edge.sourceNode;
      const t = edge.targetNode;
      if (state.server && (s.server !== state.server || t.server !== state.server)) return false;
      if (state.network && (s.network !== state.network || t.network !== state.network)) return false;
      if (allClasses()) return true;
      const counts = edge.status || {};
      for (const cls of state.classes) if (counts[cls] > 0) return true;
      return false;
    },
    acceptEvent(event) {
      if (state.server && event.server !== state.server) return false;
      if (state.network && event.network !== state.network) return false;
      if (allClasses()) return true;
      const cls = statusClass(event.status);
      return cls !== null && state.classes.has(cls);
    },
  };
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
