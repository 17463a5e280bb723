import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { GraphModel, placeholderNode, eventTouchesNode, eventCrossesEdge } = await web('model/graph-model.js');

const PUBLIC = 'proxy:server-a/public-proxy';
const API = 'service:server-a/api';
const EXTERNAL = 'external:server-a/public-net';

function hello() {
  return {
    view: 'hops',
    generatedAt: 5,
    servers: [{ name: 'server-a', proxies: [{ name: 'public-proxy', role: 'public', network: 'public-net' },
      { name: 'private-proxy', id: 'proxy:server-a/private-proxy', role: 'private' }] }],
    nodes: [
      { ix: 0, id: PUBLIC, kind: 'proxy', label: 'public-proxy', server: 'server-a', network: 'public-net' },
      { ix: 1, id: API, kind: 'service', label: 'api', server: 'server-a', network: 'public-net' },
      { ix: 2, id: EXTERNAL, kind: 'external', label: 'external callers', server: 'server-a', network: 'public-net' },
    ],
    edges: [{ id: `${EXTERNAL}->${PUBLIC}`, source: EXTERNAL, target: PUBLIC, requests: 10, errors: 1 }],
  };
}

test('a hello gives nodes, edges and the proxies by id (built from the grammar when the server gives none)', () => {
  const model = new GraphModel();
  const { addedNodes, removedNodes } = model.applyHello(hello());
  assert.equal(addedNodes.length, 3);
  assert.equal(removedNodes.length, 0);
  assert.deepEqual([...model.nodes.keys()], [PUBLIC, API, EXTERNAL]);
  const edge = model.edgeBetween(EXTERNAL, PUBLIC);
  assert.equal(edge.requests, 10);
  assert.equal(edge.sourceNode, model.nodes.get(EXTERNAL));
  assert.equal(model.edgeFromTo(model.nodes.get(EXTERNAL), model.nodes.get(PUBLIC)), edge);
  assert.equal(model.proxyInfo.get(PUBLIC).role, 'public', 'id built as proxy:<server>/<proxy>');
  assert.equal(model.proxyInfo.get('proxy:server-a/private-proxy').role, 'private');
});

test('a batch adds nodes and edges and says which; known ones are updated in place', () => {
  const model = new GraphModel();
  model.applyHello(hello());
  const publicProxy = model.nodes.get(PUBLIC);
  const edge = model.edgeBetween(EXTERNAL, PUBLIC);
  const structure = model.structureVersion;
  const stats = model.statsVersion;

  const result = model.applyBatch({
    nodes: [{ id: 'service:server-a/web', kind: 'service', label: 'web', server: 'server-a', network: 'public-net' }],
    edges: [
      { source: EXTERNAL, target: PUBLIC, requests: 12, errors: 1 },
      { source: PUBLIC, target: API, requests: 3, errors: 0 },
    ],
  });
  assert.deepEqual(result.addedNodes.map((n) => n.id), ['service:server-a/web']);
  assert.deepEqual(result.addedEdges.map((e) => e.id), [`${PUBLIC}->${API}`]);
  assert.equal(model.nodes.get(PUBLIC), publicProxy, 'same node object: the layout keeps x/y on it');
  assert.equal(model.edgeBetween(EXTERNAL, PUBLIC), edge, 'same edge object');
  assert.equal(edge.requests, 12);
  assert.ok(model.structureVersion > structure);
  assert.ok(model.statsVersion > stats);

  const again = model.applyBatch({ edges: [{ source: PUBLIC, target: API, requests: 4, errors: 0 }] });
  assert.deepEqual(again, { addedNodes: [], addedEdges: [] }, 'nothing new the second time');
});

test('edges in both directions know it, so they are drawn side by side', () => {
  const model = new GraphModel();
  model.applyHello(hello());
  model.applyBatch({ edges: [{ source: PUBLIC, target: EXTERNAL, requests: 1, errors: 0 }] });
  assert.equal(model.edgeBetween(PUBLIC, EXTERNAL).hasReverse, true);
  assert.equal(model.edgeBetween(EXTERNAL, PUBLIC).hasReverse, true);
});

