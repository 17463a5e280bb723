import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { STATUS_CLASSES, statusClass, createFilter, createGroupIndex } = await web('model/filters.js');

const node = (server, network) => ({ server, network });
const edge = (source, target, status = {}) => ({ sourceNode: source, targetNode: target, status });

test('status classes', () => {
  assert.deepEqual(STATUS_CLASSES, ['2xx', '3xx', '4xx', '5xx']);
  assert.deepEqual([200, 302, 404, 503, '500', 0, 101, 600, null, 'x'].map(statusClass),
    ['2xx', '3xx', '4xx', '5xx', '5xx', null, null, null, null, null]);
});

test('with nothing chosen, everything is shown', () => {
  const filter = createFilter();
  const a = node('s', 'n');
  assert.equal(filter.isNodeVisible(a), true);
  assert.equal(filter.isEdgeVisible(edge(a, node('t', 'm'))), true);
  assert.equal(filter.acceptEvent({ server: 's', network: 'n', status: 0 }), true, 'even a status of no class');
});

test('a server, then a network of it', () => {
  const filter = createFilter();
  filter.setServer('s');
  assert.equal(filter.isNodeVisible(node('s', 'n')), true);
  assert.equal(filter.isNodeVisible(node('t', 'n')), false);
  assert.equal(filter.isEdgeVisible(edge(node('s', 'n'), node('t', 'n'))), false, 'both ends must be shown');
  filter.setNetwork('n');
  assert.equal(filter.isNodeVisible(node('s', 'm')), false);
  assert.equal(filter.acceptEvent({ server: 's', network: 'n', status: 200 }), true);
  assert.equal(filter.acceptEvent({ server: 's', network: 'm', status: 200 }), false);
  filter.setServer('t');
  assert.equal(filter.state.network, '', 'another server: its networks are others');
});

test('status classes hide events of other classes and edges that carried none of the chosen', () => {
  const filter = createFilter();
  assert.equal(filter.toggleClass('2xx'), false);
  assert.equal(filter.toggleClass('3xx'), false);
  assert.equal(filter.acceptEvent({ status: 200 }), false);
  assert.equal(filter.acceptEvent({ status: 404 }), true);
  assert.equal(filter.acceptEvent({ status: 0 }), false, 'no class: hidden once classes are chosen');
  const a = node('s', 'n');
  assert.equal(filter.isEdgeVisible(edge(a, a, { '2xx': 5 })), false);
  assert.equal(filter.isEdgeVisible(edge(a, a, { '2xx': 5, '5xx': 1 })), true);
  assert.equal(filter.toggleClass('2xx'), true);
  assert.equal(filter.acceptEvent({ status: 200 }), true);
});

test('the predicates work detached from the filter object (the scene holds them as functions)', () => {
  const { isNodeVisible, acceptEvent } = createFilter();
  assert.equal(isNodeVisible(node('s', 'n')), true);
  assert.equal(acceptEvent({ status: 200 }), true);
});

test('the group index: servers and their networks, sorted, each once', () => {
  const groups = createGroupIndex();
  assert.equal(groups.add('b', 'net-2'), true);
  assert.equal(groups.add('a', 'net-1'), true);
  assert.equal(groups.add('a', 'net-1'), false);
  assert.equal(groups.add('b', 'net-1'), true);
  assert.equal(groups.add('c'), true, 'a server with no network');
  assert.equal(groups.add('c', null), false);
  assert.equal(groups.add(undefined, ''), true, 'no server, no network: both as empty names');
  assert.deepEqual(groups.servers(), ['', 'a', 'b', 'c']);
  assert.deepEqual(groups.networks(''), ['', 'net-1', 'net-2']);
  assert.deepEqual(groups.networks('b'), ['net-1', 'net-2']);
  assert.deepEqual(groups.networks('c'), []);
  groups.clear();
  assert.deepEqual(groups.servers(), []);
});
