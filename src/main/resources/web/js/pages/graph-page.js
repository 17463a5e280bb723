// The graph page: composition and the frame loop. It creates the parts, connects them, takes the stream's messages
// and hands them on, and draws when something changed. See docs/frontend.md for who owns which state:
//   net/ (decode) → model/graph-model.js (server truth) → layout/ (positions) and anim/flashes.js (animation state)
//   → view/ (draws the scene: reads model, layout and anim) ← ui/ (zoom, drag, hover, click, toolbar, search).

import { connectReconnecting, socketUrl } from '../net/ws.js';
import { createHelloAssembler, createNodeTable, decodeEdges, decodeEvents, decodeFolded, layoutDue } from '../net/wire.js';
import { GraphModel } from '../model/graph-model.js';
import { createFilter, createGroupIndex } from '../model/filters.js';
import { Ring } from '../model/ring.js';
import { createFlashes } from '../anim/flashes.js';
import { createLayout } from '../layout/layout.js';
import { createRenderer } from '../view/renderer-canvas.js';
import { createPanel } from '../view/panel.js';
import { renderLegend } from '../view/legend.js';
import { applyStoredTheme, readPalette, toggleTheme } from '../view/theme.js';
import { createInteraction } from '../ui/interaction.js';
import { createFilterControls } from '../ui/filter-controls.js';
import { createSearch } from '../ui/search.js';
import {
  bindShortcuts, returnToLoginIfSignedOut, showConnectionStatus, showGraphCounters, showPaused, showSession,
} from '../ui/toolbar.js';
import { createFrameCounter, createRateMeter } from '../lib/rate-meter.js';
import { decodeViewState, encodeViewState } from '../model/view-state.js';
import { createNoiseIndex } from '../model/noise.js';
import { createPrefixSplit } from '../ui/prefix-split.js';
import { createRoutersPanel } from '../ui/routers-panel.js';
import { createRequestTrace } from '../ui/request-trace.js';
import { tracePath } from '../model/request-trace.js';
import { edgeRecords, edgesCsv, edgesJson } from '../model/exports.js';
import { buildGraphSvg, CAPTION_HEIGHT, serializeSvg, svgToPng } from '../view/svg-export.js';
import { fileTimestamp, saveBlob } from '../lib/download.js';
import { formatCount } from '../lib/format.js';
import { el } from '../lib/dom.js';
import { createPager, getJson } from '../net/history-pager.js';
import { clockText, describeWindow, windowFromParams, writeWindowParams } from '../model/timeline.js';
import { eventFromStoredRow } from '../model/history-rows.js';
import { createPlayback } from '../anim/playback.js';
import { createTimeBar } from '../ui/time-bar.js';
import { alertMarks } from '../model/alert-marks.js';
import { createAlertList } from '../ui/alert-list.js';

const RECENT_EVENTS = 5000; // what a freshly opened panel can show from the past

applyStoredTheme();

const $ = (id) => document.getElementById(id);
const canvas = $('graph');

const model = new GraphModel();
const nodeTable = createNodeTable(); // the stream's node indexes (ix) -> node descriptions
const flashes = createFlashes({ model });
const renderer = createRenderer(canvas);
const recentEvents = new Ring(RECENT_EVENTS);
const filter = createFilter();
const groups = createGroupIndex(); // servers and networks, for the filter choices
const rateMeter = createRateMeter(performance.now());
const fps = createFrameCounter();
let needsDraw = true;

const layout = createLayout({
  aspectRatio: () => renderer.width / Math.max(1, renderer.height),
  onSettled: () => {
    needsDraw = true;
    interaction.followGraph();
    restoreLinkedView();
  },
});

/** What view/renderer-canvas.js draws. The page fills it; ui/interaction.js owns transform and hover. */
const scene = {
  nodes: [],
  edges: [],
  groups: [],
  transform: null,
  palette: readPalette(),
  flashes, // read only, by the view
  isNodeVisible: filter.isNodeVisible,
  isEdgeVisible: filter.isEdgeVisible,
  selectedNode: null,
  selectedEdge: null,
  hoverNode: null,
  hoverEdge: null,
  highlightEdges: new Set(),
  /** The hops of the traced request (one X-Request-Id across proxies), lit until the trace ends. */
  traceEdges: new Set(),
  searchMatches: new Set(),
  now: 0,
  positionsVersion: 0,
  /** Bumped whenever the static picture (boxes, edges, nodes, labels) must be redrawn. */
  mapVersion: 0,
  /** Node and edge ids with a firing alert -> its worst severity (model/alert-marks.js). */
  alertNodes: new Map(),
  alertEdges: new Map(),
};

/** The static picture changed: redraw it on the next frame. */
function invalidateMap() {
  scene.mapVersion++;
  needsDraw = true;
}

const interaction = createInteraction({
  elements: { canvas, tooltip: $('tooltip'), panel: $('panel'), legend: $('legend') },
  scene,
  renderer,
  layout,
  isNodeVisible: filter.isNodeVisible,
  onSelect: (selection) => select(selection),
  requestDraw: () => {
    needsDraw = true;
  },
  invalidateMap,
  onViewChange: () => scheduleUrlUpdate(),
  onTraceComet: (comet) => traceRequest(comet.requestId),
});

