// The access-log page: a live, bounded table of every request, newest at the bottom. When the server keeps history
// it opens with the newest stored rows above the live ones, pages further back with "Load older", and searches the
// store (the results replace the live rows until "Back to live").
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
import { formatClockWithDay, formatCount, formatMs, formatRate } from '../lib/format.js';
import { createRateMeter } from '../lib/rate-meter.js';
import { fileTimestamp, saveBlob } from '../lib/download.js';
import { accessLogCsv } from '../model/exports.js';
import { createPager, getJson } from '../net/history-pager.js';
import { describeSearch, searchFilters, storedAboveLive } from '../model/history-rows.js';

const MAX_ROWS = 1000;
const HISTORY = 5000; // kept so that changing a filter can refill the table from what was already received
const RENDER_EVERY_MS = 100;
const STORE_PAGE = 200; // rows per page from the store
const MAX_STORED_ROWS = 5000; // stored rows the table holds at most, above the live ones or as search results

applyStoredTheme();

const $ = (id) => document.getElementById(id);
const tbody = $('rows');
const wrap = $('table-wrap');
const table = wrap.querySelector('.log-table');

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

// The store (GET /history/requests). storeMode: 'checking' until it answers, then 'off' (no history), 'denied' (403),
// 'error', 'live' (stored rows above the live ones) or 'search' (the table shows a search's results only).
let storeMode = 'checking';
let storedRows = []; // oldest first: the stored rows above the live ones
let searchRows = []; // oldest first: a search's results
let pager = null; // the pages of what the table shows now (older rows)
let livePager = null; // the stored rows' pages, kept while a search has its own
let searchAsked = null;
let firstLiveTime = null; // the first live row's time: stored rows from then on came live already

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

/** What the table shows, oldest first: a search's results, or the stored rows and then the live ones. */
function rowsToShow() {
  if (storeMode === 'search') return searchRows.filter(matches);
  return storedRows.filter(matches).concat(history.lastMatching(matches, MAX_ROWS));
}

function refill() {
  table.classList.remove('with-days');
  pending = [];
  shownRows = [];
  tbody.replaceChildren();
  appendRows(rowsToShow());
}