test('an edge naming an unknown node gets a placeholder described by its id, replaced when the node arrives', () => {
  const model = new GraphModel();
  model.applyHello(hello());
  const caller = 'unrecognised:server-a/public-net/10.1.2.3';
  const { addedNodes } = model.applyBatch({ edges: [{ source: caller, target: PUBLIC, requests: 1, errors: 0 }] });
  assert.deepEqual(addedNodes.map((n) => n.id), [caller]);
  const placeholder = model.nodes.get(caller);
  assert.equal(placeholder.placeholder, true);
  assert.equal(placeholder.kind, 'unrecognised');
  assert.equal(placeholder.server, 'server-a');
  assert.equal(placeholder.network, 'public-net');
  assert.equal(placeholder.label, '10.1.2.3');

  const structure = model.structureVersion;
  model.applyBatch({ nodes: [{ id: caller, kind: 'unrecognised', label: '10.1.2.3', server: 'server-a',
    network: 'public-net', outsider: true }] });
  assert.equal(model.nodes.get(caller), placeholder, 'the placeholder object becomes the node');
  assert.equal(placeholder.placeholder, false);
  assert.equal(placeholder.outsider, true);
  assert.ok(model.structureVersion > structure, 'a placeholder replaced: the groups are rebuilt');
});

test('placeholders for every kind of id, and for something that is not an id', () => {
  assert.deepEqual(
    ['proxy:s/p', 'service:s/api', 'external:s/net', 'unrecognised:s/net/other', 'overflow:s'].map((id) => {
      const { kind, server, network, label } = placeholderNode(id);
      return [kind, server, network, label];
    }),
    [['proxy', 's', '', 'p'], ['service', 's', '', 'api'], ['external', 's', 'net', 'external callers'],
      ['unrecognised', 's', 'net', 'other unrecognised callers'], ['unrecognised', 's', '', 'other (cap reached)']]);
  const odd = placeholderNode('no-grammar-here');
  assert.equal(odd.kind, 'unrecognised');
  assert.equal(odd.label, 'no-grammar-here');
  assert.equal(odd.server, 'unknown');
});

test('a node moving to another network changes the structure; a new hello drops vanished nodes', () => {
  const model = new GraphModel();
  model.applyHello(hello());
  const structure = model.structureVersion;
  model.applyBatch({ nodes: [{ id: API, kind: 'service', label: 'api', server: 'server-a', network: 'private-net' }] });
  assert.equal(model.nodes.get(API).network, 'private-net');
  assert.ok(model.structureVersion > structure);

  const doc = hello();
  doc.nodes = doc.nodes.filter((n) => n.id !== API);
  const { removedNodes } = model.applyHello(doc);
  assert.deepEqual(removedNodes.map((n) => n.id), [API]);
  assert.equal(model.nodes.has(API), false);
});

test('which events touch a node or cross an edge', () => {
  const model = new GraphModel();
  model.applyHello(hello());
  model.applyBatch({ edges: [{ source: PUBLIC, target: API, requests: 1, errors: 0 }] });
  const event = { fromId: EXTERNAL, proxyId: PUBLIC, toId: API, hops: [EXTERNAL, PUBLIC, API] };
  assert.deepEqual(model.edgesOfEvent(event).map((e) => e.id), [`${EXTERNAL}->${PUBLIC}`, `${PUBLIC}->${API}`]);
  assert.equal(eventTouchesNode(event, API), true);
  assert.equal(eventTouchesNode(event, 'service:server-a/other'), false);
  assert.equal(eventCrossesEdge(event, model.edgeBetween(PUBLIC, API)), true);
  assert.equal(eventCrossesEdge({ hops: [EXTERNAL, PUBLIC] }, model.edgeBetween(PUBLIC, API)), false);
  assert.deepEqual(model.edgesTouching(API).map((e) => e.id), [`${PUBLIC}->${API}`]);
});