// ---------------------------------------------------------------- filters, search

const filterControls = createFilterControls(
  { server: $('filter-server'), network: $('filter-network'), statusButtons: [...document.querySelectorAll('.status-toggles [data-status]')] },
  filter,
  groups,
  () => {
    interaction.invalidateHits();
    if (scene.selectedNode && !filter.isNodeVisible(scene.selectedNode)) select(null);
    invalidateMap();
    scheduleUrlUpdate();
  },
);

const search = createSearch({ input: $('search'), count: $('search-count') }, {
  nodes: () => scene.nodes,
  isNodeVisible: filter.isNodeVisible,
  onMatches: (matches) => {
    scene.searchMatches = matches;
    needsDraw = true;
  },
  onGo: (matches, submit) => {
    interaction.focusNodes(matches, true, 2);
    if (matches.length === 1 && submit) select({ type: 'node', node: matches[0] });
  },
  onText: () => scheduleUrlUpdate(),
});

// ---------------------------------------------------------------- noise (model/noise.js)

const CALLERS_EVERY_MS = 5000;
let noiseIndex = createNoiseIndex(null);
let prefixPanelOpen = false;
let callersTimer = null;

const prefixSplit = createPrefixSplit({
  noise: () => noiseIndex,
  onNeed: (open) => {
    prefixPanelOpen = open;
    pollCallers();
  },
});

/** Asks the server who called (/callers) while the switch is on or the prefix split is shown, every few seconds. */
async function pollCallers() {
  clearTimeout(callersTimer);
  callersTimer = null;
  if (!(filter.state.hideNoise || prefixPanelOpen) || !connection) return;
  try {
    const response = await fetch('callers', { cache: 'no-store' });
    if (response.ok) applyCallers(await response.json());
  } catch (err) {
    // The server is away: the socket's reconnection says so; try again later.
  }
  if (callersTimer === null && (filter.state.hideNoise || prefixPanelOpen)) {
    callersTimer = setTimeout(pollCallers, CALLERS_EVERY_MS);
  }
}

function applyCallers(doc) {
  noiseIndex = createNoiseIndex(doc);
  filter.setNoise(noiseIndex);
  prefixSplit.refresh();
  if (filter.state.hideNoise) noiseChanged();
}

/** What the filter shows changed by the noise switch or new counts: redraw, and say how much is hidden. */
function noiseChanged() {
  const hide = filter.state.hideNoise;
  $('noise').setAttribute('aria-pressed', String(hide));
  const chip = $('noise-chip');
  const { requests, callers } = noiseIndex.hidden;
  chip.hidden = !hide;
  chip.textContent = `hidden: ${formatCount(requests)} request${requests === 1 ? '' : 's'} from ` +
    `${formatCount(callers)} caller${callers === 1 ? '' : 's'}`;
  interaction.invalidateHits();
  if (scene.selectedNode && !filter.isNodeVisible(scene.selectedNode)) select(null);
  invalidateMap();
}

function setHideNoise(hide) {
  filter.setHideNoise(hide);
  noiseChanged();
  scheduleUrlUpdate();
  pollCallers();
}
$('noise').addEventListener('click', () => setHideNoise(!filter.state.hideNoise));
$('noise-chip').addEventListener('click', () => setHideNoise(false));

// ---------------------------------------------------------------- panel & selection

// A proxy's routers against its traffic (issue 19 item 5), under the prefix split: both are sections of the panel.
const routersPanel = createRoutersPanel({ getJson, historyWindow: () => historyWindow });
const panelSections = {
  element: el('div', { class: 'panel-sections' }, prefixSplit.element, routersPanel.element),
  show(selection) {
    prefixSplit.show(selection);
    routersPanel.show(selection);
  },
};

const panel = createPanel($('panel'), {
  extra: panelSections,
  model,
  onHoverEvent: (event) => {
    if (!event) scene.highlightEdges = new Set();
    else scene.highlightEdges = new Set((event.edges || model.edgesOfEvent(event)).filter(Boolean));
    needsDraw = true;
  },
  onSelect: (selection) => select(selection),
  onClose: () => select(null),
  onTraceEvent: (event) => traceRequest(event.requestId),
});

// ---------------------------------------------------------------- one request across proxies (model/request-trace.js)

const TRACE_EVENTS = 200; // a request crosses a few proxies; retries and mirrors add some
let tracedId = null;
let lastTrace = null;
const requestTrace = createRequestTrace({
  labelOf: (id) => (model.nodes.get(id) || { label: id }).label,
  onClear: () => traceRequest(null),
});
$('request-trace-slot').replaceWith(requestTrace.element);

/** Lights every hop of the request with this X-Request-Id that the page has seen (null ends the trace). */
function traceRequest(requestId) {
  tracedId = requestId || null;
  refreshTrace();
}

