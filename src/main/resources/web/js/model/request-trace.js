// One request across proxies (issue 19 item 6): the events whose lines kept the same X-Request-Id are the hops of one
// request, each proxy's line carrying its part (a gateway's event ends at the proxy it forwarded to, whose own event
// goes on to the service: docs/protocol.md). Pure: which hops, in which order, gateway to leaf.

/**
 * The hops of the events `events` (those of one request id), each [from, to] once, and the path through them when
 * they form one chain (a retry or a mirror branches: then `path` is null and the hops are in time order).
 * Returns {hops, path, proxies: the distinct proxies whose lines saw it, events: oldest first}.
 */
export function tracePath(events) {
  const ordered = [...events].sort((a, b) => a.time - b.time || a.seq - b.seq);
  const hops = [];
  const seen = new Set();
  const proxies = new Set();
  for (const event of ordered) {
    if (event.proxyId) proxies.add(event.proxyId);
    const list = Array.isArray(event.hops) ? event.hops : [];
    for (let i = 0; i + 1 < list.length; i++) {
      const key = `${list[i]}\u0000${list[i + 1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hops.push([list[i], list[i + 1]]);
    }
  }
  return { hops, path: chain(hops), proxies: [...proxies], events: ordered };
}

/** The node ids of a single chain through `hops` from its one start, or null when they do not form one. */
function chain(hops) {
  if (!hops.length) return null;
  const next = new Map();
  const targets = new Set();
  for (const [from, to] of hops) {
    if (next.has(from)) return null; // branches
    next.set(from, to);
    targets.add(to);
  }
  const starts = [...next.keys()].filter((from) => !targets.has(from));
  if (starts.length !== 1) return null;
  const path = [starts[0]];
  while (next.has(path[path.length - 1]) && path.length <= hops.length) path.push(next.get(path[path.length - 1]));
  return path.length === hops.length + 1 ? path : null;
}
