// Where the firing alerts of GET /alerts (docs/protocol.md) go on the graph. An edge alert names the logical edge
// (caller -> the node that answered); the page draws hops, so that edge is either one drawn edge (a caller reaching a
// proxy that answered itself) or two through a proxy (caller -> proxy -> service): both hops get the badge.

const SEVERITY_RANK = { critical: 3, warning: 2, info: 1 };

/** The more severe of two severities (a node or edge with several alerts shows its worst). */
export function worse(a, b) {
  if (!a) return b;
  return (SEVERITY_RANK[b] || 0) > (SEVERITY_RANK[a] || 0) ? b : a;
}

/**
 * The drawn edges of a logical edge: `from->to` itself if drawn, else each pair of hops from -> P -> to.
 * @param edges Map of edge id to {source, target} (node ids)
 * @param outOf node id -> the ids of the edges leaving it
 */
export function edgesOfLogical(from, to, edges, outOf) {
  const direct = `${from}->${to}`;
  if (edges.has(direct)) return [direct];
  const hops = [];
  for (const firstId of outOf(from)) {
    const middle = edges.get(firstId).target;
    const second = `${middle}->${to}`;
    if (edges.has(second)) hops.push(firstId, second);
  }
  return hops;
}

/**
 * Each alert with what it marks, and per node and edge id the worst severity firing on it.
 * @returns {{alerts: Array<{alert, edgeIds: string[], nodeId: string|null}>, nodes: Map, edges: Map}}
 */
export function alertMarks(alerts, edges) {
  const out = new Map();
  for (const [id, edge] of edges) {
    if (!out.has(edge.source)) out.set(edge.source, []);
    out.get(edge.source).push(id);
  }
  const outOf = (id) => out.get(id) || [];
  const nodes = new Map();
  const marked = new Map();
  const rows = [];
  for (const alert of alerts) {
    const edgeIds = alert.from && alert.to ? edgesOfLogical(alert.from, alert.to, edges, outOf) : [];
    for (const id of edgeIds) marked.set(id, worse(marked.get(id), alert.severity));
    if (alert.node) nodes.set(alert.node, worse(nodes.get(alert.node), alert.severity));
    rows.push({ alert, edgeIds, nodeId: alert.node || null });
  }
  return { alerts: rows, nodes, edges: marked };
}
