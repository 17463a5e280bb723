import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const { decodeViewState, defaultViewState, encodeViewState, MAX_URL_LENGTH } = await web('model/view-state.js');

const BASE = 'https://trafficviz.example.org/';

test('a fresh page has nothing to say: an empty query', () => {
  assert.deepEqual(encodeViewState(defaultViewState(), BASE), { query: '', shortened: [] });
  assert.deepEqual(decodeViewState(''), defaultViewState());
});

test('filters, search, selection and view survive the round trip, as do the time window and unknown parameters', () => {
  const state = {
    ...defaultViewState(),
    server: 'server-a', network: 'private net & co', classes: ['4xx', '5xx'], search: 'api?x=1&y=ü', hideNoise: true,
    selected: 'unrecognised:server-a/private-net/172.25.0.99', view: { fx: 0.4321, fy: -0.25, k: 2.5 },
    collapsed: 'server:server-b', from: '2026-12-07T10:00:00Z', to: 'now', extra: [['offline', '']],
  };
  const { query, shortened } = encodeViewState(state, BASE);
  assert.deepEqual(shortened, []);
  assert.ok(query.startsWith('?offline='), 'unknown parameters keep their place');
  assert.deepEqual(decodeViewState(query), state);
});

test('status classes: absent is all, empty is none, unknown ones are ignored', () => {
  assert.deepEqual(decodeViewState('?status=').classes, []);
  assert.deepEqual(decodeViewState('?status=5xx,9xx,2xx').classes, ['2xx', '5xx']);
  const none = encodeViewState({ ...defaultViewState(), classes: [] }, BASE).query;
  assert.equal(none, '?status=');
  assert.deepEqual(decodeViewState(none).classes, []);
});

test('a broken view is ignored: the page follows the graph instead', () => {
  for (const bad of ['1,2', 'a,b,c', '0.5,0.5,100', '0.5,0.5,0', '50,0.5,1', '0.5,0.5,Infinity']) {
    assert.equal(decodeViewState('?view=' + encodeURIComponent(bad)).view, null, bad);
  }
  assert.deepEqual(decodeViewState('?view=0.5,0.5,1').view, { fx: 0.5, fy: 0.5, k: 1 });
});

test('the URL stays within 2 KB: a long search is cut first, and only as much as needed', () => {
  const state = { ...defaultViewState(), server: 'server-a', selected: 'service:server-a/api',
    search: '€'.repeat(3000), view: { fx: 0.5, fy: 0.5, k: 1 } };
  const { query, shortened } = encodeViewState(state, BASE);
  assert.deepEqual(shortened, ['q']);
  assert.ok(BASE.length + query.length <= MAX_URL_LENGTH, `${BASE.length + query.length}`);
  assert.ok(BASE.length + query.length > MAX_URL_LENGTH - 9, 'cut to the last character that fits (one € is 9)');
  const back = decodeViewState(query);
  assert.equal(back.server, 'server-a');
  assert.equal(back.selected, 'service:server-a/api');
  assert.deepEqual(back.view, { fx: 0.5, fy: 0.5, k: 1 });
  assert.ok(state.search.startsWith(back.search) && back.search.length > 100);
});

test('when cutting the search is not enough, the selection and then the collapsed groups are left out', () => {
  const state = { ...defaultViewState(), search: 'x'.repeat(5000), selected: 's'.repeat(1000),
    collapsed: 'c'.repeat(1500) };
  let { query, shortened } = encodeViewState(state, BASE);
  assert.deepEqual(shortened, ['q', 'sel']);
  assert.ok(BASE.length + query.length <= MAX_URL_LENGTH);
  let back = decodeViewState(query);
  assert.equal(back.selected, '');
  assert.equal(back.collapsed, state.collapsed);
  assert.ok(back.search.length > 400, 'the search gets the room the selection left');

  ({ query, shortened } = encodeViewState({ ...state, collapsed: 'c'.repeat(2500) }, BASE));
  assert.deepEqual(shortened, ['q', 'sel', 'collapsed']);
  assert.ok(BASE.length + query.length <= MAX_URL_LENGTH);
  back = decodeViewState(query);
  assert.equal(back.collapsed, '');
  assert.equal(back.search.length, 500, 'as much as a link keeps');
});

test('values read from a link are bounded', () => {
  const back = decodeViewState('?q=' + 'a'.repeat(10000) + '&sel=' + 'b'.repeat(10000));
  assert.equal(back.search.length, 500);
  assert.equal(back.selected.length, 1000);
  const long = encodeViewState({ ...defaultViewState(), search: 'a'.repeat(800) }, BASE);
  assert.deepEqual(long.shortened, ['q']);
  assert.equal(decodeViewState(long.query).search.length, 500);
});