function refreshTrace() {
  lastTrace = tracedId ? tracePath(recentEvents.lastMatching((e) => e.requestId === tracedId, TRACE_EVENTS)) : null;
  scene.traceEdges = new Set(lastTrace ? lastTrace.hops.map(([from, to]) => model.edgeBetween(from, to)).filter(Boolean)
    : []);
  requestTrace.show(tracedId, lastTrace);
  needsDraw = true;
}

/** `keepInView`: slide the view so the panel does not cover the selection (not when a link restores the view). */
function select(selection, keepInView = true) {
  scene.selectedNode = selection && selection.type === 'node' ? selection.node : null;
  scene.selectedEdge = selection && selection.type === 'edge' ? selection.edge : null;
  scene.highlightEdges = new Set();
  document.body.classList.toggle('panel-open', !!selection);
  panel.show(selection, { lastMatching: (match, limit) => recentEvents.lastMatching((e) => filter.acceptEvent(e) && match(e), limit) });
  invalidateMap(); // the selection's edges get labels
  if (selection && keepInView) interaction.keepVisibleBesidePanel(selection.node || selection.edge.targetNode);
  scheduleUrlUpdate();
}

// ---------------------------------------------------------------- the view in the URL (model/view-state.js)

/** What the page was opened with; applied once the graph has arrived, then the URL follows the view. */
const linked = decodeViewState(window.location.search);
const restore = {
  filters: linked.server !== '' || linked.network !== '' || linked.classes.length !== 4 || linked.search !== '' ||
    linked.hideNoise,
  selection: linked.selected !== '',
  view: linked.view !== null,
};
restore.done = !restore.filters && !restore.selection && !restore.view;
let urlTimer = null;
let lastLinkShortened = [];

/** Filters, search and selection from the link, as soon as the nodes they name are there (from applyStructure). */
function restoreLinkedChoices() {
  if (restore.done || !scene.nodes.length) return;
  if (restore.filters) {
    restore.filters = false;
    filterControls.setChoices(linked);
    if (linked.hideNoise) setHideNoise(true);
    interaction.invalidateHits();
    invalidateMap();
    if (linked.search) search.setText(linked.search);
  }
  if (restore.selection) {
    const node = model.nodes.get(linked.selected);
    const edge = node ? null : model.edges.get(linked.selected);
    if (node || edge) {
      restore.selection = false;
      select(node ? { type: 'node', node } : { type: 'edge', edge }, false);
    }
  }
}

/** The zoom and pan from the link, once the layout has placed the nodes (from onSettled). */
function restoreLinkedView() {
  if (restore.done || !scene.nodes.length) return;
  restoreLinkedChoices();
  if (restore.view && interaction.showView(linked.view)) restore.view = false;
  // A selection the graph does not hold (any more) is given up once the layout has settled: the link is old.
  restore.selection = false;
  restore.done = !restore.view;
  scheduleUrlUpdate();
}

function currentViewState() {
  const windowParams = new URLSearchParams(window.location.search);
  const selected = scene.selectedNode ? scene.selectedNode.id : scene.selectedEdge ? scene.selectedEdge.id : '';
  return {
    server: filter.state.server, network: filter.state.network, classes: [...filter.state.classes],
    search: search.text, selected, view: interaction.currentView(), hideNoise: filter.state.hideNoise,
    // The time bar writes from/to itself (writeUrlWindow): keep what the URL holds now, not what it was opened with.
    collapsed: linked.collapsed, from: windowParams.get('from') || '', to: windowParams.get('to') || '',
    extra: linked.extra,
  };
}

/** Writes the view into the URL now; returns the link. */
function updateUrl() {
  clearTimeout(urlTimer);
  urlTimer = null;
  const base = window.location.origin + window.location.pathname;
  if (restore.done) {
    const { query, shortened } = encodeViewState(currentViewState(), base);
    lastLinkShortened = shortened;
    if (query !== window.location.search) window.history.replaceState(null, '', query || window.location.pathname);
  }
  return window.location.href;
}

/** The view changed: the URL follows a moment later (zooming fires dozens of events a second). */
function scheduleUrlUpdate() {
  if (urlTimer === null) urlTimer = setTimeout(updateUrl, 300);
}

/** Copies the link to the clipboard; where the browser refuses, the link is shown selected for Ctrl+C. */
async function copyLink() {
  const link = updateUrl();
  const box = $('link-box');
  const field = $('link-field');
  field.value = link;
  box.hidden = false;
  let copied = false;
  try {
    await navigator.clipboard.writeText(link);
    copied = true;
  } catch (err) {
    // Not a secure context, or no permission: the selected field below is the way.
  }
  field.focus();
  field.select();
  const shortened = lastLinkShortened.length ? ` (shortened to fit 2 KB: ${lastLinkShortened.join(', ')} left out or cut)` : '';
  $('link-status').textContent = (copied ? 'Link copied' : 'Press Ctrl+C to copy the link') + shortened;
}
$('copy-link').addEventListener('click', () => copyLink());
$('link-close').addEventListener('click', () => {
  $('link-box').hidden = true;
});

