// The time bar's arithmetic, the playback scheduler, the access-log pager and stored rows as events: pure modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const tl = await web('model/timeline.js');
const { createPlayback } = await web('anim/playback.js');
const { createPager, requestsQuery } = await web('net/history-pager.js');
const { eventFromStoredRow } = await web('model/history-rows.js');

const T0 = Date.UTC(2026, 11, 7, 3, 0, 0);

test('zooming keeps the time under the pointer in place, and stays between seconds and a week', () => {
  const view = { from: T0, to: T0 + tl.HOUR };
  const anchor = T0 + 15 * tl.MINUTE; // a quarter of the way in
  const zoomed = tl.zoomView(view, 0.5, anchor);
  assert.equal(zoomed.to - zoomed.from, 30 * tl.MINUTE);
  assert.equal((anchor - zoomed.from) / (zoomed.to - zoomed.from), 0.25);
  let v = view;
  for (let i = 0; i < 100; i++) v = tl.zoomView(v, 0.5);
  assert.equal(v.to - v.from, tl.MIN_SPAN);
  for (let i = 0; i < 100; i++) v = tl.zoomView(v, 2);
  assert.equal(v.to - v.from, tl.MAX_SPAN);
  assert.deepEqual(tl.panView(view, -0.5), { from: T0 - 30 * tl.MINUTE, to: T0 + 30 * tl.MINUTE });
});

test('x and time map onto each other; the bucket step is a nice one at least a few pixels wide', () => {
  const view = { from: T0, to: T0 + tl.HOUR };
  assert.equal(tl.timeToX(view, 1000, T0 + 30 * tl.MINUTE), 500);
  assert.equal(tl.xToTime(view, 1000, 250), T0 + 15 * tl.MINUTE);
  assert.equal(tl.xToTime(view, 1000, -50), T0, 'a drag past the edge stops at it');
  assert.equal(tl.stepFor(view, 1200), 10 * tl.SECOND); // 3 px at 3 s/px wants 9 s
  assert.equal(tl.stepFor({ from: T0, to: T0 + 7 * tl.DAY }, 1000), tl.HOUR);
  assert.equal(tl.stepFor({ from: T0, to: T0 + 10 * tl.SECOND }, 1000), tl.SECOND, 'never under a second');
});

test('the first view shows what is kept: up to now when it is recent, else up to the newest kept request', () => {
  const now = T0 + 10 * tl.DAY;
  assert.deepEqual(tl.viewOfRetained(null, now), { from: now - tl.HOUR, to: now });
  assert.deepEqual(tl.viewOfRetained({ from: now - 2 * tl.HOUR, to: now - tl.MINUTE }, now), { from: now - 2 * tl.HOUR, to: now });
  assert.deepEqual(tl.viewOfRetained({ from: now - 30 * tl.DAY, to: now - tl.MINUTE }, now), { from: now - tl.MAX_SPAN, to: now });
  const old = { from: T0 - 400 * tl.DAY, to: T0 - 400 * tl.DAY + tl.HOUR };
  assert.deepEqual(tl.viewOfRetained(old, now), { from: old.from, to: old.to + 1 });
  const seconds = { from: now - 2000, to: now - 1000 };
  assert.equal(tl.viewOfRetained(seconds, now).to - tl.viewOfRetained(seconds, now).from, tl.MIN_SPAN);
});

test('a drag chooses a window of whole seconds covering what was under the pointer; a click chooses none', () => {
  const view = { from: T0, to: T0 + 100 * tl.SECOND }; // 10 px a second
  assert.deepEqual(tl.windowFromDrag(view, 1000, 305, 103), { from: T0 + 10 * tl.SECOND, to: T0 + 31 * tl.SECOND });
  assert.equal(tl.windowFromDrag(view, 1000, 500, 502), null);
  assert.deepEqual(tl.windowFromDrag(view, 1000, -20, 2000), { from: T0, to: T0 + 100 * tl.SECOND });
});

