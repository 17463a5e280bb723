import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { web } from './web.mjs';

const ids = await web('net/node-id.js');
const { parseNodeId } = ids;

test('each kind of id says its kind, server, network and name', () => {
  assert.deepEqual(parseNodeId('proxy:server-a/private-proxy'),
    { prefix: 'proxy', kind: 'proxy', server: 'server-a', network: '', name: 'private-proxy', label: 'private-proxy' });
  assert.deepEqual(parseNodeId('service:server-a/api'),
    { prefix: 'service', kind: 'service', server: 'server-a', network: '', name: 'api', label: 'api' });
  assert.deepEqual(parseNodeId('external:server-a/public-net'),
    { prefix: 'external', kind: 'external', server: 'server-a', network: 'public-net', name: 'public-net',
      label: 'external callers' });
  assert.deepEqual(parseNodeId('unrecognised:server-a/private-net/192.168.99.7'),
    { prefix: 'unrecognised', kind: 'unrecognised', server: 'server-a', network: 'private-net', name: '192.168.99.7',
      label: '192.168.99.7' });
});

test('the rest of a group\'s unrecognised callers and the node-cap overflow', () => {
  const other = parseNodeId('unrecognised:server-a/private-net/other');
  assert.equal(other.name, 'other');
  assert.equal(other.label, 'other unrecognised callers');
  assert.equal(other.network, 'private-net');
  assert.deepEqual(parseNodeId('overflow:server-b'),
    { prefix: 'overflow', kind: 'unrecognised', server: 'server-b', network: '', name: '', label: 'other (cap reached)' });
});

test('an IPv6 address keeps its colons; the address is what follows the last slash', () => {
  const node = parseNodeId('unrecognised:server-a/private-net/fe80::1');
  assert.equal(node.server, 'server-a');
  assert.equal(node.network, 'private-net');
  assert.equal(node.name, 'fe80::1');
});

test('the builders write what the parser reads', () => {
  assert.equal(ids.proxyId('s', 'p'), 'proxy:s/p');
  assert.equal(ids.serviceId('s', 'api'), 'service:s/api');
  assert.equal(ids.externalId('s', 'net'), 'external:s/net');
  assert.equal(ids.unrecognisedId('s', 'net', '10.0.0.9'), 'unrecognised:s/net/10.0.0.9');
  assert.equal(ids.overflowId('s'), 'overflow:s');
  for (const id of ['proxy:s/p', 'service:s/api', 'external:s/net', 'unrecognised:s/net/10.0.0.9', 'overflow:s']) {
    const parsed = parseNodeId(id);
    assert.ok(parsed, id);
    assert.ok(ids.ID_PREFIXES.includes(parsed.prefix));
    assert.ok(ids.NODE_KINDS.includes(parsed.kind));
  }
});

test('anything else is not an id', () => {
  for (const id of [undefined, null, 42, '', 'proxy', ':s/p', 'proxy:', 'proxy:s', 'proxy:/p', 'proxy:s/',
    'service:s', 'unrecognised:s/net', 'unrecognised:s/net/', 'overflow:', 'mystery:s/x']) {
    assert.equal(parseNodeId(id), null, String(id));
  }
});

test('every id in docs/protocol.md parses, with the server the document gives it', () => {
  const doc = fs.readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
  const found = [...doc.matchAll(/"((?:proxy|service|external|unrecognised|overflow):[^".]+)"/g)].map((m) => m[1]);
  assert.ok(found.length >= 5, `ids found in the protocol document: ${found}`);
  for (const id of found) {
    const parsed = parseNodeId(id);
    assert.ok(parsed, id);
    assert.equal(parsed.server, 'server-a', id);
  }
});
