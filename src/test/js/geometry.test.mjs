import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { edgeSegment, distanceToSegmentSquared, nodeRadius } = await web('lib/geometry.js');
const { groupNodes, measureGroups, NETWORK_PADDING, SERVER_PADDING } = await web('layout/groups.js');

test('an edge runs from rim to rim; its reverse runs beside it, on the right of travel', () => {
  const a = { kind: 'service', x: 0, y: 0 };
  const b = { kind: 'proxy', x: 100, y: 0 };
  const one = edgeSegment(a, b, false);
  assert.equal(one.x1, nodeRadius(a) + 2);
  assert.equal(one.x2, 100 - nodeRadius(b) - 3);
  assert.equal(one.y1, 0);
  assert.deepEqual([one.ux, one.uy], [1, 0]);
  const there = edgeSegment(a, b, true);
  const back = edgeSegment(b, a, true);
  assert.ok(there.y1 > 0 && back.y1 < 0, 'the two directions do not overlap');
  assert.equal(distanceToSegmentSquared(50, 3, 0, 0, 100, 0), 9);
  assert.equal(distanceToSegmentSquared(-4, 3, 0, 0, 100, 0), 25, 'past the end: to the end point');
});

test('nodes group by server, then network, sorted; boxes hold their nodes with padding', () => {
  const nodes = [
    { id: 'b1', kind: 'service', label: 'b1', server: 'b', network: 'n', x: 0, y: 0 },
    { id: 'a2', kind: 'service', label: 'a2', server: 'a', network: 'y', x: 200, y: 0 },
    { id: 'a1', kind: 'proxy', label: 'a1', server: 'a', network: 'x', x: 0, y: 0 },
  ];
  const groups = measureGroups(groupNodes(nodes));
  assert.deepEqual(groups.map((s) => [s.name, s.networks.map((n) => n.name)]), [['a', ['x', 'y']], ['b', ['n']]]);
  const [a] = groups;
  const [x] = a.networks;
  assert.ok(x.x0 <= -nodeRadius(nodes[2]) - NETWORK_PADDING.left);
  assert.ok(a.x0 <= x.x0 - SERVER_PADDING.left + 1e-9);
  assert.ok(a.x1 >= a.networks[1].x1 + SERVER_PADDING.right - 1e-9);

  const hidden = measureGroups(groupNodes(nodes), (node) => node.server === 'b');
  assert.deepEqual(hidden.map((s) => s.visible), [false, true]);
});
