import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { createHelloAssembler } = await web('net/wire.js');

/** A hello cut the way the server cuts it: pieces of its JSON text, astral characters split into escaped halves. */
function parts(hello, pieces) {
  const text = JSON.stringify(hello);
  const size = Math.ceil(text.length / pieces);
  const out = [];
  for (let k = 0; k * size < text.length; k++) {
    out.push({ type: 'helloPart', part: k, parts: pieces, text: text.slice(k * size, (k + 1) * size) });
  }
  // as the wire carries them: JSON text with everything beyond ASCII escaped, lone surrogates included
  return out.map((m) => JSON.parse(JSON.stringify(m).replace(/[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)));
}

const BIG = {
  type: 'hello',
  graph: {
    nodes: Array.from({ length: 300 }, (_, i) => ({ ix: i, id: `service:s/svc-${i}-🚦`, label: `svc ${i} “ü”` })),
    edges: [{ id: 'a->b', source: 'a', target: 'b', requests: 7 }],
  },
};

test('a hello in parts is handed on whole, once, after its last part, and nothing before', () => {
  const hello = createHelloAssembler();
  const cut = parts(BIG, 7);
  assert.equal(cut.length, 7);
  for (const part of cut.slice(0, -1)) {
    assert.equal(hello.accept(part), null);
    assert.equal(hello.assembling, true);
  }
  assert.deepEqual(hello.accept(cut[cut.length - 1]), BIG);
  assert.equal(hello.assembling, false);
  const batch = { type: 'batch', dropped: 0 };
  assert.equal(hello.accept(batch), batch); // other messages pass through untouched
});

test('a whole hello passes through, and one after an unfinished hello in parts replaces it', () => {
  const hello = createHelloAssembler();
  const cut = parts(BIG, 4);
  hello.accept(cut[0]);
  hello.accept(cut[1]);
  const small = { type: 'hello', graph: { nodes: [], edges: [] } };
  assert.equal(hello.accept(small), small); // a reconnect's hello
  assert.equal(hello.assembling, false);
  assert.equal(hello.accept(cut[2]), null); // the old hello's rest is not drawn
  assert.equal(hello.accept(cut[3]), null);
});

test('a missing part drops the hello instead of drawing half a graph; the next part 0 starts over', () => {
  const hello = createHelloAssembler();
  const cut = parts(BIG, 5);
  hello.accept(cut[0]);
  assert.equal(hello.accept(cut[2]), null);
  assert.equal(hello.assembling, false);
  assert.equal(hello.accept(cut[3]), null);
  assert.equal(hello.accept(cut[4]), null);
  let whole = null;
  for (const part of cut) whole = hello.accept(part);
  assert.deepEqual(whole, BIG);
});

test('parts that do not join into a hello give nothing', () => {
  const hello = createHelloAssembler();
  assert.equal(hello.accept({ type: 'helloPart', part: 0, parts: 2, text: '{"type":"hel' }), null);
  assert.equal(hello.accept({ type: 'helloPart', part: 1, parts: 2, text: 'lo", broken' }), null);
  assert.equal(hello.accept({ type: 'helloPart', part: 0, parts: 1, text: '{"type":"batch"}' }), null);
  assert.equal(hello.accept({ type: 'helloPart', part: 0, parts: 1, text: 42 }), null);
});
