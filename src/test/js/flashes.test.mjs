import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { GraphModel } = await web('model/graph-model.js');
const { createFlashes, bandOf, SEGMENT_MS, BURST_MS, PER_EDGE_BUDGET, GLOBAL_OK_BUDGET } = await web('anim/flashes.js');

const PROXY = 'proxy:s/proxy';
const API = 'service:s/api';
const caller = (i) => `unrecognised:s/net/10.0.0.${i}`;
const acceptAll = () => true;

/** callers 0..n-1 → proxy → api, every edge known. */
function graph(callers = 1) {
  const model = new GraphModel();
  const nodes = [{ id: PROXY, kind: 'proxy', label: 'proxy', server: 's', network: 'net' },
    { id: API, kind: 'service', label: 'api', server: 's', network: 'net' }];
  const edges = [{ source: PROXY, target: API, requests: 1, errors: 0 }];
  for (let i = 0; i < callers; i++) {
    nodes.push({ id: caller(i), kind: 'unrecognised', label: `10.0.0.${i}`, server: 's', network: 'net' });
    edges.push({ source: caller(i), target: PROXY, requests: 1, errors: 0 });
  }
  model.applyHello({ nodes, edges });
  return model;
}

const request = (i = 0, fields = {}) => ({ seq: i, hops: [caller(fields.from ?? 0), PROXY, API], outcome: 'ok',
  answeredBy: 'service', server: 's', network: 'net', status: 200, ...fields });
const failed = (i = 0, fields = {}) => request(i, { outcome: 'error', status: 502, ...fields });
const times = (n, make) => Array.from({ length: n }, (_, i) => make(i));

/** Runs frames of 16 ms from `from` to `to` (step() takes at most 250 ms at once); returns the last frame's time. */
function frames(flashes, from, to) {
  let t = from;
  while (t < to) flashes.step((t += 16));
  return t;
}

/** What the model's objects hold, to prove the animation wrote nothing onto them. */
function shapeOf(model) {
  const keys = (o) => Object.keys(o).sort().join(',');
  return { nodes: [...model.nodes.values()].map(keys), edges: [...model.edges.values()].map(keys) };
}

test('a request becomes one comet over its hops; each hop edge counts it against its budget', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest([request()], acceptAll);
  assert.equal(flashes.inFlight, 1);
  assert.equal(flashes.counters.startedOk, 1);
  const [comet] = flashes.comets;
  assert.deepEqual(comet.nodes.map((n) => n.id), [caller(0), PROXY, API]);
  assert.deepEqual(comet.tracks.map((t) => t.edge.id), [`${caller(0)}->${PROXY}`, `${PROXY}->${API}`]);
  assert.equal(flashes.track(`${caller(0)}->${PROXY}`).activeOk, 1);
  assert.equal(flashes.track(`${PROXY}->${API}`).activeOk, 1);
});

test('past the per-edge budget, successful requests are folded into the edge\'s stream; failures never are', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest(times(PER_EDGE_BUDGET + 5, (i) => request(i)), acceptAll);
  flashes.ingest(times(7, (i) => failed(100 + i)), acceptAll);
  const c = flashes.counters;
  assert.equal(c.startedOk, PER_EDGE_BUDGET);
  assert.equal(c.aggregated, 5);
  assert.equal(c.startedError, 7, 'every failure gets its own comet');
  assert.equal(c.received, PER_EDGE_BUDGET + 12);
  const track = flashes.track(`${PROXY}->${API}`);
  assert.equal(track.activeOk, PER_EDGE_BUDGET, 'failures do not use up the budget');
  assert.equal(track.folded, 5);
  assert.ok(flashes.streams.has(track));
});

