// The access-log page: a live, bounded table of every request, newest at the bottom.
//
// Rows are rendered at most ~10 times a second whatever the event rate, at most MAX_ROWS of them, and <tr> elements
// are recycled (oldest becomes newest) instead of created and thrown away. Every value is set with textContent.

import { connectReconnecting, socketUrl } from '../net/ws.js';
import { applyStoredTheme, toggleTheme } from '../view/theme.js';
import { replaceOptions, STATUS_CLASSES } from '../model/filters.js';
import { statusClass } from '../model/graph-model.js';
import { Ring } from '../model/ring.js';
import { el } from '../lib/dom.js';
import { formatClock, formatCount, formatMs, formatRate } from '../lib/format.js';

const MAX_ROWS = 1000;
const HISTORY = 5000; // kept so that changing a filter can refill the table from what was already received
const RENDER_EVERY_MS = 100;

applyStoredTheme();

const $ = (id) => document.getElementById(id);
const tbody = $('rows');
const wrap = $('table-wrap');

const history = new Ring(HISTORY);
const filter = { server: '', network: '', classes: new Set(STATUS_CLASSES), text: '' };
const counters = { received: 0, dropped: 0 };
let pending = []; // received, not yet considered for the table
let shownRows = []; // entries currently in the table, oldest first (parallel to tbody rows)
let userPaused = false;
let following = true; // the view sticks to the newest row until the user scrolls up
let unseen = 0;
let lastRender = 0;
const servers = new Map(); // server -> Set(network)

// ------------------------------------------------------------------ filtering

function matches(entry) {
  if (filter.server && entry.server !== filter.server) return false;
  if (filter.network && entry.network !== filter.network) return false;
  if (filter.classes.size !== STATUS_CLASSES.length) {
    const cls = statusClass(entry.status);
    if (!cls || !filter.classes.has(cls)) return false;
  }
  if (filter.text) {
    const haystack = [entry.from, entry.to, entry.proxy, entry.host, entry.path, entry.method, entry.status,
      entry.server, entry.network].join('\u0000').toLowerCase();
    if (!haystack.includes(filter.text)) return false;
  }
  return true;
}

function rememberGroups(entry) {
  const server = entry.server == null ? '' : String(entry.server);
  let networks = servers.get(server);
  let changed = false;
  if (!networks) {
    networks = new Set();
    servers.set(server, networks);
    changed = true;
  }
  const network = entry.network == null ? '' : String(entry.network);
  if (!networks.has(network)) {
    networks.add(network);
    changed = true;
  }
  return changed;
}

function refreshFilterOptions() {
  replaceOptions($('filter-server'), 'All servers', [...servers.keys()].sort(), filter.server);
  filter.server = $('filter-server').value;
  const networks = new Set();
  for (const [server, names] of servers) {
    if (!filter.server || server === filter.server) for (const name of names) networks.add(name);
  }
  replaceOptions($('filter-network'), 'All networks', [...networks].sort(), filter.network);
  filter.network = $('filter-network').value;
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

$('filter-server').addEventListener('change', () => {
  filter.server = $('filter-server').value;
  filter.network = '';
  refreshFilterOptions();
  onFilterChange();
});
$('filter-network').addEventListener('change', () => {
  filter.network = $('filter-network').value;
  onFilterChange();
});
for (const button of document.querySelectorAll('[data-status]')) {
  button.setAttribute('aria-pressed', 'true');
  button.addEventListener('click', () => {
    const cls = button.dataset.status;
    if (filter.classes.has(cls)) filter.classes.delete(cls);
    else filter.classes.add(cls);
    button.setAttribute('aria-pressed', String(filter.classes.has(cls)));
    onFilterChange();
  });
}
let textTimer = null;
$('text-filter').addEventListener('input', () => {
  clearTimeout(textTimer);
  textTimer = setTimeout(() => {
    filter.text = $('text-filter').value.trim().toLowerCase();
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
    const text = String(values[i]);
    cells[i].textContent = text;
    cells[i].title = text; // full value on hover when the cell is cut off
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
    if (rememberGroups(entry)) groupsChanged = true;
    pending.push(entry);
  }
  if (pending.length > HISTORY) pending = pending.slice(pending.length - HISTORY);
  if (groupsChanged) refreshFilterOptions();
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

const rate = {
  count: 0,
  since: performance.now(),
  perSecond: 0,
  add(n) {
    this.count += n;
  },
  sample(now) {
    if (now - this.since < 1000) return;
    this.perSecond = (this.count * 1000) / (now - this.since);
    this.count = 0;
    this.since = now;
  },
};

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
  $('pause').textContent = paused ? '▶ Resume' : '❚❚ Pause';
  $('pause').setAttribute('aria-pressed', String(paused));
  document.body.classList.toggle('paused', paused);
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
$('theme').addEventListener('click', () => toggleTheme());
document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (event.key === ' ') {
    event.preventDefault();
    setPaused(!userPaused);
  }
  if (event.key === '/') {
    event.preventDefault();
    $('text-filter').focus();
  }
});

let connection = null;
function connect() {
  if (connection) return;
  connection = connectReconnecting(socketUrl('access_logs'), {
    onMessage,
    onStatus: (status) => {
      const badge = $('connection');
      badge.textContent = { connecting: 'connecting…', open: 'live', closed: 'reconnecting…', stopped: 'offline' }[status] || status;
      badge.dataset.status = status;
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
};

if (!new URLSearchParams(window.location.search).has('offline')) connect();