function onFilterChange() {
  // Refill with the new criteria.
  refill();
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
  const time = formatClockWithDay(entry.time); // stored rows can be from another day: then the column is wider
  if (time.length > 12 && !table.classList.contains('with-days')) table.classList.add('with-days');
  const values = [
    time,
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

/** Live rows: at most MAX_ROWS, plus the stored rows above them until live ones push those out too. */
function tableCap() {
  return storeMode === 'search' ? MAX_STORED_ROWS : MAX_ROWS + storedRows.length;
}

function appendRows(entries) {
  if (entries.length > tableCap()) entries = entries.slice(entries.length - tableCap());
  const fragment = document.createDocumentFragment();
  for (const entry of entries) {
    // Recycle the oldest row once the table is full: bounded DOM, little garbage.
    const full = shownRows.length >= tableCap();
    const row = full ? tbody.firstElementChild || fragment.firstElementChild : newRow();
    if (full) {
      const gone = shownRows.shift();
      if (gone === storedRows[0]) storedRows.shift();
    }
    fillRow(row, entry);
    fragment.append(row);
    shownRows.push(entry);
  }
  tbody.append(fragment);
  $('empty-state').hidden = shownRows.length > 0;
}

/** Older rows (oldest first) above the ones shown; the view stays on the rows the user was reading. */
function prependRows(entries) {
  if (!entries.length) return;
  const before = wrap.scrollHeight;
  const fragment = document.createDocumentFragment();
  for (const entry of entries) {
    const row = newRow();
    fillRow(row, entry);
    fragment.append(row);
  }
  tbody.prepend(fragment);
  shownRows = entries.concat(shownRows);
  $('empty-state').hidden = shownRows.length > 0;
  wrap.scrollTop += wrap.scrollHeight - before;
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
  button.hidden = (following && !userPaused) || storeMode === 'search';
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
    if (firstLiveTime === null && typeof entry.time === 'number') firstLiveTime = entry.time;
    history.push(entry);
    if (groups.add(entry.server, entry.network == null ? '' : entry.network)) groupsChanged = true;
    pending.push(entry);
  }
  if (pending.length > HISTORY) pending = pending.slice(pending.length - HISTORY);
  if (groupsChanged) filterControls.refresh();
}

/** Moves pending entries into the table; while paused (or scrolled up) they only count as unseen. */
function render(force) {
  if (storeMode === 'search') {
    pending = []; // kept in `history` for "Back to live"; a search's results are not mixed with live rows
    return;
  }
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
    refill();
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
  storedRows = [];
  if (storeMode === 'live') showLoadOlder(false);
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

// ------------------------------------------------------------------ the store

function showStoreStatus(kind, text) {
  const status = $('store-status');
  status.dataset.kind = kind;
  status.textContent = text;
  status.hidden = !text;
}

function showLoadOlder(visible) {
  const button = $('load-older');
  button.hidden = !visible;
  const full = (storeMode === 'search' ? searchRows : storedRows).length >= MAX_STORED_ROWS;
  button.disabled = full || (pager !== null && pager.loading);
  button.textContent = full ? `The table holds ${formatCount(MAX_STORED_ROWS)} stored rows at most: narrow the search` : 'Load older';
}

/** Stored rows' servers and networks join the filter choices, as live rows' do. */
function learnGroups(entries) {
  let changed = false;
  for (const entry of entries) if (groups.add(entry.server, entry.network == null ? '' : entry.network)) changed = true;
  if (changed) filterControls.refresh();
}

/** A failed store request: 404 means no history (nothing to say), 403 a role that may not read the raw log. */
function storeFailed(err) {
  if (err.status === 404) {
    storeMode = 'off';
    $('store-search').hidden = true;
    showStoreStatus('', '');
  } else if (err.status === 403) {
    storeMode = 'denied';
    $('store-search').hidden = true;
    showStoreStatus('denied', 'Stored requests are not shown: your role may not read the access log (403).');
  } else {
    showStoreStatus('error', `The history store did not answer: ${err.message}`);
  }
  showLoadOlder(false);
}

/** Opens with the newest stored rows above the live ones. */
async function openStore() {
  livePager = createPager(getJson, { limit: STORE_PAGE });
  pager = livePager;
  let rows;
  try {
    rows = await pager.next();
  } catch (err) {
    storeFailed(err);
    return;
  }
  storeMode = 'live';
  $('store-search').hidden = false;
  storedRows = storedAboveLive(rows, firstLiveTime);
  learnGroups(storedRows);
  refill();
  scrollToNewest();
  showLoadOlder(!pager.done);
  updateCounter();
}

async function loadOlder() {
  if (!pager || pager.done || pager.loading) return;
  const forPager = pager;
  showLoadOlder(true);
  let rows;
  try {
    rows = await forPager.next();
  } catch (err) {
    storeFailed(err);
    return;
  }
  if (forPager !== pager) return; // a search started meanwhile
  const older = storedAboveLive(rows, null);
  learnGroups(older);
  if (storeMode === 'search') searchRows = older.concat(searchRows);
  else storedRows = older.concat(storedRows);
  prependRows(older.filter(matches));
  if (storeMode === 'search') describeResults();
  showLoadOlder(!pager.done);
  updateCounter();
}

function describeResults() {
  const more = pager && !pager.done ? ' · Load older (top) for more' : '';
  showStoreStatus('search', `Search results from the store (${describeSearch(searchAsked)}): `
    + `${formatCount(searchRows.length)} request${searchRows.length === 1 ? '' : 's'}, newest last${more}`);
}

async function searchStore(form) {
  let filters;
  try {
    filters = searchFilters(form);
  } catch (err) {
    showStoreStatus('error', `Search: ${err.message}`);
    return;
  }
  const searchPager = createPager(getJson, { ...filters, limit: STORE_PAGE });
  pager = searchPager;
  showStoreStatus('search', `Searching the store (${describeSearch(filters)})…`);
  let rows;
  try {
    rows = await searchPager.next();
  } catch (err) {
    if (pager === searchPager) showStoreStatus(err.status === 403 ? 'denied' : 'error', `Search: ${err.message}`);
    return;
  }
  if (pager !== searchPager) return;
  storeMode = 'search';
  searchAsked = filters;
  searchRows = storedAboveLive(rows, null);
  learnGroups(searchRows);
  refill();
  scrollToNewest();
  $('search-clear').hidden = false;
  describeResults();
  showLoadOlder(!searchPager.done);
  updateFollowButton();
  updateCounter();
}

/** Leaves a search: the stored rows and the live ones again. */
function backToLive() {
  if (storeMode !== 'search') return;
  storeMode = 'live';
  searchRows = [];
  searchAsked = null;
  pager = livePager;
  $('search-clear').hidden = true;
  showStoreStatus('', '');
  following = true;
  unseen = 0;
  refill();
  scrollToNewest();
  showLoadOlder(pager !== null && !pager.done);
  updateFollowButton();
  updateCounter();
}

$('load-older').addEventListener('click', loadOlder);
$('store-search').addEventListener('submit', (event) => {
  event.preventDefault();
  searchStore({
    caller: $('search-caller').value,
    target: $('search-target').value,
    status: $('search-status').value,
    path: $('search-path').value,
    from: $('search-from').value,
    to: $('search-to').value,
  });
});
$('search-clear').addEventListener('click', backToLive);

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
      store: {
        mode: storeMode,
        stored: storedRows.length,
        results: searchRows.length,
        status: $('store-status').hidden ? '' : $('store-status').textContent,
        olderButton: !$('load-older').hidden,
      },
    };
  },
  loadOlder,
  searchStore,
  backToLive,
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
openStore();
