// What the export buttons write, as text: the edges of the current view (CSV, JSON) and access-log rows (CSV). Pure:
// the pages hand in what is shown and save the result (lib/download.js).
//
// The edge figures are the model's, i.e. the server's (/network_info's fields): the same counts the tooltip, the panel
// and the edge labels show.

import { toCsv } from '../lib/csv.js';

const STATUS_KEYS = ['1xx', '2xx', '3xx', '4xx', '5xx'];

const EDGE_COLUMNS = ['source', 'target', 'sourceLabel', 'targetLabel', 'server', 'network', 'requests', 'errors',
  ...STATUS_KEYS, 'ratePerSec', 'rate1m', 'rate5m', 'p50Ms', 'p95Ms', 'p99Ms', 'bytes', 'lastSeen'];

const num = (value) => (value == null || value === '' || !Number.isFinite(Number(value)) ? null : Number(value));

/** One plain object per edge passing `isEdgeVisible`, sorted by id (two exports of one view list edges alike). */
export function edgeRecords(edges, isEdgeVisible = () => true) {
  const records = [];
  for (const edge of edges) {
    if (!isEdgeVisible(edge)) continue;
    const status = edge.status || {};
    const source = edge.sourceNode || {};
    const target = edge.targetNode || {};
    records.push({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      sourceLabel: source.label ?? edge.source,
      targetLabel: target.label ?? edge.target,
      server: source.server ?? '',
      network: source.network ?? '',
      requests: num(edge.requests) ?? 0,
      errors: num(edge.errors) ?? 0,
      status: Object.fromEntries(STATUS_KEYS.map((key) => [key, num(status[key]) ?? 0])),
      ratePerSec: num(edge.ratePerSec),
      rate1m: num(edge.rate1m),
      rate5m: num(edge.rate5m),
      p50Ms: num(edge.p50Ms),
      p95Ms: num(edge.p95Ms),
      p99Ms: num(edge.p99Ms),
      bytes: num(edge.bytes),
      lastSeen: num(edge.lastSeen),
    });
  }
  return records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function edgesCsv(records) {
  return toCsv(EDGE_COLUMNS, records.map((r) => [r.source, r.target, r.sourceLabel, r.targetLabel, r.server,
    r.network, r.requests, r.errors, ...STATUS_KEYS.map((key) => r.status[key]), r.ratePerSec, r.rate1m, r.rate5m,
    r.p50Ms, r.p95Ms, r.p99Ms, r.bytes, r.lastSeen == null ? null : new Date(r.lastSeen).toISOString()]));
}

/** `about`: {exportedAt, filters: {...}}, written first so a file says what view it came from. */
export function edgesJson(records, about) {
  const totals = { requests: 0, errors: 0 };
  for (const r of records) {
    totals.requests += r.requests;
    totals.errors += r.errors;
  }
  return JSON.stringify({ ...about, edgeCount: records.length, totals, edges: records }, null, 2) + '\n';
}

const LOG_COLUMNS = ['time', 'server', 'network', 'from', 'to', 'proxy', 'method', 'host', 'path', 'status',
  'durationMs', 'outcome', 'answeredBy', 'outsider', 'fromId', 'proxyId', 'toId'];

/** Access-log entries (the /access_logs event objects) as CSV, one row each, time as ISO 8601 UTC. */
export function accessLogCsv(entries) {
  return toCsv(LOG_COLUMNS, entries.map((e) => [
    Number.isFinite(e.time) ? new Date(e.time).toISOString() : null, e.server, e.network, e.from, e.to, e.proxy,
    e.method, e.host, e.path, num(e.status), num(e.durationMs), e.outcome, e.answeredBy, e.outsider === true,
    e.fromId, e.proxyId, e.toId]));
}
