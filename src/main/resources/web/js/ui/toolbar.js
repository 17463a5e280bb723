// Toolbar pieces: the connection badge, the pause button and keyboard shortcuts both pages have, and the graph page's
// request counter.

import { formatCount, formatRate } from '../lib/format.js';

const CONNECTION_TEXT = { connecting: 'connecting…', open: 'live', closed: 'reconnecting…', stopped: 'offline' };

/** Shows a net/ws.js status ('connecting' | 'open' | 'closed' | 'stopped') on the badge. */
export function showConnectionStatus(badge, status) {
  badge.textContent = CONNECTION_TEXT[status] || status;
  badge.dataset.status = status;
}

/** The pause button's label and pressed state, and the page's `paused` class (the PAUSED badge, styles). */
export function showPaused(button, paused) {
  button.textContent = paused ? '▶ Resume' : '❚❚ Pause';
  button.setAttribute('aria-pressed', String(paused));
  document.body.classList.toggle('paused', paused);
}

/**
 * Single-key shortcuts ({key: handler}), ignored while the user types in a field or works a <select>. A handled key
 * does not do its default (space would scroll, '/' would type).
 */
export function bindShortcuts(handlers) {
  document.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    const handler = handlers[event.key];
    if (!handler) return;
    if (event.key !== 'Escape') event.preventDefault();
    handler(event);
  });
}

/**
 * The graph page's counter: how many requests got their own comet out of how many the server saw, the details on
 * hover, and the request rate. `counters`: anim/flashes.js's; `fps`: frames in the last second; `rate`: per second.
 */
export function showGraphCounters({ counter, rate }, counters, fps, perSecond) {
  const c = counters;
  const shown = c.startedOk + c.startedError;
  const total = c.received + c.dropped;
  counter.textContent = `showing ${formatCount(shown)} of ${formatCount(total)} requests`;
  counter.title =
    `${shown} requests animated individually (${c.startedError} failed).\n` +
    `${c.aggregated} successful requests folded into particle streams on busy edges.\n` +
    `${c.filtered} hidden by filters; ${c.dropped} not sent by the server (client too slow).\n` +
    `${fps} frames/s.`;
  rate.textContent = formatRate(perSecond);
}
