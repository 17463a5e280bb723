// A stored request (a row of /history/requests, the server's RequestEvent) as the event the live streams send
// (docs/protocol.md, "Event"): the same fields, with hops, outcome and answeredBy derived as the server derives them.

export function eventFromStoredRow(row) {
  const byProxy = row.answeredByProxy === true;
  // A gateway's hop to another proxy ends here: that proxy's own line carries the rest (as CompactEvents says).
  const endsAtProxy = byProxy || String(row.toId ?? '').startsWith('proxy:');
  return {
    seq: row.seq,
    time: row.time,
    server: row.server,
    network: row.network,
    proxy: row.proxy,
    from: row.from,
    to: row.to,
    fromId: row.fromId,
    proxyId: row.proxyId,
    toId: row.toId,
    hops: endsAtProxy ? [row.fromId, row.proxyId] : [row.fromId, row.proxyId, row.toId],
    method: row.method,
    host: row.host,
    path: row.path,
    status: row.status,
    durationMs: row.durationMs,
    outcome: row.error === true ? 'error' : 'ok',
    answeredBy: byProxy ? 'proxy' : 'service',
    outsider: row.outsider === true,
  };
}
