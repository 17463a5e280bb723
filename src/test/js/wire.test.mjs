import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { web } from './web.mjs';

const { createNodeTable, decodeEdges, decodeEvents, decodeFolded, ERROR, ANSWERED_BY_PROXY, OUTSIDER, HOPS_END_AT_PROXY } =
  await web('net/wire.js');

const CALLER = { ix: 12, id: 'service:server-a/public-communicating-service', kind: 'service',
  label: 'public-communicating-service', server: 'server-a', network: 'public-net' };
const PROXY = { ix: 3, id: 'proxy:server-a/private-proxy', kind: 'proxy', label: 'private-proxy', server: 'server-a',
  network: 'private-net' };
const TARGET = { ix: 14, id: 'service:server-a/private-non-communicating-service', kind: 'service',
  label: 'private-non-communicating-service', server: 'server-a', network: 'private-net' };

function table() {
  const t = createNodeTable();
  t.learn([CALLER, PROXY, TARGET]);
  return t;
}

/** The event object of docs/protocol.md, "Event (one per request)": what a compact event must decode to. */
function documentedEvent() {
  const doc = fs.readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Event (one per request)'));
  const json = section.slice(section.indexOf('```json') + 7, section.indexOf('```', section.indexOf('```json') + 7));
  return JSON.parse(json);
}

test('a compact event decodes to exactly the event object docs/protocol.md shows', () => {
  const expected = documentedEvent();
  const batch = {
    strings: ['GET', 'private-proxy', '/non-communicating/endpoint'],
    // [seq, time, from, proxy, to, status, durationMicros, flags, method, host, path]
    events: [[expected.seq, expected.time, 12, 3, 14, 400, 6351300, ERROR, 0, 1, 2]],
  };
  assert.deepEqual(decodeEvents(batch, table()), [expected]);
});

test('seq and time are differences from the previous event of the batch', () => {
  const events = decodeEvents({ strings: [], events: [
    [1017, 1752585273787, 12, 3, 14, 200, 1000, 0, -1, -1, -1],
    [1, 5, 12, 3, 14, 200, 1000, 0, -1, -1, -1],
    [2, 0, 12, 3, 14, 200, 1000, 0, -1, -1, -1],
  ] }, table());
  assert.deepEqual(events.map((e) => [e.seq, e.time]), [[1017, 1752585273787], [1018, 1752585273792], [1020, 1752585273792]]);
  assert.deepEqual(events.map((e) => e.method), [null, null, null], 'string index -1: no text');
});

test('the flags: answered by the proxy, outsider, hops ending at the proxy', () => {
  const [byProxy, outsider, forwarded] = decodeEvents({ strings: ['GET'], events: [
    [1, 0, 12, 3, 3, 404, 120, ERROR | ANSWERED_BY_PROXY | HOPS_END_AT_PROXY, 0, -1, -1],
    [1, 0, 12, 3, 14, 200, 120, OUTSIDER, 0, -1, -1],
    [1, 0, 12, 3, 14, 200, 120, HOPS_END_AT_PROXY, 0, -1, -1],
  ] }, table());
  assert.equal(byProxy.answeredBy, 'proxy');
  assert.equal(byProxy.outcome, 'error');
  assert.equal(byProxy.toId, PROXY.id);
  assert.deepEqual(byProxy.hops, [CALLER.id, PROXY.id]);
  assert.equal(outsider.outsider, true);
  assert.equal(outsider.outcome, 'ok');
  assert.equal(outsider.answeredBy, 'service');
  assert.deepEqual(outsider.hops, [CALLER.id, PROXY.id, TARGET.id]);
  assert.deepEqual(forwarded.hops, [CALLER.id, PROXY.id]);
  assert.equal(forwarded.to, TARGET.label, 'the target stays the target; only the hops stop');
  assert.equal(byProxy.durationMs, 0.12);
});

test('decoded events already given as objects are taken as they are; anything else is skipped', () => {
  const given = { seq: 1, hops: ['a', 'b'] };
  assert.deepEqual(decodeEvents({ events: [given, null, 'junk', 7] }, table()), [given]);
  assert.deepEqual(decodeEvents({}, table()), []);
});

test('an event naming a node index never announced still decodes, with unknown ends', () => {
  const [event] = decodeEvents({ events: [[1, 0, 99, 3, 14, 200, 0, 0, -1, -1, -1]] }, table());
  assert.equal(event.from, '?');
  assert.equal(event.fromId, undefined);
  assert.equal(event.proxyId, PROXY.id);
});

test('edge rows decode to /network_info edge objects; rows naming unknown nodes are dropped', () => {
  const edges = decodeEdges({ edges: [
    [12, 3, 10, 2, 0, 8, 0, 2, 0, 1.2, 0.9, 0.5, 3.1, 12, 40.2, 1234, 1752585273787],
    [12, 99, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, null, null, null, 0, 0],
    { source: 'a', target: 'b', requests: 1 },
  ] }, table());
  assert.deepEqual(edges, [
    { source: CALLER.id, target: PROXY.id, requests: 10, errors: 2,
      status: { '1xx': 0, '2xx': 8, '3xx': 0, '4xx': 2, '5xx': 0 }, ratePerSec: 1.2, rate1m: 0.9, rate5m: 0.5,
      p50Ms: 3.1, p95Ms: 12, p99Ms: 40.2, bytes: 1234, lastSeen: 1752585273787 },
    { source: 'a', target: 'b', requests: 1 },
  ]);
});

test('folded routes decode to hops and counts; empty or unknown routes are dropped', () => {
  const folded = decodeFolded({ folded: [
    [12, 3, 14, 0, 250],
    [12, 3, 3, ERROR | ANSWERED_BY_PROXY | HOPS_END_AT_PROXY, 4],
    [12, 3, 14, 0, 0],
    [12, 3, 99, 0, 5],
    'junk',
  ] }, table());
  assert.deepEqual(folded, [
    { hops: [CALLER.id, PROXY.id, TARGET.id], count: 250, isError: false },
    { hops: [CALLER.id, PROXY.id], count: 4, isError: true },
  ]);
  assert.deepEqual(decodeFolded({}, table()), []);
});

test('the node table learns indexes from hello and batches, ignores junk, and forgets on reset', () => {
  const t = createNodeTable();
  t.learn([CALLER, { id: 'x' }, { ix: -1, id: 'y' }, { ix: 2.5, id: 'z' }, null]);
  t.learn(undefined);
  assert.deepEqual(t.get(12), { id: CALLER.id, label: CALLER.label, server: 'server-a', network: 'public-net' });
  t.learn([{ ix: 7, id: 'service:s/no-label' }]);
  assert.equal(t.get(7).label, 'service:s/no-label', 'no label: the id');
  t.reset();
  assert.equal(t.get(12), undefined);
});

test('a twelfth element is the request id, from the batch strings; without it the event has none', () => {
  const batch = {
    strings: ['GET', 'h', '/a', 'req-42'],
    events: [[1, 1000, 12, 3, 14, 200, 1000, 0, 0, 1, 2, 3], [1, 1, 12, 3, 14, 200, 1000, 0, 0, 1, 2]],
  };
  const [withId, without] = decodeEvents(batch, table());
  assert.equal(withId.requestId, 'req-42');
  assert.equal(withId.path, '/a');
  assert.equal('requestId' in without, false);
});
