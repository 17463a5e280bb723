import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { createNoiseIndex, groupPrefixes, isUnroutedEvent, NO_NOISE, widen } = await web('model/noise.js');
const { createFilter } = await web('model/filters.js');

const EXTERNAL = 'external:a/pub-net';
const PUB = 'proxy:a/pub';
const PRIV = 'proxy:a/priv';
const SCANNER = 'unrecognised:a/priv-net/10.0.0.99';
const SERVICE = 'service:a/api';

/** As /callers sends it: the external node mixes real users and a scanner's /24; 10.0.0.99 only scans. */
const DOC = {
  callers: [
    { caller: EXTERNAL, proxy: PUB, requests: 100, unrouted: 30 },
    { caller: EXTERNAL, proxy: PRIV, requests: 5, unrouted: 5 },
    { caller: SCANNER, proxy: PRIV, requests: 12, unrouted: 12 },
    { caller: SERVICE, proxy: PRIV, requests: 50, unrouted: 0 },
  ],
  prefixes: [
    { external: EXTERNAL, proxy: PUB, prefix: '203.0.113.0/24', requests: 70, unrouted: 0, errors: 3 },
    { external: EXTERNAL, proxy: PUB, prefix: '198.51.100.0/24', requests: 25, unrouted: 25, errors: 25 },
    { external: EXTERNAL, proxy: PRIV, prefix: '198.51.100.0/24', requests: 5, unrouted: 5, errors: 5 },
    { external: EXTERNAL, proxy: PUB, prefix: '198.51.7.0/24', requests: 5, unrouted: 5, errors: 5 },
    { external: EXTERNAL, proxy: PUB, prefix: '2001:db8:1::/48', requests: 1, unrouted: 0, errors: 0 },
  ],
  prefixesHidden: false,
  untracked: 0,
};

test('a request is noise when Traefik answered it itself with a 404: no router matched', () => {
  assert.equal(isUnroutedEvent({ answeredBy: 'proxy', status: 404 }), true);
  assert.equal(isUnroutedEvent({ answeredBy: 'proxy', status: 502 }), false, 'no healthy server is not noise');
  assert.equal(isUnroutedEvent({ answeredBy: 'proxy', status: 301 }), false, 'a redirect is not noise');
  assert.equal(isUnroutedEvent({ answeredBy: 'service', status: 404 }), false, 'a service\'s own 404 is real');
});

test('scanners are callers whose every request matched no router; noise edges carried nothing else', () => {
  const index = createNoiseIndex(DOC);
  assert.equal(index.isScanner(SCANNER), true);
  assert.equal(index.isScanner(EXTERNAL), false, 'real users too: not a scanner');
  assert.equal(index.isScanner(SERVICE), false);
  assert.equal(index.isScanner('proxy:a/pub'), false, 'not a caller the document lists');
  assert.equal(index.isNoiseEdge({ source: EXTERNAL, target: PRIV }), true, 'only junk on this edge');
  assert.equal(index.isNoiseEdge({ source: EXTERNAL, target: PUB }), false);
  assert.equal(index.isNoiseEdge({ source: SCANNER, target: PRIV }), true);
  assert.equal(index.isNoiseEdge({ source: PRIV, target: SERVICE }), false);
});

test('the chip counts every unrouted request, and callers by node, the external ones by prefix', () => {
  assert.deepEqual(createNoiseIndex(DOC).hidden, { requests: 47, callers: 3 }, '198.51.100.0/24, 198.51.7.0/24, 10.0.0.99');
  const masked = createNoiseIndex({ ...DOC, prefixes: null, prefixesHidden: true });
  assert.deepEqual(masked.hidden, { requests: 47, callers: 2 }, 'without prefixes the external node is one caller');
  assert.equal(masked.prefixesHidden, true);
  assert.deepEqual(NO_NOISE.hidden, { requests: 0, callers: 0 });
});

test('the filter hides noise only while the switch is on', () => {
  const filter = createFilter();
  filter.setNoise(createNoiseIndex(DOC));
  const node = (id) => ({ id, server: 'a', network: 'n' });
  const scanner = node(SCANNER);
  const edge = { source: SCANNER, target: PRIV, sourceNode: scanner, targetNode: node(PRIV), status: { '4xx': 12 } };
  const unrouted = { server: 'a', network: 'n', status: 404, answeredBy: 'proxy' };
  assert.equal(filter.isNodeVisible(scanner), true);
  assert.equal(filter.isEdgeVisible(edge), true);
  assert.equal(filter.acceptEvent(unrouted), true);
  filter.setHideNoise(true);
  assert.equal(filter.isNodeVisible(scanner), false);
  assert.equal(filter.isEdgeVisible(edge), false);
  assert.equal(filter.acceptEvent(unrouted), false);
  assert.equal(filter.acceptEvent({ ...unrouted, answeredBy: 'service' }), true);
  assert.equal(filter.isNodeVisible(node(EXTERNAL)), true);
  filter.setHideNoise(false);
  assert.equal(filter.isNodeVisible(scanner), true);
});

test('prefixes: /24 and /48 as counted, summed over proxies, widened to /16 and /32 on request', () => {
  const narrow = groupPrefixes(DOC.prefixes, EXTERNAL, false);
  assert.deepEqual(narrow.map((r) => [r.prefix, r.requests, r.unrouted, r.scanner]), [
    ['203.0.113.0/24', 70, 0, false],
    ['198.51.100.0/24', 30, 30, true],
    ['198.51.7.0/24', 5, 5, true],
    ['2001:db8:1::/48', 1, 0, false],
  ]);
  const wide = groupPrefixes(DOC.prefixes, EXTERNAL, true);
  assert.deepEqual(wide.map((r) => [r.prefix, r.requests, r.errors, r.scanner]), [
    ['203.0.0.0/16', 70, 3, false],
    ['198.51.0.0/16', 35, 35, true],
    ['2001:db8::/32', 1, 0, false],
  ]);
  assert.deepEqual(groupPrefixes(DOC.prefixes, 'external:b/other', false), []);
  assert.equal(widen('2001:0:0::/48'), '2001:0::/32');
  assert.equal(widen('unknown'), 'unknown');
});
