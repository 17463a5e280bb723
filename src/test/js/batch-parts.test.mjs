import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { createNodeTable, decodeEdges, decodeEvents, decodeFolded, layoutDue, ERROR } = await web('net/wire.js');

// A batch too big for one message, as the server cuts it (docs/protocol.md, "Big batches"): nodes first, then edge
// rows, events with their own strings, folded routes; every message but the last says more: true.
const LONG = 'x'.repeat(2048);
const node = (ix, name) => ({ ix, id: `service:server-a/${name}`, kind: 'service', label: name, server: 'server-a',
  network: 'private-net' });
const PROXY = { ix: 0, id: 'proxy:server-a/private-proxy', kind: 'proxy', label: 'private-proxy', server: 'server-a',
  network: 'private-net' };
const parts = [
  { type: 'batch', dropped: 7, nodes: [PROXY, node(1, `caller-${LONG}`)], edges: [], strings: [], events: [], more: true },
  { type: 'batch', dropped: 0, nodes: [node(2, `target-${LONG}`)], edges: [], strings: [], events: [], more: true },
  { type: 'batch', dropped: 0, nodes: [], strings: [], events: [], more: true,
    edges: [[1, 0, 5, 1, 0, 4, 0, 0, 1, 0.5, 0.1, 0.02, 3, 9, 12, 900, 1752585273787],
      [0, 2, 5, 1, 0, 4, 0, 0, 1, 0.5, 0.1, 0.02, 3, 9, 12, 900, 1752585273787]] },
  { type: 'batch', dropped: 0, nodes: [], edges: [], more: true, strings: ['GET', 'shop', `/a${LONG}`],
    events: [[100, 1752585273000, 1, 0, 2, 200, 1500, 0, 0, 1, 2], [1, 5, 1, 0, 2, 502, 900, ERROR, 0, 1, 2]] },
  // Its own strings: index 0 here is not the previous message's 'GET'.
  { type: 'batch', dropped: 0, nodes: [], edges: [], more: true, strings: ['POST', `/b${LONG}`],
    events: [[102, 1752585273010, 1, 0, 2, 201, 700, 0, 0, -1, 1]] },
  { type: 'batch', dropped: 0, nodes: [], edges: [], strings: [], events: [], folded: [[1, 0, 2, 0, 2]] },
];

test('a batch in parts, applied in order, decodes every node, edge, event and folded route of the batch', () => {
  const table = createNodeTable();
  table.learn([]);
  const events = [];
  const edges = [];
  let folded = 0;
  let dropped = 0;
  for (const part of parts) {
    table.learn(part.nodes);
    edges.push(...decodeEdges(part, table));
    events.push(...decodeEvents(part, table));
    folded += decodeFolded(part, table).reduce((sum, route) => sum + route.count, 0);
    dropped += part.dropped;
  }
  assert.deepEqual(edges.map((e) => `${e.source}->${e.target} ${e.requests}`), [
    `service:server-a/caller-${LONG}->proxy:server-a/private-proxy 5`,
    `proxy:server-a/private-proxy->service:server-a/target-${LONG} 5`,
  ]);
  assert.deepEqual(events.map((e) => [e.seq, e.method, e.host, e.path, e.from, e.to, e.outcome]), [
    [100, 'GET', 'shop', `/a${LONG}`, `caller-${LONG}`, `target-${LONG}`, 'ok'],
    [101, 'GET', 'shop', `/a${LONG}`, `caller-${LONG}`, `target-${LONG}`, 'error'],
    [102, 'POST', null, `/b${LONG}`, `caller-${LONG}`, `target-${LONG}`, 'ok'],
  ]);
  // Each request is told of once: one by one, folded, or as dropped.
  assert.equal(events.length + folded + dropped, 3 + 2 + 7);
});

test('a batch in parts is laid out once it is whole, or before requests animate on its new nodes', () => {
  assert.deepEqual(parts.map(layoutDue), [false, false, false, true, true, true]);
  assert.equal(layoutDue({ type: 'batch', nodes: [], edges: [], strings: [], events: [] }), true); // one message
  assert.equal(layoutDue({ type: 'batch', more: true, folded: [[1, 0, 2, 0, 1]] }), true);
});
