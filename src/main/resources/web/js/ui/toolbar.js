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

/**
 * When login is on (docs/security.md): who is signed in and a Sign out button, at the end of `actions`. The button
 * is a plain form POST to `logout`; the user name is shown as text. Nothing when login is off.
 */
export async function showSession(actions) {
  let me;
  try {
    const response = await fetch('auth/me', { cache: 'no-store' });
    if (!response.ok) return;
    me = await response.json();
  } catch (err) {
    return;
  }
  if (!me.auth) return;
  if (me.accessLog === false) actions.querySelector('a[href="access_logs"]')?.remove(); // it would answer 403
  const who = document.createElement('span');
  who.className = 'muted session-user';
  who.textContent = `${me.user} (${me.role})`;
  const form = document.createElement('form');
  form.method = 'post';
  form.action = 'logout';
  const button = document.createElement('button');
  button.type = 'submit';
  button.className = 'button';
  button.textContent = 'Sign out';
  form.append(button);
  actions.append(who, form);
}

/**
 * After the live socket closed: if the login ended (signed out elsewhere, expired), go to the login page, which
 * brings the user back to `next` ('.' or 'access_logs'); otherwise the socket just reconnects.
 */
export async function returnToLoginIfSignedOut(next) {
  try {
    const response = await fetch('auth/me', { cache: 'no-store' });
    if (response.status === 401) window.location.assign(next === '.' ? 'login' : `login?next=${next}`);
  } catch (err) {
    // The server is away: the socket's own retries cover that.
  }
}
