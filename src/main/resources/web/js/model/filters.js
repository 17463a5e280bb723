// What the user asked to see: one server, one network, some status classes. Shared by both pages (the graph hides
// nodes, edges and comets with it; the access-log table hides rows). No DOM here: ui/filter-controls.js wires the
// <select>s and chips to it.
//
// The predicates are called for every node, edge and event, every frame: they only compare a few strings.

import { isUnroutedEvent, NO_NOISE } from './noise.js';

export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'];

/** The status-class key of an HTTP status ("2xx".."5xx"), or null for anything else (e.g. 0, 1xx). */
export function statusClass(status) {
  const hundreds = Math.floor(Number(status) / 100);
  return hundreds >= 2 && hundreds <= 5 ? hundreds + 'xx' : null;
}

export function createFilter() {
  // hideNoise: the noise switch (model/noise.js); noise: the index that says what is noise.
  const state = { server: '', network: '', classes: new Set(STATUS_CLASSES), hideNoise: false, noise: NO_NOISE };
  const allClasses = () => state.classes.size === STATUS_CLASSES.length;

  return {
    state,
    /** Another server ('' for all): the network choice is reset, since networks belong to a server. */
    setServer(server) {
      state.server = server || '';
      state.network = '';
    },
    setNetwork(network) {
      state.network = network || '';
    },
    /** Shows or hides a status class; returns whether it is shown now. */
    toggleClass(cls) {
      if (state.classes.has(cls)) state.classes.delete(cls);
      else state.classes.add(cls);
      return state.classes.has(cls);
    },
    /** Hides (true) or shows requests no router matched and the callers that only send those. */
    setHideNoise(hide) {
      state.hideNoise = !!hide;
    },
    /** What is noise, from the server's /callers document (createNoiseIndex). */
    setNoise(index) {
      state.noise = index || NO_NOISE;
    },
    isNodeVisible(node) {
      if (state.hideNoise && state.noise.isScanner(node.id)) return false;
      return (!state.server || node.server === state.server) && (!state.network || node.network === state.network);
    },
    /** Both ends visible, and (when some status classes are off) the edge carried one of the chosen classes. */
    isEdgeVisible(edge) {
      const s = edge.sourceNode;
      const t = edge.targetNode;
      if (state.server && (s.server !== state.server || t.server !== state.server)) return false;
      if (state.network && (s.network !== state.network || t.network !== state.network)) return false;
      if (state.hideNoise && state.noise.isNoiseEdge(edge)) return false;
      if (allClasses()) return true;
      const counts = edge.status || {};
      for (const cls of state.classes) if (counts[cls] > 0) return true;
      return false;
    },
    /** An event (a request: graph comet, panel row, access-log row) of the chosen server, network and classes. */
    acceptEvent(event) {
      if (state.server && event.server !== state.server) return false;
      if (state.network && event.network !== state.network) return false;
      if (state.hideNoise && isUnroutedEvent(event)) return false;
      if (allClasses()) return true;
      const cls = statusClass(event.status);
      return cls !== null && state.classes.has(cls);
    },
  };
}

/**
 * The servers and their networks seen so far: what the server and network choices offer. `add(server, network)`
 * records a pair (network null/undefined: the server only) and says whether it was new.
 */
export function createGroupIndex() {
  const servers = new Map(); // server -> Set(network)
  const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    add(server, network) {
      const name = server == null ? '' : String(server);
      let networks = servers.get(name);
      let added = false;
      if (!networks) {
        networks = new Set();
        servers.set(name, networks);
        added = true;
      }
      if (network != null && !networks.has(String(network))) {
        networks.add(String(network));
        added = true;
      }
      return added;
    },
    clear() {
      servers.clear();
    },
    /** Server names, sorted. */
    servers() {
      return [...servers.keys()].sort(byName);
    },
    /** Network names of `server` ('' for every server), sorted, without repeats. */
    networks(server) {
      const names = new Set();
      for (const [name, networks] of servers) {
        if (server && name !== server) continue;
        for (const network of networks) names.add(network);
      }
      return [...names].sort(byName);
    },
  };
}
