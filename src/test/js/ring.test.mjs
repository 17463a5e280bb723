import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { Ring } = await web('model/ring.js');

test('keeps the newest items up to its capacity, oldest first', () => {
  const ring = new Ring(3);
  assert.deepEqual(ring.toArray(), []);
  for (const item of [1, 2, 3, 4, 5]) ring.push(item);
  assert.equal(ring.size, 3);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
});

test('lastMatching: the newest matches, oldest first, at most limit', () => {
  const ring = new Ring(10);
  for (let i = 1; i <= 12; i++) ring.push(i);
  assert.deepEqual(ring.lastMatching((n) => n % 2 === 0, 3), [8, 10, 12]);
  assert.deepEqual(ring.lastMatching((n) => n > 100, 3), []);
  assert.deepEqual(ring.lastMatching(() => true, 100), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

test('clear forgets everything', () => {
  const ring = new Ring(2);
  ring.push('a');
  ring.clear();
  assert.deepEqual(ring.toArray(), []);
  ring.push('b');
  assert.deepEqual(ring.toArray(), ['b']);
});
