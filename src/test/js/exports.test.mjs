import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { csvCell, toCsv } = await web('lib/csv.js');
const { accessLogCsv, edgeRecords, edgesCsv, edgesJson } = await web('model/exports.js');

test('cells that a spreadsheet would run as a formula get a leading quote', () => {
  for (const text of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil","x")']) {
    assert.ok(csvCell(text).replace(/^"/, '').startsWith("'"), text);
  }
  assert.equal(csvCell('=cmd|\' /C calc\'!A0'), "'=cmd|' /C calc'!A0");
  assert.equal(csvCell('/api/=x'), '/api/=x', 'only a leading sign is a formula');
  assert.equal(csvCell(-5), '-5', 'numbers are ours, and stay numbers');
  assert.equal(csvCell(1.5), '1.5');
  assert.equal(csvCell(NaN), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(true), 'true');
});

test('quoting: quotes doubled, and a cell with a comma, quote or line break in quotes', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=a,"b"'), '"\'=a,""b"""', 'made safe, then quoted');
  assert.equal(csvCell('\rx'), '"\'\rx"');
  assert.equal(toCsv(['a', 'b'], [[1, 'x,y'], [null, '-1']]), 'a,b\r\n1,"x,y"\r\n,\'-1\r\n');
});

/** A small RFC 4180 reader, to check that what is written reads back cell for cell. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

test('attacker text in an access-log row reads back as text in its own cell', () => {
  const entry = { time: Date.UTC(2026, 11, 7, 23, 0, 0), server: 's', network: 'n', from: '=evil()', to: 'api',
    proxy: 'p', method: 'GET', host: 'h,ost', path: '/a"b\r\n=c', status: 404, durationMs: 1.5, outcome: 'error',
    answeredBy: 'proxy', outsider: false, fromId: 'external:s/n', proxyId: 'proxy:s/p', toId: 'proxy:s/p' };
  const rows = parseCsv(accessLogCsv([entry]));
  assert.equal(rows.length, 2);
  assert.equal(rows[0].length, rows[1].length);
  const cell = (name) => rows[1][rows[0].indexOf(name)];
  assert.equal(cell('time'), '2026-12-07T23:00:00.000Z');
  assert.equal(cell('from'), "'=evil()");
  assert.equal(cell('host'), 'h,ost');
  assert.equal(cell('path'), '/a"b\r\n=c');
  assert.equal(cell('status'), '404');
  assert.equal(cell('answeredBy'), 'proxy');
});

const node = (id, label, server = 's', network = 'n') => ({ id, label, server, network });

test('edge records: only the visible edges, sorted, with the model\'s counts; CSV and JSON agree', () => {
  const a = node('external:s/n', 'external callers');
  const p = node('proxy:s/p', 'p');
  const api = node('service:s/api', '-api');
  const edges = [
    { id: 'proxy:s/p->service:s/api', source: 'proxy:s/p', target: 'service:s/api', sourceNode: p, targetNode: api,
      requests: 7, errors: 2, status: { '2xx': 5, '5xx': 2 }, ratePerSec: 0.5, p95Ms: 12.5, lastSeen: 0 },
    { id: 'external:s/n->proxy:s/p', source: 'external:s/n', target: 'proxy:s/p', sourceNode: a, targetNode: p,
      requests: 10, errors: 3, status: { '2xx': 7, '4xx': 3 }, ratePerSec: 1, p95Ms: null },
    { id: 'hidden', source: 'x', target: 'y', sourceNode: a, targetNode: a, requests: 100, errors: 0, status: {} },
  ];
  const records = edgeRecords(edges, (edge) => edge.id !== 'hidden');
  assert.deepEqual(records.map((r) => r.id), ['external:s/n->proxy:s/p', 'proxy:s/p->service:s/api']);
  assert.deepEqual(records[1].status, { '1xx': 0, '2xx': 5, '3xx': 0, '4xx': 0, '5xx': 2 });
  assert.equal(records[0].p95Ms, null);

  const rows = parseCsv(edgesCsv(records));
  const col = (name) => rows[0].indexOf(name);
  assert.deepEqual(rows.slice(1).map((r) => Number(r[col('requests')])), [10, 7]);
  assert.equal(rows[2][col('targetLabel')], "'-api", 'labels come from logs');
  assert.equal(rows[1][col('p95Ms')], '');

  const json = JSON.parse(edgesJson(records, { exportedAt: 'now', filters: {} }));
  assert.equal(json.edgeCount, 2);
  assert.deepEqual(json.totals, { requests: 17, errors: 5 });
  assert.equal(json.edges[1].targetLabel, '-api', 'JSON is not a spreadsheet: text stays as it is');
});