// ---------------------------------------------------------------- export (model/exports.js, view/svg-export.js)

function describeFilters() {
  const { server, network, classes } = filter.state;
  const parts = [`server: ${server || 'all'}`, `network: ${network || 'all'}`,
    `status: ${classes.size === 4 ? 'all' : [...classes].sort().join(', ') || 'none'}`];
  if (search.text) parts.push(`search: "${search.text}"`);
  if (filter.state.hideNoise) parts.push('noise hidden');
  if (scene.selectedNode) parts.push(`selected: ${scene.selectedNode.label}`);
  else if (scene.selectedEdge) parts.push(`selected: ${scene.selectedEdge.sourceNode.label} → ${scene.selectedEdge.targetNode.label}`);
  return parts.join(' · ');
}

function graphSvgText() {
  const now = Date.now();
  const shownNodes = scene.nodes.filter(filter.isNodeVisible).length;
  const shownEdges = scene.edges.filter(filter.isEdgeVisible).length;
  const caption = [`trafficviz · ${new Date(now).toISOString().replace('T', ' ').slice(0, 19)} UTC · ` +
    `${shownNodes} nodes, ${shownEdges} edges`, describeFilters()];
  const svg = buildGraphSvg(document, { scene, width: renderer.width, height: renderer.height, caption });
  return serializeSvg(svg);
}

function edgesText(format) {
  const records = edgeRecords(scene.edges, filter.isEdgeVisible);
  if (format === 'csv') return edgesCsv(records);
  return edgesJson(records, { exportedAt: new Date().toISOString(), filters: {
    server: filter.state.server || null, network: filter.state.network || null,
    status: [...filter.state.classes].sort(), search: search.text || null, noiseHidden: filter.state.hideNoise } });
}

async function exportAs(kind) {
  const stamp = fileTimestamp(Date.now());
  if (kind === 'svg') {
    saveBlob(new Blob([graphSvgText()], { type: 'image/svg+xml' }), `trafficviz-graph-${stamp}.svg`);
  } else if (kind === 'png') {
    const png = await svgToPng(graphSvgText(), renderer.width, renderer.height + CAPTION_HEIGHT);
    saveBlob(png, `trafficviz-graph-${stamp}.png`);
  } else if (kind === 'edges-csv') {
    saveBlob(new Blob([edgesText('csv')], { type: 'text/csv' }), `trafficviz-edges-${stamp}.csv`);
  } else if (kind === 'edges-json') {
    saveBlob(new Blob([edgesText('json')], { type: 'application/json' }), `trafficviz-edges-${stamp}.json`);
  }
}
for (const button of document.querySelectorAll('#export-menu [data-export]')) {
  button.addEventListener('click', () => {
    $('export-menu').open = false;
    exportAs(button.dataset.export).catch((err) => console.error('trafficviz: export failed', err));
  });
}

// ---------------------------------------------------------------- data in

let structureDirty = false;

function onGraphMessage(message) {
  if (!message || typeof message !== 'object') return;
  if (message.type === 'hello') {
    model.applyHello(message.graph);
    nodeTable.reset();
    nodeTable.learn(message.graph && message.graph.nodes);
    // e.g. the demo saying its traffic is simulated: the user must not mistake it for real proxies.
    const notice = message.graph && typeof message.graph.notice === 'string' ? message.graph.notice : '';
    $('notice').textContent = notice;
    $('notice').hidden = !notice;
    flashes.clear();
    structureDirty = true;
    // Node objects survive a hello (same identity); edge objects are rebuilt, so look the selection up again.
    if (scene.selectedNode && !model.nodes.has(scene.selectedNode.id)) select(null);
    if (scene.selectedEdge) {
      const edge = model.edges.get(scene.selectedEdge.id);
      select(edge ? { type: 'edge', edge } : null);
    }
  } else if (message.type === 'batch') {
    nodeTable.learn(message.nodes);
    const { addedNodes, addedEdges } = model.applyBatch({ nodes: message.nodes, edges: decodeEdges(message, nodeTable) });
    if (addedNodes.length || addedEdges.length) structureDirty = true;
    // A known node can change too (it turned out to be an outsider): redraw the static picture.
    if (Array.isArray(message.nodes) && message.nodes.length) invalidateMap();
    flashes.addDropped(Number(message.dropped) || 0);
    const events = decodeEvents(message, nodeTable);
    // New nodes must exist before their requests animate; a batch in parts is laid out once, not per part.
    if (structureDirty && layoutDue(message)) applyStructure();
    flashes.ingest(events, filter.acceptEvent);
    const folded = decodeFolded(message, nodeTable);
    if (folded.length) flashes.ingestFolded(folded);
    for (const event of events) recentEvents.push(event);
    // The downstream proxy's line of a traced request may come a batch later than the one clicked.
    if (tracedId && events.some((event) => event.requestId === tracedId)) refreshTrace();
    if (!flashes.paused) panel.addEvents(events.filter(filter.acceptEvent));
    rateMeter.add(events.length + folded.reduce((sum, route) => sum + route.count, 0) + (Number(message.dropped) || 0));
  }
  needsDraw = true;
}

