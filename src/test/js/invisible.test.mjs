// Invisible and bidi control characters from log lines are shown as escapes, never applied (issue 14, item 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const f = await web('lib/format.js');
const groups = await web('layout/groups.js');

test('bidi controls are written as escapes, so a path cannot display reversed', () => {
  assert.equal(f.escapeInvisible('/files/\u202Egpj.exe'), '/files/\\u202Egpj.exe');
  for (const cp of [0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x061c]) {
    const escaped = f.escapeInvisible(`a${String.fromCodePoint(cp)}b`);
    assert.equal(escaped, `a\\u${cp.toString(16).toUpperCase().padStart(4, '0')}b`);
  }
});

test('zero-width, format and control characters are escaped; tags above the BMP get \\u{…}', () => {
  assert.equal(f.escapeInvisible('pay\u200Bpal'), 'pay\\u200Bpal');
  assert.equal(f.escapeInvisible('a\u2060b\uFEFFc\u00ADd'), 'a\\u2060b\\uFEFFc\\u00ADd');
  assert.equal(f.escapeInvisible('x\u0000y\u001Bz\u007F\u0085'), 'x\\u0000y\\u001Bz\\u007F\\u0085');
  assert.equal(f.escapeInvisible('line\u2028para\u2029'), 'line\\u2028para\\u2029');
  assert.equal(f.escapeInvisible('\u3164filler'), '\\u3164filler');
  assert.equal(f.escapeInvisible('tag\u{E0041}'), 'tag\\u{E0041}');
});

test('visible text is left as it is, including non-Latin scripts, emoji and an escape-looking literal', () => {
  for (const text of ['/api/v1/users?id=7', 'שלום/مرحبا', 'ünïcødé 名前', '😀', 'C:\\u202E', '']) {
    assert.equal(f.escapeInvisible(text), text);
    assert.equal(f.hasInvisible(text), false);
  }
  assert.equal(f.escapeInvisible(42), '42');
});

test('splitInvisible keeps the order and marks each escape for its own style', () => {
  assert.deepEqual(f.splitInvisible('/a\u202Eb\u200B'), [{ text: '/a' }, { escape: '\\u202E' }, { text: 'b' }, { escape: '\\u200B' }]);
  assert.deepEqual(f.splitInvisible('plain'), [{ text: 'plain' }]);
  assert.deepEqual(f.splitInvisible(''), [{ text: '' }]);
  assert.deepEqual(f.splitInvisible('\u202E\u202E'), [{ escape: '\\u202E' }, { escape: '\\u202E' }]);
});

test('node labels drawn on the canvas are escaped too', () => {
  assert.equal(groups.labelText({ label: 'svc\u202Etxt.exe' }), 'svc\\u202Etxt.exe');
});