test('the global budget bounds successful comets whatever the number of edges', () => {
  const callers = Math.ceil(GLOBAL_OK_BUDGET / PER_EDGE_BUDGET) * 2;
  const model = graph(callers);
  const flashes = createFlashes({ model, now: 0 });
  // Two hops each: the shared proxy → api edge would run out first, so send caller → proxy requests only.
  flashes.ingest(times(callers * 20, (i) => request(i, { from: i % callers, hops: [caller(i % callers), PROXY] })), acceptAll);
  assert.equal(flashes.counters.startedOk, GLOBAL_OK_BUDGET);
  assert.equal(flashes.counters.aggregated, callers * 20 - GLOBAL_OK_BUDGET);
});

test('comets finish after a segment per hop, giving their budget back; failures end in a burst where they stop', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest([request(1)], acceptAll);
  flashes.ingest([failed(2)], acceptAll);
  flashes.ingest([request(3, { answeredBy: 'proxy', hops: [caller(0), PROXY] })], acceptAll);
  let t = frames(flashes, 0, SEGMENT_MS + 50);
  assert.equal(flashes.inFlight, 2, 'the one-hop comet arrived');
  assert.deepEqual(flashes.bursts.map((b) => [b.node.id, b.isError, b.strong]), [[PROXY, false, true]],
    'the proxy answered itself: a strong burst');
  assert.ok(flashes.nodeBursts(PROXY).strongOk != null);
  t = frames(flashes, t, 2 * SEGMENT_MS + 50);
  assert.equal(flashes.inFlight, 0);
  assert.equal(flashes.track(`${PROXY}->${API}`).activeOk, 0);
  assert.equal(flashes.track(`${caller(0)}->${PROXY}`).activeOk, 0);
  assert.deepEqual(flashes.bursts.map((b) => [b.node.id, b.isError, b.strong]), [[API, true, false]],
    'the failure ended at the service');
  assert.ok(flashes.nodeBursts(API).error != null);
  t = frames(flashes, t, 2 * SEGMENT_MS + BURST_MS + 100);
  assert.equal(flashes.bursts.length, 0);
  assert.equal(flashes.step((t += 16)), false, 'nothing left to animate');
});

test('failures ending on the same node at once make one burst', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest([failed(1)], acceptAll);
  flashes.ingest([failed(2)], acceptAll);
  frames(flashes, 0, 2 * SEGMENT_MS + 10);
  assert.equal(flashes.bursts.length, 1);
});

test('the requests of one batch leave spread over a short window instead of all at once', () => {
  const flashes = createFlashes({ model: graph(), now: 0 });
  flashes.ingest(times(10, (i) => failed(i)), acceptAll);
  const starts = flashes.comets.map((c) => c.start);
  assert.equal(Math.min(...starts), 0);
  assert.ok(Math.max(...starts) > 0 && Math.max(...starts) < 200);
});

test('folded traffic becomes a stream with a rate and a band, and fades away when it stops', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  const band0 = flashes.bandsVersion;
  flashes.ingestFolded([{ hops: [caller(0), PROXY, API], count: 500, isError: false }]);
  assert.equal(flashes.counters.received, 500);
  assert.equal(flashes.counters.aggregated, 500);
  let t = 0;
  flashes.step((t += 250));
  const track = flashes.track(`${PROXY}->${API}`);
  assert.ok(track.foldedRate > 100, `rate ${track.foldedRate}`);
  assert.equal(track.band, 2);
  assert.ok(flashes.bandsVersion > band0);
  for (let i = 0; i < 40; i++) flashes.step((t += 250));
  assert.equal(track.foldedRate, 0);
  assert.equal(track.band, null);
  assert.equal(flashes.streams.size, 0);
});

test('the band width changes only when the rate clearly moved', () => {
  assert.equal(bandOf({ foldedRate: 50, band: null }), 1);
  assert.equal(bandOf({ foldedRate: 110, band: 1 }), 1, 'just over 99/s: stays');
  assert.equal(bandOf({ foldedRate: 250, band: 1 }), 2);
  assert.equal(bandOf({ foldedRate: 6, band: 1 }), 1, 'just under 9/s: stays');
  assert.equal(bandOf({ foldedRate: 2, band: 1 }), 0);
  assert.equal(bandOf({ foldedRate: 1e6, band: null }), 3);
});

