import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { alertMarks, worse } = await web('model/alert-marks.js');

const CALLER = 'service:a/web';
const PROXY = 'proxy:a/priv';
const API = 'service:a/api';
const DB = 'service:a/db';
const OUTSIDER = 'unrecognised:a/priv-net/10.0.0.99';

/** The hops the page draws: web -> priv -> api, web -> priv -> db, and an outsider the proxy answered itself. */
function drawn(...pairs) {
  return new Map(pairs.map(([source, target]) => [`${source}->${target}`, { source, target }]));
}
const EDGES = drawn([CALLER, PROXY], [PROXY, API], [PROXY, DB], [OUTSIDER, PROXY]);

test('a logical edge through a proxy badges both hops, and only the hops to its own target', () => {
  const marks = alertMarks([{ rule: 'slow', severity: 'warning', from: CALLER, to: API }], EDGES);

  assert.deepEqual([...marks.edges.keys()].sort(), [`${PROXY}->${API}`, `${CALLER}->${PROXY}`]);
  assert.deepEqual(marks.alerts[0].edgeIds, [`${CALLER}->${PROXY}`, `${PROXY}->${API}`]);
});

test('an edge to a proxy that answered itself badges the one drawn edge', () => {
  const marks = alertMarks([{ rule: 'outsider', severity: 'critical', from: OUTSIDER, to: PROXY }], EDGES);

  assert.deepEqual([...marks.edges], [[`${OUTSIDER}->${PROXY}`, 'critical']]);
});

test('a node alert marks its node; an edge not on screen marks nothing; the worst severity wins', () => {
  const marks = alertMarks([
    { rule: 'new', severity: 'info', node: API },
    { rule: 'api-down', severity: 'critical', node: API },
    { rule: 'gone', severity: 'warning', from: 'service:a/nowhere', to: API },
  ], EDGES);

  assert.deepEqual([...marks.nodes], [[API, 'critical']]);
  assert.equal(marks.edges.size, 0);
  assert.equal(marks.alerts.length, 3);
  assert.equal(worse('critical', 'info'), 'critical');
  assert.equal(worse(undefined, 'info'), 'info');
});
