// Counters over time that both pages show: requests per second (toolbar) and frames per second (graph page).
// Time is passed in (performance.now() in the page, anything in tests).

/** Counts what `add(n)` is told and turns it into a per-second rate about once a second (`sample(now)`). */
export function createRateMeter(now = 0) {
  let count = 0;
  let since = now;
  let perSecond = 0;
  return {
    add(n) {
      count += n;
    },
    /** Updates `perSecond` when at least a second has passed since the last update; cheap to call every frame. */
    sample(at) {
      const elapsed = at - since;
      if (elapsed < 1000) return;
      perSecond = (count * 1000) / elapsed;
      count = 0;
      since = at;
    },
    get perSecond() {
      return perSecond;
    },
  };
}

/** Frames drawn in the last second: `tick(now)` once per frame. */
export function createFrameCounter() {
  const frames = [];
  let value = 0;
  return {
    tick(now) {
      frames.push(now);
      while (frames.length && now - frames[0] > 1000) frames.shift();
      value = frames.length;
    },
    get value() {
      return value;
    },
  };
}