test('filtered requests are counted and not animated; paused, nothing starts and time stands still', () => {
  const flashes = createFlashes({ model: graph(), now: 0 });
  flashes.ingest([request(1), failed(2)], (e) => e.outcome === 'error');
  assert.equal(flashes.counters.filtered, 1);
  assert.equal(flashes.inFlight, 1);
  flashes.setPaused(true);
  flashes.ingest([failed(3)], acceptAll);
  assert.equal(flashes.counters.received, 3);
  assert.equal(flashes.inFlight, 1);
  flashes.step(5000);
  assert.equal(flashes.clock, 0);
  assert.equal(flashes.inFlight, 1);
  flashes.setPaused(false);
  flashes.step(5100);
  assert.equal(flashes.clock, 100);
});

test('requests over nodes or edges the model does not know are skipped or drawn without a track', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest([request(1, { hops: ['service:s/unknown', PROXY] }), request(2, { hops: [PROXY] })], acceptAll);
  assert.equal(flashes.inFlight, 0);
  flashes.ingest([failed(3, { hops: [API, PROXY] })], acceptAll); // both nodes known, no api → proxy edge
  assert.deepEqual(flashes.comets[0].tracks, [null]);
});

test('the animation state is its own: nothing is written onto the model\'s nodes and edges', () => {
  const model = graph(3);
  const before = shapeOf(model);
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest(times(60, (i) => (i % 5 ? request(i, { from: i % 3 }) : failed(i, { from: i % 3 }))), acceptAll);
  flashes.ingest([request(99, { answeredBy: 'proxy', hops: [caller(1), PROXY] })], acceptAll);
  flashes.ingestFolded([{ hops: [caller(2), PROXY, API], count: 1000, isError: false }]);
  frames(flashes, 0, 3000);
  assert.deepEqual(shapeOf(model), before);
  for (const edge of model.edges.values()) {
    for (const stapled of ['activeOk', 'aggregateCount', 'aggregateRate', 'foldedBand', 'segment']) {
      assert.equal(stapled in edge, false, `edge.${stapled}`);
    }
  }
  for (const node of model.nodes.values()) {
    for (const stapled of ['lastStrongErrorBurst', 'lastStrongOkBurst', 'lastErrorBurst']) {
      assert.equal(stapled in node, false, `node.${stapled}`);
    }
  }
});

test('clear forgets comets, bursts, streams and every track (a new hello replaced the graph)', () => {
  const model = graph();
  const flashes = createFlashes({ model, now: 0 });
  flashes.ingest(times(20, (i) => request(i)), acceptAll);
  flashes.ingest([failed(50)], acceptAll);
  flashes.ingestFolded([{ hops: [caller(0), PROXY, API], count: 100, isError: false }]);
  frames(flashes, 0, 2 * SEGMENT_MS + 10);
  assert.ok(flashes.bursts.length > 0 && flashes.streams.size > 0);
  const bands = flashes.bandsVersion;
  flashes.clear();
  assert.equal(flashes.inFlight, 0);
  assert.equal(flashes.bursts.length, 0);
  assert.equal(flashes.streams.size, 0);
  assert.equal(flashes.track(`${PROXY}->${API}`), undefined);
  assert.equal(flashes.nodeBursts(API), undefined);
  assert.ok(flashes.bandsVersion > bands, 'the bands in the map must go');
  const aggregated = flashes.counters.aggregated;
  flashes.ingest(times(PER_EDGE_BUDGET, (i) => request(i)), acceptAll);
  assert.equal(flashes.counters.aggregated, aggregated, 'a fresh budget: nothing folded');
  assert.equal(flashes.track(`${PROXY}->${API}`).activeOk, PER_EDGE_BUDGET);
});
