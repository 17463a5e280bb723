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

/**
 * The stored rows (newest first, as /history/requests pages them) that go above the live rows, oldest first: only
 * those before the first live row, so a request both stored and received live is shown once.
 */
export function storedAboveLive(rowsNewestFirst, firstLiveTime) {
  const out = [];
  for (let i = rowsNewestFirst.length - 1; i >= 0; i--) {
    const event = eventFromStoredRow(rowsNewestFirst[i]);
    if (firstLiveTime === null || firstLiveTime === undefined || event.time < firstLiveTime) out.push(event);
  }
  return out;
}

const STATUS_CLASSES = new Set(['1xx', '2xx', '3xx', '4xx', '5xx', 'error']);

/**
 * The store search's form values as /history/requests filters: trimmed, empty ones left out, times (epoch ms or a
 * datetime-local value, read as local time) as epoch milliseconds. Throws an Error naming the field that is wrong.
 */
export function searchFilters(form) {
  const filters = {};
  for (const name of ['caller', 'target', 'path']) {
    const value = typeof form[name] === 'string' ? form[name].trim() : '';
    if (value) filters[name] = value;
  }
  if (form.status) {
    if (!STATUS_CLASSES.has(form.status)) throw new Error(`status: must be 1xx to 5xx or error (was ${form.status})`);
    filters.status = form.status;
  }
  for (const name of ['from', 'to']) {
    const value = form[name];
    if (value === undefined || value === null || value === '') continue;
    const time = typeof value === 'number' ? value : new Date(value).getTime();
    if (!Number.isFinite(time)) throw new Error(`${name}: not a time`);
    filters[name] = time;
  }
  if (filters.from !== undefined && filters.to !== undefined && filters.to <= filters.from) {
    throw new Error('to: must be after from');
  }
  return filters;
}

/** What a search asked for, as one line of text ("caller 10.0.0.1 · status 5xx"). */
export function describeSearch(filters) {
  const parts = [];
  for (const name of ['caller', 'target', 'status', 'path']) if (filters[name]) parts.push(`${name} ${filters[name]}`);
  if (filters.from !== undefined) parts.push(`from ${new Date(filters.from).toLocaleString()}`);
  if (filters.to !== undefined) parts.push(`to ${new Date(filters.to).toLocaleString()}`);
  return parts.length ? parts.join(' · ') : 'everything';
}
