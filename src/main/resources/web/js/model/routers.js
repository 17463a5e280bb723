// The routers section of /network_info (docs/protocol.md) for one proxy: its routers and services against the
// requests they carried, idle ones first so that they are seen, and the Host headers and paths no router matched.
// Pure: the panel (ui/routers-panel.js) draws what this returns.

/** The section's entry for `proxyId`, or null. */
export function routersOfProxy(doc, proxyId) {
  if (!doc || !Array.isArray(doc.routers)) return null;
  return doc.routers.find((p) => p.proxy === proxyId) || null;
}

/**
 * Rows to draw: idle first (what the panel is for), then the busiest; `requests` null means the counts cannot tell
 * (a router in a stored window, known only through its service). Returns {rows, idle, total}.
 */
export function routerRows(list) {
  const rows = (list || []).map((r) => ({ ...r }));
  rows.sort((a, b) => Number(b.idle) - Number(a.idle) || (b.requests ?? -1) - (a.requests ?? -1) ||
    String(a.name).localeCompare(String(b.name)));
  return { rows, idle: rows.filter((r) => r.idle).length, total: rows.length };
}

/** "3 routers, 1 idle" */
export function summary({ idle, total }, noun) {
  return `${total} ${noun}${total === 1 ? '' : 's'}, ${idle} idle`;
}
