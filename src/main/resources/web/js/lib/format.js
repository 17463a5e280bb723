// Small, dependency-free formatting helpers shared by both pages.

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** "13:14:33.787" in the browser's time zone: operators read logs next to their own clock. */
export function formatClock(epochMillis) {
  if (!Number.isFinite(epochMillis) || epochMillis <= 0) return '';
  const d = new Date(epochMillis);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** formatClock with the day in front when it is not `now`'s: a stored row from last week must not read as today's. */
export function formatClockWithDay(epochMillis, now = Date.now()) {
  const clock = formatClock(epochMillis);
  if (!clock) return clock;
  const d = new Date(epochMillis);
  const today = new Date(now);
  if (d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate()) {
    return clock;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

export function formatRate(perSecond) {
  if (!Number.isFinite(perSecond)) return '–';
  if (perSecond >= 1000) return (perSecond / 1000).toFixed(1) + 'k/s';
  if (perSecond >= 10) return perSecond.toFixed(0) + '/s';
  return perSecond.toFixed(perSecond >= 1 ? 1 : 2) + '/s';
}

export function formatMs(ms) {
  if (ms == null || !Number.isFinite(Number(ms))) return '–';
  ms = Number(ms);
  if (ms >= 10000) return (ms / 1000).toFixed(1) + ' s';
  if (ms >= 1000) return (ms / 1000).toFixed(2) + ' s';
  if (ms >= 10) return ms.toFixed(0) + ' ms';
  return ms.toFixed(1) + ' ms';
}

export function formatPercent(fraction) {
  if (!Number.isFinite(fraction)) return '–';
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (pct < 1) return pct.toFixed(1) + '%';
  return pct.toFixed(0) + '%';
}

export function formatCount(n) {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return String(n);
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return (i === 0 ? bytes.toFixed(0) : bytes.toFixed(1)) + ' ' + units[i];
}

export function errorRatio(edge) {
  return edge.requests > 0 ? edge.errors / edge.requests : 0;
}

/**
 * Characters that change how the text around them displays, or do not display at all: bidi controls (U+202E makes
 * "/gpj.exe" read backwards), zero-width and other format characters (Cf), C0/C1 controls, line and paragraph
 * separators, and the Hangul fillers that draw as blanks. A log line is attacker text, so these are shown as escapes.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/** `\u202E` for U+202E; `\u{E0041}` above the BMP (tag characters). */
export function escapeCodePoint(char) {
  const cp = char.codePointAt(0);
  return cp > 0xffff ? `\\u{${cp.toString(16).toUpperCase()}}` : `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function hasInvisible(text) {
  return INVISIBLE.test(text);
}

/** The text with every invisible or direction-changing character written as its escape, for plain-text places. */
export function escapeInvisible(text) {
  text = String(text);
  return INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, escapeCodePoint) : text;
}

/**
 * The text cut into pieces, in order: `{text}` as it is, `{escape}` for one invisible character, so a page can show
 * the escapes in their own visible style.
 */
export function splitInvisible(text) {
  text = String(text);
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(INVISIBLE_ALL)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ escape: escapeCodePoint(match[0]) });
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push({ text: text.slice(last) });
  return parts;
}
