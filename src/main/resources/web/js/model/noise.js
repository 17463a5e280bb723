// The outside world's background radiation, told apart from real traffic: requests no router matched (Traefik
// answered them itself with a 404) and the callers that only ever send such requests (scanners). The counts come from
// the server's /callers document (docs/protocol.md), counted since it started; the page's switch hides what this
// index calls noise, and the chip says how much that is. No DOM here.

/** A request Traefik answered itself with a 404: no router matched it. */
export function isUnroutedEvent(event) {
  return event.answeredBy === 'proxy' && Number(event.status) === 404;
}

/**
 * Built from a /callers document. A caller is a scanner when every request it sent, to every proxy, matched no
 * router; an edge caller → proxy is noise when every request on it did. Callers the document does not list (services,
 * proxies, anyone past the server's caps) are never noise.
 */
export function createNoiseIndex(doc) {
  const scanners = new Set();
  const noiseEdges = new Set();
  const byCaller = new Map(); // caller id -> {requests, unrouted}
  let hiddenRequests = 0;
  const noisyCallers = new Set();
  const callers = doc && Array.isArray(doc.callers) ? doc.callers : [];
  for (const row of callers) {
    if (!row || typeof row.caller !== 'string' || typeof row.proxy !== 'string') continue;
    const requests = Number(row.requests) || 0;
    const unrouted = Number(row.unrouted) || 0;
    const total = byCaller.get(row.caller) || { requests: 0, unrouted: 0 };
    total.requests += requests;
    total.unrouted += unrouted;
    byCaller.set(row.caller, total);
    if (requests > 0 && unrouted === requests) noiseEdges.add(row.caller + '->' + row.proxy);
    hiddenRequests += unrouted;
  }
  for (const [caller, total] of byCaller) {
    if (total.requests > 0 && total.unrouted === total.requests) scanners.add(caller);
  }
  // Who sent the noise: each caller node, but the external callers' node by client prefix when the server says.
  const prefixes = doc && Array.isArray(doc.prefixes) ? doc.prefixes : null;
  const splitExternals = new Set();
  if (prefixes) {
    for (const row of prefixes) {
      if (!row || typeof row.external !== 'string') continue;
      splitExternals.add(row.external);
      if (Number(row.unrouted) > 0) noisyCallers.add(row.external + '|' + row.prefix);
    }
  }
  for (const [caller, total] of byCaller) {
    if (total.unrouted > 0 && !splitExternals.has(caller)) noisyCallers.add(caller);
  }
  return {
    isScanner: (nodeId) => scanners.has(nodeId),
    /** A caller → proxy edge that carried nothing but requests no router matched. */
    isNoiseEdge: (edge) => noiseEdges.has(edge.source + '->' + edge.target) || scanners.has(edge.source),
    /** {requests, callers}: what the switch hides, for the chip. */
    hidden: { requests: hiddenRequests, callers: noisyCallers.size },
    prefixesHidden: !!(doc && doc.prefixesHidden),
    prefixes: prefixes || [],
  };
}

/** An empty index: nothing is noise until the server has said who called. */
export const NO_NOISE = createNoiseIndex(null);

/**
 * The external callers of `externalId` by client prefix, summed over the proxies they called: `wide` false gives the
 * server's /24 (IPv4) and /48 (IPv6), true widens them to /16 and /32. Rows {prefix, requests, unrouted, errors,
 * scanner}, busiest first.
 */
export function groupPrefixes(prefixes, externalId, wide) {
  const groups = new Map();
  for (const row of prefixes) {
    if (!row || row.external !== externalId || typeof row.prefix !== 'string') continue;
    const prefix = wide ? widen(row.prefix) : row.prefix;
    const group = groups.get(prefix) || { prefix, requests: 0, unrouted: 0, errors: 0 };
    group.requests += Number(row.requests) || 0;
    group.unrouted += Number(row.unrouted) || 0;
    group.errors += Number(row.errors) || 0;
    groups.set(prefix, group);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, scanner: group.requests > 0 && group.unrouted === group.requests }))
    .sort((a, b) => b.requests - a.requests || (a.prefix < b.prefix ? -1 : 1));
}

/** 203.0.113.0/24 → 203.0.0.0/16; 2001:db8:1::/48 → 2001:db8::/32; anything else as it is. */
export function widen(prefix) {
  let match = /^(\d+)\.(\d+)\.\d+\.\d+\/24$/.exec(prefix);
  if (match) return `${match[1]}.${match[2]}.0.0/16`;
  match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})(?::[0-9a-f]{1,4})?::\/48$/i.exec(prefix);
  if (match) return `${match[1]}:${match[2]}::/32`;
  return prefix;
}
