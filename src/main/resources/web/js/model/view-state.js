// What the user is looking at, as URL query parameters: so that a link opened in another browser shows the same view
// once the graph has arrived. No DOM here; the page reads `location.search` and writes with `history.replaceState`.
//
//   server, network   the filter's choices (absent: all)
//   status            the status classes shown, comma-separated (absent: all four; empty: none)
//   q                 the search text
//   noise             'hide': the noise switch is on (model/noise.js)
//   sel               the selected node or edge id
//   view              fx,fy,k: the centre of the screen as a fraction of the graph's extent (its group boxes), and
//                     the zoom. Positions come from a force layout with random starts, so world coordinates differ
//                     between browsers; the extent's fractions and the zoom do not. Absent while the view follows
//                     the graph (auto-fit).
//   collapsed         collapsed groups (level of detail, issue 19 item 1): kept and passed through, not read here
//   from, to          the time window (the history store): kept and passed through, not read here yet
//
// Every other parameter (e.g. `offline`) is kept as it is. The whole URL stays within MAX_URL_LENGTH: the search text
// is cut to fit; only when that is not enough are the selection, then the collapsed groups left out (see
// `encodeViewState`).

import { STATUS_CLASSES } from './filters.js';

export const MAX_URL_LENGTH = 2048;
/** Longest search text read from a URL: the box searches labels, which are at most a few hundred characters. */
const MAX_SEARCH = 500;
const MAX_ID = 1000;
/** Read and written here; every other parameter is passed through untouched. */
const OWN = ['server', 'network', 'status', 'q', 'noise', 'sel', 'view', 'collapsed', 'from', 'to'];

/** The state of a fresh page: every parameter at its default. */
export function defaultViewState() {
  return {
    server: '', network: '', classes: [...STATUS_CLASSES], search: '', hideNoise: false, selected: '', view: null,
    collapsed: '', from: '', to: '', extra: [],
  };
}

/**
 * Reads a query string (`location.search`, with or without '?'). Bad values are ignored (the default stands), never
 * an error: a hand-edited or truncated link still opens the page.
 */
export function decodeViewState(search) {
  const params = new URLSearchParams(search || '');
  const state = defaultViewState();
  state.server = cut(params.get('server'), MAX_ID);
  state.network = cut(params.get('network'), MAX_ID);
  if (params.has('status')) {
    const wanted = new Set(params.get('status').split(',').map((s) => s.trim()));
    state.classes = STATUS_CLASSES.filter((cls) => wanted.has(cls));
  }
  state.search = cut(params.get('q'), MAX_SEARCH);
  state.hideNoise = params.get('noise') === 'hide';
  state.selected = cut(params.get('sel'), MAX_ID);
  state.view = parseView(params.get('view'));
  state.collapsed = params.get('collapsed') || '';
  state.from = params.get('from') || '';
  state.to = params.get('to') || '';
  for (const [name, value] of params) if (!OWN.includes(name)) state.extra.push([name, value]);
  return state;
}

/**
 * The query string ('' or '?…') for `state`, such that `base` (origin and path) plus it is at most `maxLength`
 * characters. Returns {query, shortened}: `shortened` names what had to be cut or left out ('q', 'sel', ...).
 */
export function encodeViewState(state, base = '', maxLength = MAX_URL_LENGTH) {
  const shortened = [];
  let search = state.search || '';
  const build = (dropped) => {
    const params = new URLSearchParams();
    for (const [name, value] of state.extra || []) if (!dropped.has(name)) params.append(name, value);
    if (state.server) params.set('server', state.server);
    if (state.network) params.set('network', state.network);
    const classes = STATUS_CLASSES.filter((cls) => (state.classes || STATUS_CLASSES).includes(cls));
    if (classes.length !== STATUS_CLASSES.length) params.set('status', classes.join(','));
    if (search) params.set('q', search);
    if (state.hideNoise) params.set('noise', 'hide');
    if (state.selected && !dropped.has('sel')) params.set('sel', state.selected);
    if (state.view) params.set('view', formatView(state.view));
    if (state.collapsed && !dropped.has('collapsed')) params.set('collapsed', state.collapsed);
    if (state.from) params.set('from', state.from);
    if (state.to) params.set('to', state.to);
    const text = params.toString();
    return text ? '?' + text : '';
  };
  const fits = (query) => base.length + query.length <= maxLength;
  const dropped = new Set();
  const whole = search.slice(0, MAX_SEARCH);
  if (whole.length < search.length) shortened.push('q');
  // What must go even without any search text: the selection, then the collapsed groups, then the rest.
  search = '';
  for (const name of ['sel', 'collapsed', ...(state.extra || []).map(([n]) => n)]) {
    if (fits(build(dropped))) break;
    if (name === 'sel' && !state.selected) continue;
    if (name === 'collapsed' && !state.collapsed) continue;
    dropped.add(name);
    shortened.push(name);
  }
  // Then the longest prefix of the search text that fits (encoded lengths vary per character: search for it).
  search = whole;
  if (!fits(build(dropped))) {
    if (!shortened.includes('q')) shortened.unshift('q');
    let lo = 0;
    let hi = whole.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      search = whole.slice(0, mid);
      if (fits(build(dropped))) lo = mid;
      else hi = mid - 1;
    }
    search = whole.slice(0, lo);
  }
  const query = build(dropped);
  return { query, shortened };
}

function cut(value, max) {
  return value == null ? '' : String(value).slice(0, max);
}

function parseView(text) {
  if (!text) return null;
  const parts = text.split(',').map(Number);
  if (parts.length !== 3 || !parts.every(Number.isFinite)) return null;
  const [fx, fy, k] = parts;
  // A centre far outside the graph or a zoom the page does not offer is a broken link: follow the graph instead.
  if (Math.abs(fx) > 10 || Math.abs(fy) > 10 || k < 0.03 || k > 8) return null;
  return { fx, fy, k };
}

function formatView({ fx, fy, k }) {
  return `${round(fx, 4)},${round(fy, 4)},${round(k, 4)}`;
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}