test('the window goes into the URL as ISO-8601 and comes back; epoch milliseconds are read too; bad ones ignored', () => {
  const params = tl.writeWindowParams(new URLSearchParams('theme=dark'), { from: T0, to: T0 + 5 * tl.MINUTE });
  assert.equal(params.get('from'), '2026-12-07T03:00:00Z');
  assert.equal(params.get('theme'), 'dark', 'other view state is kept');
  assert.deepEqual(tl.windowFromParams(params), { from: T0, to: T0 + 5 * tl.MINUTE });
  assert.deepEqual(tl.windowFromParams(new URLSearchParams(`from=${T0}&to=${T0 + 1000}`)), { from: T0, to: T0 + 1000 });
  assert.equal(tl.windowFromParams(new URLSearchParams(`from=${T0 + 1000}&to=${T0}`)), null, 'to before from');
  assert.equal(tl.windowFromParams(new URLSearchParams('from=yesterday&to=now')), null);
  assert.equal(tl.parseTimeParam('2026-12-07T03:00:00'), null, 'a time without a zone is ambiguous');
  assert.equal(tl.windowFromParams(tl.writeWindowParams(params, null)), null);
});

test('the state line names the window', () => {
  const text = tl.describeWindow({ from: T0, to: T0 + 5 * tl.MINUTE }, T0);
  assert.match(text, /^viewing \d\d:\d0:00–\d\d:\d5:00$/);
  assert.match(tl.describeWindow({ from: T0, to: T0 + tl.MINUTE }, T0 + 3 * tl.DAY), /^viewing 2026-12-0\d \d\d:00:00–/);
});

const at = (second, id = `r${second}`) => ({ time: T0 + second * 1000, id });

test('playback fires each request when its time comes, at the chosen speed', () => {
  const p = createPlayback({ from: T0, to: T0 + 60_000, speed: 10 });
  p.enqueue([at(5), at(1), at(30), at(2)]); // a page need not be in time order
  p.markExhausted();
  p.play(0);
  assert.deepEqual(p.advance(0), []);
  assert.deepEqual(p.advance(150).map((e) => e.id), ['r1'], '150 ms at 10× is 1.5 s of the window');
  assert.deepEqual(p.advance(600).map((e) => e.id), ['r2', 'r5']);
  p.setSpeed(1000);
  assert.deepEqual(p.advance(610), [], '10 ms at 1000× is 10 s: 16 s in');
  assert.deepEqual(p.advance(625).map((e) => e.id), ['r30'], '31 s in');
  assert.equal(p.fired, 4);
  p.advance(700);
  assert.equal(p.finished, true);
  assert.equal(p.playing, false, 'stops at the window end');
  p.setSpeed(5000);
  assert.equal(p.speed, 1000);
  p.setSpeed(0);
  assert.equal(p.speed, 1);
});

test('playback waits for the next page instead of running past what is loaded', () => {
  const p = createPlayback({ from: T0, to: T0 + 60_000, speed: 100 });
  p.enqueue([at(1), at(2)]);
  p.play(0);
  assert.equal(p.advance(1000).length, 2, '100 s of playback time passed, but only 2 s were loaded');
  assert.equal(p.clock, T0 + 2000);
  assert.equal(p.wantsMore(), true);
  p.enqueue([at(3), at(40)]);
  assert.deepEqual(p.advance(1010).map((e) => e.id), ['r3'], 'the clock went on from 2 s, not from 100 s');
  p.markExhausted();
  assert.equal(p.wantsMore(), false);
});

test('pause stops the clock; step fires exactly the next request; play after the end starts over', () => {
  const p = createPlayback({ from: T0, to: T0 + 10_000 });
  p.enqueue([at(1), at(2), at(2, 'r2b'), at(9)]);
  p.markExhausted();
  assert.deepEqual(p.step().map((e) => e.id), ['r1']);
  assert.deepEqual(p.step().map((e) => e.id), ['r2', 'r2b'], 'requests of the same millisecond go together');
  p.play(0);
  p.advance(0);
  p.pause();
  assert.deepEqual(p.advance(60_000), [], 'paused');
  assert.deepEqual(p.step().map((e) => e.id), ['r9']);
  assert.deepEqual(p.step(), []);
  p.play(0);
  p.advance(0);
  p.advance(20_000);
  assert.equal(p.finished, true);
  p.play(100_000);
  assert.equal(p.clock, T0, 'rewound');
  assert.equal(p.advance(101_500).length, 1);
});

