// The access-log page: a live, bounded table of every request, newest at the bottom.
//
// Rows are rendered at most ~10 times a second whatever the event rate, at most MAX_ROWS of them, and <tr> elements
// are recycled (oldest becomes newest) instead of created and thrown away. Every value is set with textContent.

import { connectReconnecting, socketUrl } from '../net/ws.js';
import { applyStoredTheme, toggleTheme } from '../view/theme.js';
import { createFilter, createGroupIndex } from '../model/filters.js';
import { Ring } from '../model/ring.js';
import { createFilterControls } from '../ui/filter-controls.js';
import { bindShortcuts, returnToLoginIfSignedOut, showConnectionStatus, showPaused, showSession } from '../ui/toolbar.js';
import { el, setTextAndTitle } from '../lib/dom.js';
import { formatClock, formatCount, formatMs, formatRate } from '../lib/format.js';
import { createRateMeter } from '../lib/rate-meter.js';
import { fileTimestamp, saveBlob } from '../lib/download.js';
import { accessLogCsv } from '../model/exports.js';

const MAX_ROWS = 1000;
const HISTORY = 5000; // kept so that changing a filter can refill the table from what was already received
const RENDER_EVERY_MS = 100;

applyStoredTheme();

const $ = (id) => document.getElementById(id);
const tbody = $('rows');
const wrap = $('table-wrap');

const history = new Ring(HISTORY);
const filter = createFilter(); // server, network, status classes: as on the graph page
let filterText = ''; // lower case; matched against the row's visible text
const counters = { received: 0, dropped: 0 };
let pending = []; // received, not yet considered for the table
let shownRows = []; // entries currently in the table, oldest first (parallel to tbody rows)
let userPaused = false;
let following = true; // the view sticks to the newest row until the user scrolls up
let unseen = 0;
let lastRender = 0;
const groups = createGroupIndex(); // the servers and networks seen, for the filter choices
const rate = createRateMeter(performance.now());

// ------------------------------------------------------------------ filtering

function matches(entry) {
  if (!filter.acceptEvent(entry)) return false;
  if (filterText) {
    const haystack = [entry.from, entry.to, entry.proxy, entry.host, entry.path, entry.method, entry.status,
      entry.server, entry.network].join('\u0000').toLowerCase();
    if (!haystack.includes(filterText)) return false;
  }
  return true;
}

function onFilterChange() {
  // Refill from history with the new criteria.
  pending = [];
  shownRows = [];
  tbody.replaceChildren();
  appendRows(history.lastMatching(matches, MAX_ROWS));
  if (following) scrollToNewest();
  updateCounter();
}

const filterControls = createFilterControls(
  { server: $('filter-server'), network: $('filter-network'), statusButtons: [...document.querySelectorAll('.status-toggles [data-status]')] },
  filter,
  groups,
  onFilterChange,
);
let textTimer = null;
$('text-filter').addEventListener('input', () => {
  clearTimeout(textTimer);
  textTimer = setTimeout(() => {
    filterText = $('text-filter').value.trim().toLowerCase();
    onFilterChange();
  }, 150);
});

// ------------------------------------------------------------------ rows

const COLUMNS = ['time', 'where', 'route', 'proxy', 'method', 'host', 'path', 'status', 'duration num'];

function newRow() {
  const row = document.createElement('tr');
  for (const cls of COLUMNS) row.append(el('td', { class: cls }));
  return row;
}

function fillRow(row, entry) {
  const cells = row.children;
  const byProxy = entry.answeredBy === 'proxy';
  row.className = (entry.outcome === 'error' ? 'error' : 'ok') + (byProxy ? ' by-proxy' : '')
    + (entry.outsider === true ? ' outsider' : '');
  // When Traefik answered itself, `to` is the proxy: the route ends there (and the row is marked).
  const route = `${entry.from ?? '?'} → ${entry.to ?? '?'}`;
  const values = [
    formatClock(entry.time),
    `${entry.server ?? ''} / ${entry.network ?? ''}`,
    route,
    entry.proxy ?? '',
    entry.method ?? '',
    entry.host ?? '',
    entry.path ?? '',
    entry.status ?? '',
    formatMs(entry.durationMs),
  ];
  for (let i = 0; i < values.length; i++) {
    setTextAndTitle(cells[i], String(values[i])); // the full value on hover when the cell is cut off
  }
}

function appendRows(entries) {
  if (entries.length > MAX_ROWS) entries = entries.slice(entries.length - MAX_ROWS);
  const fragment = document.createDocumentFragment();
  for (const entry of entries) {
    // Recycle the oldest row once the table is full: bounded DOM, little garbage.
    const row = shownRows.length >= MAX_ROWS ? tbody.firstElementChild : newRow();
    if (shownRows.length >= MAX_ROWS) shownRows.shift();
    fillRow(row, entry);
    fragment.append(row);
    shownRows.push(entry);
  }
  tbody.append(fragment);
  $('empty-state').hidden = shownRows.length > 0;
}

function scrollToNewest() {
  wrap.scrollTop = wrap.scrollHeight;
}

