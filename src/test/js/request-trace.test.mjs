import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { tracePath } = await web('model/request-trace.js');

const EXT = 'external:edge/edge-net';
const GW = 'proxy:edge/gw';
const PUB = 'proxy:a/pub';
const API = 'service:a/api';

test('a gateway\'s event and the proxy\'s event make one path, gateway to leaf', () => {
  // Decoded as /ws/graph sends them: the gateway's hops stop at the proxy it forwarded to (flag 8).
  const proxyLine = { seq: 11, time: 1000, proxyId: PUB, hops: [GW, PUB, API], requestId: 'r1' };
  const gatewayLine = { seq: 12, time: 999, proxyId: GW, hops: [EXT, GW], requestId: 'r1' };
  const trace = tracePath([proxyLine, gatewayLine]);
  assert.deepEqual(trace.path, [EXT, GW, PUB, API]);
  assert.deepEqual(trace.hops, [[EXT, GW], [GW, PUB], [PUB, API]]);
  assert.deepEqual(trace.proxies.sort(), [PUB, GW].sort());
  assert.deepEqual(trace.events.map((e) => e.seq), [12, 11]);
});

test('a retry that branches keeps its hops in time order and no single path', () => {
  const trace = tracePath([
    { seq: 1, time: 1, proxyId: PUB, hops: [EXT, PUB, API] },
    { seq: 2, time: 2, proxyId: PUB, hops: [EXT, PUB, 'service:a/other'] },
  ]);
  assert.equal(trace.path, null);
  assert.equal(trace.hops.length, 3);
  assert.deepEqual(tracePath([]).hops, []);
  assert.equal(tracePath([]).path, null);
});
