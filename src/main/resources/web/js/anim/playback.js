// Playback of a past window: which stored requests fire when, at a speed of 1× to 1000×. Pure: the page passes the
// wall clock in (performance.now()), gets back the requests whose time has come, and feeds them to the comets.
//
// Requests arrive page by page (oldest first); the clock never runs past what has been loaded, so a slow page holds
// the picture rather than skipping requests.

export const MIN_SPEED = 1;
export const MAX_SPEED = 1000;
/** Load the next page when less than this much playback time (wall milliseconds) is queued. */
const AHEAD_WALL_MS = 2000;
const COMPACT_AT = 4096;

export function createPlayback({ from, to, speed = 1 }) {
  let queue = []; // requests, by time
  let head = 0; // the next to fire
  let clock = from; // playback time (epoch ms of the window)
  let lastWall = null;
  let playing = false;
  let exhausted = false; // every page has been loaded
  let fired = 0;
  let rate = clampSpeed(speed);

  function clampSpeed(s) {
    const n = Number(s);
    return Number.isFinite(n) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, n)) : MIN_SPEED;
  }

  function queuedUntil() {
    return queue.length > head ? queue[queue.length - 1].time : clock;
  }

  /** The furthest the clock may go: the window's end once all is loaded, else the newest loaded request. */
  function horizon() {
    return exhausted ? to : Math.min(to, queuedUntil());
  }

  function take() {
    const out = [];
    while (head < queue.length && queue[head].time <= clock) out.push(queue[head++]);
    fired += out.length;
    if (head >= COMPACT_AT && head * 2 >= queue.length) { // copies stay linear in what was played
      queue = queue.slice(head);
      head = 0;
    }
    return out;
  }

  return {
    /** Adds a page of requests (in any order). Ones before the clock fire on the next advance. */
    enqueue(events) {
      if (!events.length) return;
      const sorted = events.slice().sort((x, y) => x.time - y.time);
      const joinsInOrder = queue.length <= head || sorted[0].time >= queue[queue.length - 1].time;
      queue = queue.slice(head).concat(sorted);
      head = 0;
      if (!joinsInOrder) queue.sort((x, y) => x.time - y.time);
    },
    /** No more pages: the clock may run to the window's end. */
    markExhausted() {
      exhausted = true;
    },
    /** Moves the clock by the wall time since the last call, times the speed; returns the requests that fire. */
    advance(wallNow) {
      if (playing && lastWall !== null) clock = Math.max(clock, Math.min(horizon(), clock + (wallNow - lastWall) * rate));
      lastWall = wallNow;
      const out = playing ? take() : [];
      if (playing && exhausted && head >= queue.length && clock >= to) playing = false;
      return out;
    },
    play(wallNow) {
      if (this.finished) this.rewind();
      playing = true;
      lastWall = wallNow ?? null;
    },
    pause() {
      playing = false;
    },
    /** Fires the next request alone and stops there (paused). */
    step() {
      playing = false;
      if (head >= queue.length) return [];
      clock = Math.max(clock, queue[head].time);
      return take();
    },
    /** Back to the window's start; the loaded requests stay only if every one was loaded (else reload). */
    rewind() {
      clock = from;
      fired = 0;
      head = 0;
      if (!exhausted) queue = [];
    },
    setSpeed(s) {
      rate = clampSpeed(s);
    },
    /** Whether the page should load another page now. */
    wantsMore() {
      return !exhausted && queuedUntil() - clock < AHEAD_WALL_MS * rate;
    },
    get speed() {
      return rate;
    },
    get clock() {
      return clock;
    },
    get playing() {
      return playing;
    },
    get fired() {
      return fired;
    },
    get queued() {
      return queue.length - head;
    },
    get exhausted() {
      return exhausted;
    },
    get finished() {
      return exhausted && head >= queue.length && clock >= to;
    },
    get window() {
      return { from, to };
    },
  };
}
