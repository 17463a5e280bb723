// The /ws/graph stream's compact events (docs/protocol.md, "Compact events"), decoded back into the event objects the
// rest of the page works with (the same fields as an /access_logs entry).
//
// The server announces every node with a small integer `ix` (in `hello` and in a batch's `nodes`) and then sends each
// request as an array of numbers: nodes by ix, text (method, host, path) by index into the batch's `strings`. Labels,
// server, network and hops come from the nodes. Strings stay strings: they are shown with textContent, never as HTML.

export const ERROR = 1;
export const ANSWERED_BY_PROXY = 2;
export const OUTSIDER = 4;
export const HOPS_END_AT_PROXY = 8;

/** ix -> node object of the model, filled from hello and batch `nodes`. */
export function createNodeTable(model) {
  let byIx = [];
  return {
    /** Forget everything (a new hello re-announces every node). */
    reset() {
      byIx = [];
    },
    /** Records the ix of each raw node description the model has just applied. */
    learn(rawNodes) {
      if (!Array.isArray(rawNodes)) return;
      for (const raw of rawNodes) {
        if (!raw || typeof raw.id !== 'string' || !Number.isInteger(raw.ix) || raw.ix < 0) continue;
        const node = model.nodes.get(raw.id);
        if (node) byIx[raw.ix] = node;
      }
    },
    get(ix) {
      return byIx[ix];
    },
  };
}

const UNKNOWN = { id: undefined, label: '?', server: undefined, network: undefined };

/**
 * The events of a batch as objects. Compact events (arrays) are decoded; objects are taken as they are (the
 * benchmark and test hooks may hand over decoded events).
 */
export function decodeEvents(batch, table) {
  const raw = Array.isArray(batch.events) ? batch.events : [];
  const strings = Array.isArray(batch.strings) ? batch.strings : [];
  const text = (i) => (i >= 0 && i < strings.length ? String(strings[i]) : null);
  const out = new Array(raw.length);
  let seq = 0;
  let time = 0;
  let n = 0;
  for (const e of raw) {
    if (!Array.isArray(e)) {
      if (e && typeof e === 'object') out[n++] = e;
      continue;
    }
    // [seq delta, time delta, from, proxy, to, status, duration µs, flags, method, host, path]
    seq += e[0];
    time += e[1];
    const from = table.get(e[2]) || UNKNOWN;
    const proxy = table.get(e[3]) || UNKNOWN;
    const to = table.get(e[4]) || UNKNOWN;
    const flags = e[7] | 0;
    const byProxy = (flags & ANSWERED_BY_PROXY) !== 0;
    out[n++] = {
      seq,
      time,
      server: proxy.server,
      network: proxy.network,
      proxy: proxy.label,
      from: from.label,
      to: to.label,
      fromId: from.id,
      proxyId: proxy.id,
      toId: to.id,
      hops: flags & HOPS_END_AT_PROXY ? [from.id, proxy.id] : [from.id, proxy.id, to.id],
      method: text(e[8]),
      host: text(e[9]),
      path: text(e[10]),
      status: e[5],
      durationMs: e[6] / 1000,
      outcome: flags & ERROR ? 'error' : 'ok',
      answeredBy: byProxy ? 'proxy' : 'service',
      outsider: (flags & OUTSIDER) !== 0,
    };
  }
  out.length = n;
  return out;
}
