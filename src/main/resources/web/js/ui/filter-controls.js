// The filter controls both pages share: server and network <select>s and the status-class chips, wired to a filter
// of model/filters.js. Options are rebuilt only when the choices changed: replacing the options under an open
// dropdown closes it in the user's hand.

import { replaceOptions } from '../lib/dom.js';

/**
 * `elements`: {server: <select>, network: <select>, statusButtons: [<button data-status>]}; `filter` from
 * createFilter(), `groups` from createGroupIndex(). `onChange()` fires after the user changed any filter.
 * Call `refresh()` after adding to `groups`.
 */
export function createFilterControls(elements, filter, groups, onChange) {
  const { state } = filter;
  let shownServers = null;
  let shownNetworks = null;

  elements.server.addEventListener('change', () => {
    filter.setServer(elements.server.value);
    refreshNetworks();
    onChange();
  });
  elements.network.addEventListener('change', () => {
    filter.setNetwork(elements.network.value);
    onChange();
  });
  for (const button of elements.statusButtons) {
    const cls = button.dataset.status;
    button.setAttribute('aria-pressed', String(state.classes.has(cls)));
    button.addEventListener('click', () => {
      button.setAttribute('aria-pressed', String(filter.toggleClass(cls)));
      onChange();
    });
  }

  function refreshNetworks() {
    const networks = groups.networks(state.server);
    if (shownNetworks && sameList(networks, shownNetworks)) return;
    shownNetworks = networks;
    replaceOptions(elements.network, 'All networks', networks, state.network);
    filter.setNetwork(elements.network.value); // the chosen network may have disappeared
  }

  /** Brings the choices up to date with `groups`, keeping the current selection when it is still offered. */
  function refresh() {
    const servers = groups.servers();
    if (!shownServers || !sameList(servers, shownServers)) {
      shownServers = servers;
      replaceOptions(elements.server, 'All servers', servers, state.server);
      // The chosen server may have disappeared: then all servers (the network stays chosen if still offered).
      state.server = elements.server.value;
    }
    refreshNetworks();
  }

  /**
   * Sets the choices (from a link), once `groups` knows the servers: a server or network not offered is dropped (all
   * servers, all networks), as when a chosen one disappears. `classes`: the status classes to show.
   */
  function setChoices({ server, network, classes }) {
    filter.setServer(server);
    filter.setNetwork(network);
    shownServers = null;
    shownNetworks = null;
    refresh();
    for (const button of elements.statusButtons) {
      const cls = button.dataset.status;
      if (state.classes.has(cls) !== classes.includes(cls)) filter.toggleClass(cls);
      button.setAttribute('aria-pressed', String(state.classes.has(cls)));
    }
  }

  return { refresh, setChoices };
}

function sameList(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
