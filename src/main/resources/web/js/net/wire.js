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

/** ix -> node description (id, label, server, network), filled from hello and batch `nodes`. */
export function createNodeTable() {
  let byIx = [];
  return {
    /** Forget everything (a new hello re-announces every node). */
    reset() {
      byIx = [];
    },
    /** Records the ix of each node description of a hello or batch. */
    learn(rawNodes) {
      if (!Array.isArray(rawNodes)) return;
      for (const raw of rawNodes) {
        if (!raw || typeof raw.id !== 'string' || !Number.isInteger(raw.ix) || raw.ix < 0) continue;
        byIx[raw.ix] = {
          id: raw.id,
          label: raw.label != null ? String(raw.label) : raw.id,
          server: raw.server,
          network: raw.network,
        };
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
    // [seq delta, time delta, from, proxy, to, status, duration µs, flags, method, host, path(, request id)]
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
    // Only events whose line kept an X-Request-Id carry it: one request seen by several proxies (docs/protocol.md).
    if (e.length > 11) out[n - 1].requestId = text(e[11]);
  }
  out.length = n;
  return out;
}

/**
 * The edge statistics of a batch as the objects of /network_info's `edges` (without `id`, which the model derives
 * from source and target). Rows are decoded; objects are taken as they are.
 */
export function decodeEdges(batch, table) {
  const raw = Array.isArray(batch.edges) ? batch.edges : [];
  const out = [];
  for (const r of raw) {
    if (!Array.isArray(r)) {
      if (r && typeof r === 'object') out.push(r);
      continue;
    }
    // [source, target, requests, errors, 1xx, 2xx, 3xx, 4xx, 5xx, ratePerSec, rate1m, rate5m, p50Ms, p95Ms, p99Ms,
    //  bytes, lastSeen]
    const source = table.get(r[0]);
    const target = table.get(r[1]);
    if (!source || !target) continue; // never announced: nothing to attach it to
    out.push({
      source: source.id,
      target: target.id,
      requests: r[2],
      errors: r[3],
      status: { '1xx': r[4], '2xx': r[5], '3xx': r[6], '4xx': r[7], '5xx': r[8] },
      ratePerSec: r[9],
      rate1m: r[10],
      rate5m: r[11],
      p50Ms: r[12],
      p95Ms: r[13],
      p99Ms: r[14],
      bytes: r[15],
      lastSeen: r[16],
    });
  }
  return out;
}

/**
 * Requests the server sent as counts per route instead of one by one (over its per-batch budget):
 * [{hops: [node ids], count, isError}].
 */
export function decodeFolded(batch, table) {
  const raw = Array.isArray(batch.folded) ? batch.folded : [];
  const out = [];
  for (const r of raw) {
    if (!Array.isArray(r)) continue;
    // [from, proxy, to, flags, count]
    const from = table.get(r[0]);
    const proxy = table.get(r[1]);
    const to = table.get(r[2]);
    const count = Number(r[4]) || 0;
    if (!from || !proxy || !to || count <= 0) continue;
    const flags = r[3] | 0;
    out.push({
      hops: flags & HOPS_END_AT_PROXY ? [from.id, proxy.id] : [from.id, proxy.id, to.id],
      count,
      isError: (flags & ERROR) !== 0,
    });
  }
  return out;
}

/**
 * Whether the page should lay the graph out after applying this batch. A big batch comes as several `batch` messages
 * of at most 64 KiB (docs/protocol.md, "Big batches"): nodes first, then edge rows, events and folded routes, each
 * message complete in itself, all but the last with `more: true`. Laying out after every ~64 KiB of nodes would redo
 * the layout dozens of times for one burst; once the batch is whole is enough, or earlier when a message's requests
 * are about to animate on nodes that must be drawn first.
 */
export function layoutDue(batch) {
  if (!batch || batch.more !== true) return true;
  const has = (list) => Array.isArray(list) && list.length > 0;
  return has(batch.events) || has(batch.folded);
}

/**
 * Joins a hello sent in parts (docs/protocol.md, "Hello in parts"): each `helloPart` carries a piece of the hello's
 * JSON text; once the last has come, the joined text is parsed and handed on as the `hello` it is, so the page draws
 * only a complete graph. The server sends no batch before the last part. One per connection's stream of messages; a
 * part 0 or a whole `hello` (a reconnect) starts over.
 */
export function createHelloAssembler() {
  let pieces = null;
  let expected = 0;
  return {
    /** The message to apply now: the message itself, the whole hello after its last part, or null meanwhile. */
    accept(message) {
      if (!message || message.type !== 'helloPart') {
        if (message && message.type === 'hello') pieces = null;
        return message;
      }
      const { part, parts, text } = message;
      if (!Number.isInteger(part) || !Number.isInteger(parts) || parts < 1 || typeof text !== 'string') return null;
      if (part === 0) {
        pieces = [];
        expected = parts;
      }
      if (!pieces || part !== pieces.length || parts !== expected) {
        pieces = null; // a part lost or out of order: wait for the next hello rather than draw half a graph
        return null;
      }
      pieces.push(text);
      if (pieces.length < expected) return null;
      const whole = pieces.join('');
      pieces = null;
      try {
        const hello = JSON.parse(whole);
        return hello && hello.type === 'hello' ? hello : null;
      } catch (err) {
        console.warn('trafficviz: ignoring a hello whose parts do not join into JSON', err);
        return null;
      }
    },
    /** Whether parts of a hello have come and its last has not. */
    get assembling() {
      return pieces !== null;
    },
  };
}