wrap.addEventListener('scroll', () => {
  const atBottom = wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 24;
  if (atBottom !== following) {
    following = atBottom;
    if (following) unseen = 0;
    updateFollowButton();
  }
});
$('follow').addEventListener('click', () => {
  following = true;
  unseen = 0;
  render(true);
  scrollToNewest();
  updateFollowButton();
});

function updateFollowButton() {
  const button = $('follow');
  button.hidden = following && !userPaused;
  button.textContent = unseen ? `↓ ${formatCount(unseen)} newer` : '↓ newest';
}

// ------------------------------------------------------------------ data in

function onMessage(message) {
  if (!message || message.type !== 'entries') return;
  const entries = Array.isArray(message.entries) ? message.entries : [];
  counters.received += entries.length;
  counters.dropped += Number(message.dropped) > 0 ? Number(message.dropped) : 0;
  rate.add(entries.length + (Number(message.dropped) || 0));
  let groupsChanged = false;
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    history.push(entry);
    if (groups.add(entry.server, entry.network == null ? '' : entry.network)) groupsChanged = true;
    pending.push(entry);
  }
  if (pending.length > HISTORY) pending = pending.slice(pending.length - HISTORY);
  if (groupsChanged) filterControls.refresh();
}

/** Moves pending entries into the table; while paused (or scrolled up) they only count as unseen. */
function render(force) {
  const frozen = userPaused || !following;
  if (frozen && !force) {
    const fresh = pending.filter(matches).length;
    if (fresh) {
      unseen += fresh;
      updateFollowButton();
    }
    pending = [];
    return;
  }
  if (force && unseen) {
    // Coming back from a pause: show the newest rows rather than replaying what was skipped.
    shownRows = [];
    tbody.replaceChildren();
    appendRows(history.lastMatching(matches, MAX_ROWS));
    pending = [];
    unseen = 0;
  } else if (pending.length) {
    appendRows(pending.filter(matches));
    pending = [];
  }
  if (following) scrollToNewest();
}

function updateCounter() {
  const dropped = counters.dropped ? ` · ${formatCount(counters.dropped)} dropped by server` : '';
  $('counter').textContent = `${formatCount(shownRows.length)} rows · ${formatCount(counters.received)} received${dropped}`;
  $('rate').textContent = formatRate(rate.perSecond);
}

function frame(now) {
  requestAnimationFrame(frame); // first, so an exception cannot stop the table for good
  if (now - lastRender >= RENDER_EVERY_MS) {
    lastRender = now;
    render(false);
    rate.sample(now);
    updateCounter();
  }
}
requestAnimationFrame(frame);

// ------------------------------------------------------------------ controls

function setPaused(paused) {
  userPaused = paused;
  showPaused($('pause'), paused);
  if (!paused) {
    following = true;
    render(true);
    scrollToNewest();
  }
  updateFollowButton();
}
$('pause').addEventListener('click', () => setPaused(!userPaused));
$('clear').addEventListener('click', () => {
  history.clear();
  pending = [];
  shownRows = [];
  unseen = 0;
  tbody.replaceChildren();
  $('empty-state').hidden = false;
  updateCounter();
  updateFollowButton();
});
/** The CSV of every kept request the filter shows (history, oldest first): more than the table's 1,000 rows. */
function filteredCsv() {
  return accessLogCsv(history.lastMatching(matches, HISTORY));
}
$('export-csv').addEventListener('click', () => {
  saveBlob(new Blob([filteredCsv()], { type: 'text/csv' }), `trafficviz-access-log-${fileTimestamp(Date.now())}.csv`);
});
$('theme').addEventListener('click', () => toggleTheme());
bindShortcuts({
  ' ': () => setPaused(!userPaused),
  '/': () => $('text-filter').focus(),
});

let connection = null;
function connect() {
  if (connection) return;
  connection = connectReconnecting(socketUrl('access_logs'), {
    onMessage,
    onStatus: (status) => {
      showConnectionStatus($('connection'), status);
      if (status === 'closed') returnToLoginIfSignedOut('access_logs');
    },
  });
}

window.trafficviz = {
  /** The rows on screen (oldest first) and how many entries the page has received. */
  snapshot() {
    return {
      rows: shownRows.map((entry) => ({
        time: entry.time,
        server: entry.server,
        network: entry.network,
        from: entry.from,
        to: entry.to,
        proxy: entry.proxy,
        method: entry.method,
        host: entry.host,
        path: entry.path,
        status: entry.status,
        outcome: entry.outcome,
        answeredBy: entry.answeredBy,
      })),
      received: counters.received,
      dropped: counters.dropped,
      paused: userPaused,
      following,
    };
  },
  /** Feeds an `entries` message as if it came from the server (benchmarks, tests); stops the live connection. */
  injectEntries(message) {
    if (connection) connection.stop();
    connection = null;
    onMessage({ type: 'entries', ...message });
  },
  connect,
  setPaused,
  /** The Export CSV button's file, as text. */
  exportCsv: () => filteredCsv(),
};

showSession(document.querySelector('.toolbar .actions'));
if (!new URLSearchParams(window.location.search).has('offline')) connect();