function applyStructure() {
  structureDirty = false;
  scene.nodes = [...model.nodes.values()];
  scene.edges = [...model.edges.values()];
  layout.setGraph(scene.nodes, scene.edges);
  scene.groups = layout.groups;
  groups.clear();
  for (const node of scene.nodes) groups.add(node.server, node.network || null);
  filterControls.refresh();
  interaction.invalidateHits();
  invalidateMap();
  $('empty-state').hidden = scene.nodes.length > 0;
  applyAlerts();
  interaction.followGraph();
  restoreLinkedChoices();
}

let connection = null;
function connect() {
  if (connection) return;
  setTimeout(pollCallers, 0); // once connected: the switch may be on from a link
  const hello = createHelloAssembler(); // a big graph's hello comes in parts: draw it once it is whole
  connection = connectReconnecting(socketUrl('ws/graph'), {
    onMessage: (message) => {
      const whole = hello.accept(message);
      if (whole) timed('messages', () => onGraphMessage(whole));
    },
    onStatus: (status) => {
      showConnectionStatus($('connection'), status);
      if (status === 'closed') returnToLoginIfSignedOut('.');
    },
  });
}
function disconnect() {
  if (connection) connection.stop();
  connection = null;
}

// ---------------------------------------------------------------- toolbar

function setPaused(paused) {
  flashes.setPaused(paused);
  showPaused($('pause'), paused);
}
$('pause').addEventListener('click', () => setPaused(!flashes.paused));
$('fit').addEventListener('click', () => {
  interaction.resumeAutoFit();
  interaction.fitToView(true);
  scheduleUrlUpdate();
});
$('relayout').addEventListener('click', () => {
  interaction.resumeAutoFit();
  layout.relayout();
});
$('theme').addEventListener('click', () => {
  toggleTheme();
  scene.palette = readPalette();
  renderLegend($('legend'), scene.palette);
  invalidateMap();
});
$('legend-toggle').addEventListener('click', () => {
  const legend = $('legend');
  legend.hidden = !legend.hidden;
  $('legend-toggle').setAttribute('aria-pressed', String(!legend.hidden));
});
bindShortcuts({
  Escape: () => {
    if (tracedId) traceRequest(null);
    else select(null);
  },
  ' ': () => setPaused(!flashes.paused),
  p: () => setPaused(!flashes.paused),
  '/': () => search.focus(),
});
renderLegend($('legend'), scene.palette);

// ---------------------------------------------------------------- history: a past window, played again

// While a window is shown the live stream is closed: its batches would mix the present into the window's counts.
// "Back to live" opens it again, and its hello brings the graph back to the present, so nothing live is lost.
let historyWindow = null;
let windowToken = 0; // a window's answer that arrives after the user moved on is dropped
let playback = null;
let pager = null;
let playbackError = null;
let lastPlaybackLabel = 0;
const playedEdges = new Map(); // edge id -> requests played on it since the window was shown (tests read it)

const LIVE_EMPTY_TEXT = $('empty-state').textContent;

function showHistoryState(mode, text) {
  $('empty-state').textContent = mode === 'live' ? LIVE_EMPTY_TEXT : 'No requests were kept in this window.';
  const badge = $('history-state');
  badge.dataset.mode = mode;
  badge.textContent = text;
  document.body.classList.toggle('history-mode', mode !== 'live');
  $('back-to-live').hidden = mode === 'live';
  for (const id of ['history-play', 'history-step', 'history-speed']) $(id).disabled = mode !== 'window';
}

function writeUrlWindow(chosen) {
  const params = writeWindowParams(new URLSearchParams(location.search), chosen);
  const query = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}

async function showWindow(chosen) {
  const token = ++windowToken;
  stopPlayback();
  historyWindow = chosen;
  disconnect();
  showConnectionStatus($('connection'), 'history'); // not "offline": the page shows the store on purpose
  timeBar.setSelection(chosen);
  writeUrlWindow(chosen);
  showHistoryState('loading', `${describeWindow(chosen)} · loading…`);
  try {
    let doc;
    for (let attempt = 0; ; attempt++) {
      try {
        doc = await getJson(`network_info?from=${chosen.from}&to=${chosen.to}`);
        break;
      } catch (err) {
        // The server counts one window at a time (503): a quick second drag waits for the first one's turn to end.
        if (err.status !== 503 || attempt >= 60 || token !== windowToken) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (token !== windowToken) return;
      }
    }
    if (token !== windowToken) return;
    onGraphMessage({ type: 'hello', graph: doc });
    showHistoryState('window', describeWindow(chosen));
    routersPanel.refresh();
  } catch (err) {
    if (token !== windowToken) return;
    showHistoryState('error', `${describeWindow(chosen)}: ${err.message}`);
  }
}

function backToLive() {
  windowToken++;
  stopPlayback();
  historyWindow = null;
  timeBar.clearSelection();
  writeUrlWindow(null);
  showHistoryState('live', 'live');
  connect(); // its hello re-syncs the graph with the present
  routersPanel.refresh();
}

