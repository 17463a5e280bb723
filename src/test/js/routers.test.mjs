import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { routerRows, routersOfProxy, summary } = await web('model/routers.js');

/** As /network_info?section=routers sends it (docs/protocol.md). */
const DOC = {
  generatedAt: 1752585273000,
  counted: 'live',
  routers: [
    {
      proxy: 'proxy:a/pub', inventoryAt: 1752585270000, counted: 'live',
      routers: [
        { name: 'busy@file', service: 'backend@file', rule: 'PathPrefix(`/busy`)', declared: true, requests: 12, lastSeen: 1752585272000, idle: false },
        { name: 'quiet@file', service: 'backend@file', rule: null, declared: true, requests: 1, lastSeen: 1752585200000, idle: false },
        { name: 'idle@file', service: 'spare@file', rule: 'Host(`idle.example`)', declared: true, requests: 0, lastSeen: null, idle: true },
      ],
      services: [],
      unrouted: 3,
      unmatchedHosts: { top: [{ host: 'scan.example', requests: 3 }], other: 0 },
      unmatchedPaths: { top: [{ path: '/.env', requests: 3 }], other: 0 },
    },
  ],
};

test('the section of the selected proxy, or null', () => {
  assert.equal(routersOfProxy(DOC, 'proxy:a/pub').inventoryAt, 1752585270000);
  assert.equal(routersOfProxy(DOC, 'proxy:a/other'), null);
  assert.equal(routersOfProxy({}, 'proxy:a/pub'), null);
});

test('idle routers come first, then the busiest; unknown counts last', () => {
  const rows = routerRows([...routersOfProxy(DOC, 'proxy:a/pub').routers,
    { name: 'window@file', requests: null, idle: false }]);
  assert.deepEqual(rows.rows.map((r) => r.name), ['idle@file', 'busy@file', 'quiet@file', 'window@file']);
  assert.equal(rows.idle, 1);
  assert.equal(summary(rows, 'router'), '4 routers, 1 idle');
  assert.equal(summary(routerRows([]), 'service'), '0 services, 0 idle');
});