test('the pager sends only the filters that are set, and follows next until it is null', async () => {
  assert.equal(requestsQuery({ caller: ' 10.0.0.1 ', target: '', status: '5xx', path: null, limit: 50 }, null),
    'history/requests?caller=10.0.0.1&status=5xx&limit=50');
  assert.equal(requestsQuery({ path: '/a&b=c' }, 17), 'history/requests?path=%2Fa%26b%3Dc&cursor=17');
  const asked = [];
  const pages = { '': { rows: [{ seq: 9 }, { seq: 8 }], next: 8 }, 8: { rows: [{ seq: 7 }], next: null } };
  const pager = createPager(async (url) => {
    asked.push(url);
    const cursor = new URLSearchParams(url.split('?')[1]).get('cursor') ?? '';
    return pages[cursor];
  }, { order: 'desc' });
  const first = pager.next();
  assert.equal(pager.next(), first, 'one page at a time');
  assert.deepEqual((await first).map((r) => r.seq), [9, 8]);
  assert.equal(pager.done, false);
  assert.deepEqual((await pager.next()).map((r) => r.seq), [7]);
  assert.equal(pager.done, true);
  assert.deepEqual(await pager.next(), []);
  assert.deepEqual(asked, ['history/requests?order=desc', 'history/requests?order=desc&cursor=8']);
});

test('a stored row becomes the live event: hops end at the proxy when it answered or forwarded to a proxy', () => {
  const row = { seq: 3, time: T0, server: 's', network: 'n', proxy: 'p', from: 'a', to: 'b', fromId: 'service:s/a',
    proxyId: 'proxy:s/p', toId: 'service:s/b', method: 'GET', host: 'h', path: '/x', status: 502, durationMs: 1.5,
    error: true, answeredByProxy: false, outsider: false };
  const event = eventFromStoredRow(row);
  assert.deepEqual(event.hops, ['service:s/a', 'proxy:s/p', 'service:s/b']);
  assert.equal(event.outcome, 'error');
  assert.equal(event.answeredBy, 'service');
  assert.deepEqual(eventFromStoredRow({ ...row, answeredByProxy: true, toId: 'proxy:s/p' }).hops, ['service:s/a', 'proxy:s/p']);
  assert.deepEqual(eventFromStoredRow({ ...row, toId: 'proxy:s/q' }).hops, ['service:s/a', 'proxy:s/p']);
  assert.equal(eventFromStoredRow({ ...row, error: false }).outcome, 'ok');
});

test('stored rows go above the live ones oldest first, without the ones the live stream already showed', async () => {
  const { storedAboveLive } = await web('model/history-rows.js');
  const rows = [5, 4, 3, 2].map((s) => ({ seq: s, time: T0 + s * 1000, fromId: 'a', proxyId: 'p', toId: 'b' }));
  assert.deepEqual(storedAboveLive(rows, null).map((e) => e.seq), [2, 3, 4, 5]);
  assert.deepEqual(storedAboveLive(rows, T0 + 4000).map((e) => e.seq), [2, 3], 'from 4 s on they came live');
});

test('the store search sends only what was filled in, times as epoch ms, and names a bad field', async () => {
  const { searchFilters, describeSearch } = await web('model/history-rows.js');
  assert.deepEqual(searchFilters({ caller: ' 10.0.0.1 ', target: '', status: '5xx', path: '/api', from: '', to: '' }),
    { caller: '10.0.0.1', status: '5xx', path: '/api' });
  const f = searchFilters({ from: T0, to: '2026-12-07T04:00:00Z' });
  assert.deepEqual(f, { from: T0, to: T0 + 3600_000 });
  assert.throws(() => searchFilters({ from: T0, to: T0 }), /^Error: to: must be after from/);
  assert.throws(() => searchFilters({ status: '6xx' }), /status/);
  assert.throws(() => searchFilters({ from: 'soon' }), /from: not a time/);
  assert.equal(describeSearch({ caller: 'x', status: 'error' }), 'caller x · status error');
  assert.equal(describeSearch({}), 'everything');
});