function stopPlayback() {
  playedEdges.clear();
  playback = null;
  pager = null;
  playbackError = null;
  $('history-play').textContent = '▶ Play';
}

function ensurePlayback() {
  if (!historyWindow) return null;
  if (!playback) {
    playback = createPlayback({ ...historyWindow, speed: Number($('history-speed').value) });
    pager = createPager(getJson, { from: historyWindow.from, to: historyWindow.to, order: 'asc', limit: 1000 });
    flashes.clear();
  }
  return playback;
}

/** Loads the next page of the window's requests into the playback. */
function loadPage() {
  const forPlayback = playback;
  const forPager = pager;
  return forPager.next().then((rows) => {
    if (forPlayback !== playback) return;
    forPlayback.enqueue(rows.map(eventFromStoredRow));
    if (forPager.done) forPlayback.markExhausted();
  }).catch((err) => {
    if (forPlayback !== playback) return;
    playbackError = err;
    forPlayback.pause();
    showHistoryState('error', `${describeWindow(historyWindow)}: cannot play: ${err.message}`);
  });
}

function firePlayed(events) {
  if (!events.length) return;
  for (const event of events) {
    for (let h = 0; h + 1 < event.hops.length; h++) {
      const edge = model.edgeBetween(event.hops[h], event.hops[h + 1]);
      if (edge) playedEdges.set(edge.id, (playedEdges.get(edge.id) || 0) + 1);
    }
  }
  flashes.ingest(events, filter.acceptEvent);
  for (const event of events) recentEvents.push(event);
  if (!flashes.paused) panel.addEvents(events.filter(filter.acceptEvent));
  rateMeter.add(events.length);
  needsDraw = true;
}

function playFrame(now) {
  if (pager && playback.wantsMore() && !pager.loading && !playbackError) loadPage();
  firePlayed(playback.advance(now));
  if (now - lastPlaybackLabel > 200) {
    lastPlaybackLabel = now;
    $('history-play').textContent = playback.playing ? '❚❚ Pause' : '▶ Play';
    if (!playbackError) {
      const at = clockText(playback.clock);
      showHistoryState('window', `${describeWindow(historyWindow)} · ${playback.playing ? 'playing' : 'at'} ${at}`);
    }
  }
}

function togglePlay() {
  if (!ensurePlayback()) return;
  if (playback.playing) playback.pause();
  else {
    if (playback.finished) playedEdges.clear(); // it starts over
    playback.play(performance.now());
  }
  lastPlaybackLabel = 0;
}

async function stepPlayback() {
  if (!ensurePlayback()) return;
  playback.pause();
  if (playback.queued === 0 && !playback.exhausted && !playbackError) await loadPage();
  if (playback) firePlayed(playback.step());
  lastPlaybackLabel = 0;
}

const timeBar = createTimeBar({
  root: $('timebar'),
  canvas: $('timebar-canvas'),
  zoomIn: $('timebar-zoom-in'),
  zoomOut: $('timebar-zoom-out'),
  back: $('timebar-back'),
  forward: $('timebar-forward'),
  all: $('timebar-all'),
}, { getJson, onChoose: (chosen) => showWindow(chosen) });

$('history-play').addEventListener('click', togglePlay);
$('history-step').addEventListener('click', stepPlayback);
$('history-speed').addEventListener('change', () => {
  if (playback) playback.setSpeed(Number($('history-speed').value));
});
$('back-to-live').addEventListener('click', backToLive);

// ---------------------------------------------------------------- frame loop

/** Milliseconds spent per phase (exponentially smoothed): where the frame budget goes, for benchmarks. */
const timings = { layout: 0, flashes: 0, draw: 0, messages: 0 };
function timed(phase, fn) {
  const start = performance.now();
  const result = fn();
  timings[phase] = timings[phase] * 0.9 + (performance.now() - start) * 0.1;
  return result;
}

let lastCounterUpdate = 0;
let drawnStatsVersion = -1;
let drawnBandsVersion = -1;
let layoutMoved = false;
let lastLayoutRedraw = 0;
let lastStatsRedraw = 0;
let lastFrameError = 0;
function frame(now) {
  // Scheduled first: one bad frame (say, odd data from the server) must not stop the picture for good.
  requestAnimationFrame(frame);
  try {
    renderFrame(now);
  } catch (err) {
    if (now - lastFrameError > 5000) console.error('trafficviz: frame failed', err);
    lastFrameError = now;
  }
}

