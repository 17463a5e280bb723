// The time bar's arithmetic, without the DOM: which span of time the strip shows, how the wheel and the buttons zoom
// and pan it, which bucket size to ask /history/timeline for, and which window a drag on the strip chooses.
// Times are epoch milliseconds; a view is { from, to }, half open like the server's windows.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The narrowest view: a few seconds, so single requests can be told apart. */
export const MIN_SPAN = 10 * SECOND;
/** The widest view: the retention's default, a week. */
export const MAX_SPAN = 7 * DAY;
/** The shortest window a drag chooses (anything shorter is a click, not a drag). */
export const MIN_WINDOW = SECOND;

const NICE_STEPS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE,
  5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];

/** The view with its span kept between MIN_SPAN and MAX_SPAN, around its middle. */
export function clampView(view) {
  const span = Math.min(MAX_SPAN, Math.max(MIN_SPAN, view.to - view.from));
  if (span === view.to - view.from) return { from: view.from, to: view.to };
  const middle = (view.from + view.to) / 2;
  const from = Math.round(middle - span / 2);
  return { from, to: from + span };
}

/** Zooms by `factor` (below 1 zooms in) keeping `anchor` (a time) where it is on the strip. */
export function zoomView(view, factor, anchor = (view.from + view.to) / 2) {
  const span = view.to - view.from;
  const newSpan = Math.min(MAX_SPAN, Math.max(MIN_SPAN, span * factor));
  const fraction = span > 0 ? (anchor - view.from) / span : 0.5;
  const from = Math.round(anchor - fraction * newSpan);
  return { from, to: from + Math.round(newSpan) };
}

/** Moves the view by a fraction of its span (negative: back in time). */
export function panView(view, fraction) {
  const delta = Math.round((view.to - view.from) * fraction);
  return { from: view.from + delta, to: view.to + delta };
}

/**
 * The view that shows the retained range (its newest week at most): up to now when the newest kept request is from
 * the last week, else up to that request (an imported old log is in view, not a week of nothing).
 */
export function viewOfRetained(retained, now) {
  if (!retained) return { from: now - HOUR, to: now };
  const to = now - retained.to <= MAX_SPAN ? Math.max(now, retained.to + 1) : retained.to + 1;
  return clampView({ from: Math.max(retained.from, to - MAX_SPAN), to });
}

export function timeToX(view, width, time) {
  return ((time - view.from) / (view.to - view.from)) * width;
}

export function xToTime(view, width, x) {
  return view.from + (Math.max(0, Math.min(width, x)) / Math.max(1, width)) * (view.to - view.from);
}

/** The bucket size to ask for: the smallest nice step that gives a bucket at least `minPixels` wide. */
export function stepFor(view, width, minPixels = 3) {
  const wanted = ((view.to - view.from) / Math.max(1, width)) * minPixels;
  for (const step of NICE_STEPS) if (step >= wanted) return step;
  return Math.ceil(wanted / DAY) * DAY;
}

/**
 * The window a drag from x0 to x1 chooses, in whole seconds (from rounded down, to up, so the edges of the seconds
 * under the pointer are in); null when the drag is shorter than MIN_WINDOW.
 */
export function windowFromDrag(view, width, x0, x1) {
  const a = xToTime(view, width, Math.min(x0, x1));
  const b = xToTime(view, width, Math.max(x0, x1));
  const from = Math.floor(a / SECOND) * SECOND;
  const to = Math.ceil(b / SECOND) * SECOND;
  if (to - from < MIN_WINDOW || b - a < MIN_WINDOW / 2) return null;
  return { from, to };
}

/** A time from the URL: epoch milliseconds or ISO-8601 with a zone; null when it is neither. */
export function parseTimeParam(text) {
  if (typeof text !== 'string' || !text.trim()) return null;
  const s = text.trim();
  if (/^\d{1,15}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** The window the URL names ({@code from} and {@code to}), or null when it names none or a bad one. */
export function windowFromParams(params) {
  const from = parseTimeParam(params.get('from'));
  const to = parseTimeParam(params.get('to'));
  return from !== null && to !== null && to > from ? { from, to } : null;
}

/** Writes the window into URL parameters as ISO-8601 (readable in a link), or removes it. */
export function writeWindowParams(params, window) {
  if (window) {
    params.set('from', isoSeconds(window.from));
    params.set('to', isoSeconds(window.to));
  } else {
    params.delete('from');
    params.delete('to');
  }
  return params;
}

function isoSeconds(time) {
  const iso = new Date(time).toISOString();
  return time % SECOND === 0 ? iso.replace('.000Z', 'Z') : iso;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** A time of day as the time bar writes it (local, 24 h, to the second). */
export function clockText(time) {
  return clock(new Date(time));
}

function clock(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function day(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "viewing 03:10:00–03:15:00", with the day when the window is not today's, local time. */
export function describeWindow(window, now = Date.now()) {
  const a = new Date(window.from);
  const b = new Date(window.to);
  const today = day(new Date(now));
  const left = day(a) === today ? clock(a) : `${day(a)} ${clock(a)}`;
  const right = day(b) === day(a) ? clock(b) : `${day(b)} ${clock(b)}`;
  return `viewing ${left}–${right}`;
}

/** A few labelled ticks for the strip's axis: at a nice step, at least `minPixels` apart. */
export function ticks(view, width, minPixels = 110) {
  const step = stepFor(view, width, minPixels);
  const out = [];
  const offset = step >= DAY ? new Date(view.from).getTimezoneOffset() * MINUTE : 0;
  for (let t = Math.ceil((view.from - offset) / step) * step + offset; t < view.to; t += step) {
    const d = new Date(t);
    out.push({ time: t, label: step >= DAY ? day(d) : step >= MINUTE ? clock(d).slice(0, 5) : clock(d) });
  }
  return out;
}
