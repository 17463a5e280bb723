import { test } from 'node:test';
import assert from 'node:assert/strict';
import { web } from './web.mjs';

const f = await web('lib/format.js');
const meters = await web('lib/rate-meter.js');

test('rates', () => {
  assert.deepEqual([0, 0.5, 1, 9.94, 10, 999, 1000, 20000, NaN, Infinity].map(f.formatRate),
    ['0.00/s', '0.50/s', '1.0/s', '9.9/s', '10/s', '999/s', '1.0k/s', '20.0k/s', '–', '–']);
});

test('durations', () => {
  assert.deepEqual([0, 1.25, 10, 999, 1000, 6351.3, 10000, 65000, null, undefined, 'x', '12'].map(f.formatMs),
    ['0.0 ms', '1.3 ms', '10 ms', '999 ms', '1.00 s', '6.35 s', '10.0 s', '65.0 s', '–', '–', '–', '12 ms']);
});

test('percentages, counts, bytes, error ratio', () => {
  assert.deepEqual([0, 0.001, 0.01, 0.5, 1, NaN].map(f.formatPercent), ['0%', '0.1%', '1%', '50%', '100%', '–']);
  assert.deepEqual([0, 9999, 10000, 1234567, 2.5e9, NaN].map(f.formatCount), ['0', '9999', '10.0k', '1.2M', '2.5G', '–']);
  assert.deepEqual([0, 1023, 1024, 1536, 5 * 1024 ** 3, NaN].map(f.formatBytes),
    ['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.0 GiB', '–']);
  assert.equal(f.errorRatio({ requests: 10, errors: 2 }), 0.2);
  assert.equal(f.errorRatio({ requests: 0, errors: 0 }), 0);
});

test('clock time of a log line, in the local time zone, to the millisecond', () => {
  assert.equal(f.formatClock(new Date(2025, 6, 15, 13, 4, 3, 7).getTime()), '13:04:03.007');
  assert.equal(f.formatClock(0), '');
  assert.equal(f.formatClock(NaN), '');
  const stored = new Date(2025, 6, 15, 13, 4, 3, 7).getTime();
  assert.equal(f.formatClockWithDay(stored, new Date(2025, 6, 15, 23, 0).getTime()), '13:04:03.007', 'today: the time');
  assert.equal(f.formatClockWithDay(stored, new Date(2026, 11, 8).getTime()), '2025-07-15 13:04:03.007');
  assert.equal(f.formatClockWithDay(0), '');
});

test('the rate meter: per second, updated once a second', () => {
  const meter = meters.createRateMeter(1000);
  meter.add(30);
  meter.sample(1500);
  assert.equal(meter.perSecond, 0, 'not yet a second');
  meter.add(20);
  meter.sample(3000);
  assert.equal(meter.perSecond, 25, '50 over 2 s');
  meter.sample(4000);
  assert.equal(meter.perSecond, 0, 'nothing in the last second');
});

test('the frame counter: frames in the last second', () => {
  const fps = meters.createFrameCounter();
  for (let t = 0; t <= 2000; t += 20) fps.tick(t);
  assert.equal(fps.value, 51);
});