function renderFrame(now) {
  fps.tick(now);
  scene.now = now;
  if (structureDirty) applyStructure();
  if (timed('layout', () => layout.step(10))) layoutMoved = true;
  // While the layout runs, positions change every frame, but a big map costs more to redraw than a frame lasts:
  // take the new positions (map and comets together) at most every few map-redraw durations, so comets stay smooth
  // and the simulation gets the time to settle. A small map is still redrawn every frame.
  if (layoutMoved && (!layout.running || now - lastLayoutRedraw >= Math.min(250, 3 * renderer.stats.mapMs))) {
    layoutMoved = false;
    lastLayoutRedraw = now;
    scene.positionsVersion++;
    interaction.followGraph();
    invalidateMap();
  }
  // Edge colours, widths and labels follow the statistics, the rate bands the folded traffic; once a second is
  // plenty for those.
  const bandsChanged = flashes.bandsVersion !== drawnBandsVersion;
  if ((model.statsVersion !== drawnStatsVersion || bandsChanged) && now - lastStatsRedraw > 1000) {
    drawnStatsVersion = model.statsVersion;
    drawnBandsVersion = flashes.bandsVersion;
    lastStatsRedraw = now;
    invalidateMap();
  }
  if (playback) timed('messages', () => playFrame(now));
  if (timed('flashes', () => flashes.step(now))) needsDraw = true;
  if (scene.searchMatches.size) needsDraw = true; // the search ring pulses
  panel.tick(now);
  if (now - lastCounterUpdate > 250) {
    lastCounterUpdate = now;
    rateMeter.sample(now);
    showGraphCounters({ counter: $('counter'), rate: $('rate') }, flashes.counters, fps.value, rateMeter.perSecond);
  }
  if (needsDraw) {
    needsDraw = false;
    timed('draw', () => renderer.draw(scene));
  }
}

new ResizeObserver(() => {
  renderer.resize();
  interaction.followGraph();
  needsDraw = true;
}).observe(canvas);
renderer.resize();
requestAnimationFrame(frame);

// ---------------------------------------------------------------- firing alerts (GET /alerts)

const ALERTS_EVERY_MS = 5000;
let alertsDoc = { enabled: false, alerts: [] };
let alertRows = [];
let drawnBadges = '[[],[]]';
const alertList = createAlertList({
  chip: $('alerts-chip'),
  list: $('alerts-list'),
  onPick: (row) => {
    const node = row.nodeId && model.nodes.get(row.nodeId);
    const edge = row.edgeIds.length && model.edges.get(row.edgeIds[row.edgeIds.length - 1]);
    if (node) select({ type: 'node', node });
    else if (edge) select({ type: 'edge', edge });
  },
});

async function pollAlerts() {
  try {
    const response = await fetch('alerts', { cache: 'no-store' });
    if (response.ok) {
      alertsDoc = await response.json();
      applyAlerts();
    }
  } catch (err) {
    // The server is away: the socket's reconnection says so; ask again later.
  }
  setTimeout(pollAlerts, ALERTS_EVERY_MS);
}

/** The last /alerts answer onto the graph on screen (again after the graph changed: a hop may have appeared). */
function applyAlerts() {
  const marks = alertMarks(alertsDoc.alerts || [], model.edges);
  alertRows = marks.alerts;
  alertList.show(alertsDoc.enabled === true, alertRows);
  // The map layer is redrawn only when a badge changed: a big graph's map costs more than a poll.
  const badges = JSON.stringify([[...marks.nodes], [...marks.edges]]);
  if (badges === drawnBadges) return;
  drawnBadges = badges;
  scene.alertNodes = marks.nodes;
  scene.alertEdges = marks.edges;
  invalidateMap();
}

// ---------------------------------------------------------------- test & benchmark hooks

window.trafficviz = {
  /** What is on screen now. Node x/y are CSS pixels relative to the canvas's top-left corner. */
  snapshot() {
    const t = scene.transform;
    const rect = canvas.getBoundingClientRect();
    const c = flashes.counters;
    return {
      nodes: scene.nodes.filter(filter.isNodeVisible).map((node) => ({
        id: node.id,
        label: node.label,
        kind: node.kind,
        x: t.applyX(node.x),
        y: t.applyY(node.y),
        server: node.server,
        network: node.network,
        outsider: node.outsider === true,
        worldX: node.x,
        worldY: node.y,
      })),
      edges: scene.edges.filter(filter.isEdgeVisible).map((edge) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
      })),
      flashes: {
        started: { ok: c.startedOk, error: c.startedError },
        shown: c.startedOk + c.startedError,
        received: c.received + c.dropped,
        events: c.received,
        dropped: c.dropped,
        aggregated: c.aggregated,
        filtered: c.filtered,
        inFlight: flashes.inFlight,
      },
      fps: fps.value,
      paused: flashes.paused,
      selected: scene.selectedNode ? scene.selectedNode.id : scene.selectedEdge ? scene.selectedEdge.id : null,
      highlighted: [...scene.highlightEdges].map((edge) => edge.id),
      traced: tracedId === null ? null : {
        requestId: tracedId,
        edges: [...scene.traceEdges].map((edge) => edge.id),
        path: lastTrace && lastTrace.path,
        proxies: lastTrace ? lastTrace.proxies : [],
      },
      searchMatches: [...scene.searchMatches].map((node) => node.id),
      transform: { x: t.x, y: t.y, k: t.k },
      canvas: { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
      layoutRunning: layout.running,
      // map: the last redraw of the cached map layer, its rasterisation included (drawPhases are recording times).
      timingsMs: { ...timings, map: renderer.stats.mapMs, drawPhases: { ...renderer.phaseTimings } },
      mapRedraws: renderer.stats.mapRedraws,
      mapBands: renderer.stats.mapBands,
      // The badges drawn: node and edge ids with their worst firing severity, as the filters show them.
      alerts: {
        firing: alertRows.length,
        nodes: Object.fromEntries([...scene.alertNodes].filter(([id]) => {
          const node = model.nodes.get(id);
          return node && filter.isNodeVisible(node);
        })),
        edges: Object.fromEntries([...scene.alertEdges].filter(([id]) => {
          const edge = model.edges.get(id);
          return edge && filter.isEdgeVisible(edge);
        })),
      },
    };
  },
  /** Traces the request with this X-Request-Id (null ends it), as a click on its row or comet does. */
  traceRequest: (requestId) => traceRequest(requestId),
  /** Replaces the graph with a hello message or a bare /network_info document; stops the live connection. */
  injectGraph(doc) {
    disconnect();
    onGraphMessage(doc && doc.type === 'hello' ? doc : { type: 'hello', graph: doc });
  },
  /**
   * Applies a batch as /ws/graph sends it (docs/protocol.md: compact events referring to nodes by the `ix` of the
   * hello or an earlier batch, text in `strings`). Events may also be given already decoded, as objects.
   */
  injectBatch(message) {
    timed('messages', () => onGraphMessage({ type: 'batch', ...message }));
  },
  connect,
  disconnect,
  select(id) {
    const node = model.nodes.get(id);
    const edge = model.edges.get(id);
    select(node ? { type: 'node', node } : edge ? { type: 'edge', edge } : null);
  },
  fit: () => interaction.fitToView(false),
  setPaused,
  /** The link to this view (the URL, brought up to date first). */
  link: () => updateUrl(),
  /** Whether the view a link asked for has been applied (then the URL follows the view). */
  linkRestored: () => restore.done,
  /** The view as the link keeps it: {fx, fy, k} or null while following the graph. */
  linkedView: () => interaction.currentView(),
  /** The noise switch and what it hides ({hideNoise, requests, callers}). */
  noise: () => ({ hideNoise: filter.state.hideNoise, ...noiseIndex.hidden }),
  /** The export files' text: 'svg', 'edges-csv', 'edges-json'. */
  exportText(kind) {
    if (kind === 'svg') return graphSvgText();
    return edgesText(kind === 'edges-csv' ? 'csv' : 'json');
  },
  /** The PNG export as a data: URL. */
  async exportPng() {
    const png = await svgToPng(graphSvgText(), renderer.width, renderer.height + CAPTION_HEIGHT);
    return new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.readAsDataURL(png);
    });
  },
  /** The time bar and the shown window: what the strip holds, the window, the playback and each edge's count. */
  history() {
    return {
      mode: historyWindow ? 'window' : 'live',
      window: historyWindow,
      state: $('history-state').textContent,
      timeline: timeBar.state(),
      playback: playback && {
        playing: playback.playing, clock: playback.clock, fired: playback.fired, speed: playback.speed,
        finished: playback.finished, queued: playback.queued,
      },
      playedEdges: Object.fromEntries(playedEdges),
      inFlightEdges: [...new Set(flashes.comets.flatMap((comet) => comet.tracks.filter(Boolean).map((t) => t.edge.id)))],
      edgeRequests: Object.fromEntries([...model.edges.values()].map((edge) => [edge.id, edge.requests])),
      connected: connection !== null,
    };
  },
  showWindow: (from, to) => showWindow({ from, to }),
  backToLive,
  play(speed) {
    if (speed) {
      $('history-speed').value = String(speed);
      if (playback) playback.setSpeed(speed);
    }
    if (!ensurePlayback()) return;
    if (speed) playback.setSpeed(speed);
    if (!playback.playing) togglePlay();
  },
  pausePlayback: () => playback && playback.pause(),
  /**
   * Plays stored rows (as /history/requests gives them) over the graph on screen without the server: the same
   * scheduler and comets as Play, for BrowserBench's playback row.
   */
  injectPlayback(rows, from, to, speed = 1) {
    stopPlayback();
    disconnect();
    historyWindow = { from, to };
    showHistoryState('window', describeWindow(historyWindow));
    playback = createPlayback({ from, to, speed });
    playback.enqueue(rows.map(eventFromStoredRow));
    playback.markExhausted();
    playback.play(performance.now());
  },
  step: stepPlayback,
};

showSession(document.querySelector('.toolbar .actions'));
// A link with from/to opens that window (once the server says it keeps history); without history it shows live.
const pageParams = new URLSearchParams(window.location.search);
const linkedWindow = windowFromParams(pageParams);
timeBar.start().then((kept) => {
  if (linkedWindow && kept) showWindow(linkedWindow);
  else if (linkedWindow && !pageParams.has('offline')) connect();
});
if (!linkedWindow && !pageParams.has('offline')) connect();
if (!pageParams.has('offline')) pollAlerts();
else showConnectionStatus($('connection'), 'stopped');
