// The graph page: wires the model, layout, renderer, flashes, panel and filters together and runs the frame loop.

import { GraphModel } from '../model/graph-model.js';
import { createLayout } from '../layout/layout.js';
import { createRenderer } from '../view/renderer-canvas.js';
import { createFlashes } from '../anim/flashes.js';
import { createHitTester } from '../ui/hit-test.js';
import { createPanel } from '../view/panel.js';
import { createFilters } from '../model/filters.js';
import { renderLegend } from '../view/legend.js';
import { connectReconnecting, socketUrl } from '../net/ws.js';
import { createNodeTable, decodeEdges, decodeEvents, decodeFolded } from '../net/wire.js';
import { applyStoredTheme, readPalette, toggleTheme } from '../view/theme.js';
import { Ring } from '../model/ring.js';
import { el } from '../lib/dom.js';
import { errorRatio, formatCount, formatMs, formatPercent, formatRate } from '../lib/format.js';
import { KIND_LABELS } from '../view/shapes.js';
import { measureGroups } from '../layout/groups.js';

const d3 = window.d3;
const RECENT_EVENTS = 5000; // what a freshly opened panel can show from the past

applyStoredTheme();

const $ = (id) => document.getElementById(id);
const canvas = $('graph');
const tooltip = $('tooltip');

const model = new GraphModel();
const nodeTable = createNodeTable(); // the stream's node indexes (ix) -> node descriptions
const flashes = createFlashes({ model });
const hitTester = createHitTester();
const renderer = createRenderer(canvas);
const recentEvents = new Ring(RECENT_EVENTS);
let needsDraw = true;
let autoFit = true; // until the user pans or zooms, keep the whole graph in view

const layout = createLayout({
  aspectRatio: () => renderer.width / Math.max(1, renderer.height),
  onSettled: () => {
    needsDraw = true;
    if (autoFit) fitToView(false);
  },
});

const scene = {
  nodes: [],
  edges: [],
  groups: [],
  transform: d3.zoomIdentity,
  palette: readPalette(),
  flashes,
  isNodeVisible: () => true,
  isEdgeVisible: () => true,
  selectedNode: null,
  selectedEdge: null,
  hoverNode: null,
  hoverEdge: null,
  highlightEdges: new Set(),
  searchMatches: new Set(),
  now: 0,
  positionsVersion: 0,
  /** Bumped whenever the static picture (boxes, edges, nodes, labels) must be redrawn. */
  mapVersion: 0,
};

/** The static picture changed: redraw it on the next frame. */
function invalidateMap() {
  scene.mapVersion++;
  needsDraw = true;
}

// ---------------------------------------------------------------- filters & search

const filters = createFilters(
  {
    server: $('filter-server'),
    network: $('filter-network'),
    statusButtons: [...document.querySelectorAll('[data-status]')],
    search: $('search'),
  },
  {
    onChange: () => {
      hitTester.invalidate();
      if (scene.selectedNode && !filters.isNodeVisible(scene.selectedNode)) select(null);
      invalidateMap();
    },
    onSearch: (text, submit) => search(text, submit),
  },
);
scene.isNodeVisible = filters.isNodeVisible;
scene.isEdgeVisible = filters.isEdgeVisible;

let searchTimer = null;
function search(text, submit) {
  const needle = text.toLowerCase();
  const matches = needle
    ? scene.nodes.filter((node) => filters.isNodeVisible(node) &&
        (String(node.label).toLowerCase().includes(needle) || node.id.toLowerCase().includes(needle)))
    : [];
  scene.searchMatches = new Set(matches);
  $('search-count').textContent = needle ? `${matches.length} match${matches.length === 1 ? '' : 'es'}` : '';
  needsDraw = true;
  clearTimeout(searchTimer);
  if (!matches.length) return;
  // Centre on the hits: at once on Enter, after a pause in typing otherwise.
  searchTimer = setTimeout(() => {
    autoFit = false; // the user navigated: stop re-fitting the whole graph
    fitToNodes(matches, true, 2);
    if (matches.length === 1 && submit) select({ type: 'node', node: matches[0] });
  }, submit ? 0 : 450);
}

// ---------------------------------------------------------------- panel & selection

const panel = createPanel($('panel'), {
  model,
  onHoverEvent: (event) => {
    if (!event) scene.highlightEdges = new Set();
    else scene.highlightEdges = new Set((event.edges || model.edgesOfEvent(event)).filter(Boolean));
    needsDraw = true;
  },
  onSelect: (selection) => select(selection),
  onClose: () => select(null),
});

function select(selection) {
  scene.selectedNode = selection && selection.type === 'node' ? selection.node : null;
  scene.selectedEdge = selection && selection.type === 'edge' ? selection.edge : null;
  scene.highlightEdges = new Set();
  document.body.classList.toggle('panel-open', !!selection);
  panel.show(selection, { lastMatching: (match, limit) => recentEvents.lastMatching((e) => filters.acceptEvent(e) && match(e), limit) });
  invalidateMap(); // the selection's edges get labels
  if (selection) keepVisibleBesidePanel(selection.node || selection.edge.targetNode);
}

/** The panel covers the right of the canvas: slide the view if the selected thing ended up under it. */
function keepVisibleBesidePanel(node) {
  const panelWidth = $('panel').offsetWidth;
  const x = scene.transform.applyX(node.x);
  const limit = renderer.width - panelWidth - 60;
  if (x <= limit) return;
  autoFit = false;
  d3.select(canvas).transition().duration(400).call(zoom.translateBy, (limit - x - 40) / scene.transform.k, 0);
}

// ---------------------------------------------------------------- zoom, drag, hover, click

const zoom = d3
  .zoom()
  .scaleExtent([0.03, 8])
  .on('zoom', (event) => {
    scene.transform = event.transform;
    if (event.sourceEvent) autoFit = false;
    hideTooltip();
    needsDraw = true;
  });

const toWorld = (sx, sy) => scene.transform.invert([sx, sy]);

const drag = d3
  .drag()
  .container(canvas)
  .subject((event) => {
    const [x, y] = toWorld(event.x, event.y);
    const node = hitTester.nodeAt(scene, x, y, scene.transform.k);
    return node ? { node, x: event.x, y: event.y } : null;
  })
  .on('start', () => {
    // The user is arranging the picture: re-fitting when the layout settles would move what they just placed.
    autoFit = false;
    canvas.classList.add('dragging');
  })
  .on('drag', (event) => {
    const [x, y] = toWorld(event.x, event.y);
    layout.dragTo(event.subject.node, x, y);
    scene.positionsVersion++;
    invalidateMap();
  })
  .on('end', (event) => {
    canvas.classList.remove('dragging');
    layout.release(event.subject.node);
  });

// Drag first: it claims the gesture when it starts on a node, otherwise the zoom pans.
d3.select(canvas).call(drag).call(zoom).on('dblclick.zoom', null);

function pick(event) {
  const rect = canvas.getBoundingClientRect();
  const [x, y] = toWorld(event.clientX - rect.left, event.clientY - rect.top);
  const k = scene.transform.k;
  const node = hitTester.nodeAt(scene, x, y, k);
  return { node, edge: node ? null : hitTester.edgeAt(scene, x, y, k) };
}

canvas.addEventListener('click', (event) => {
  const { node, edge } = pick(event);
  if (node) select({ type: 'node', node });
  else if (edge) select({ type: 'edge', edge });
  else select(null);
});

canvas.addEventListener('pointermove', (event) => {
  if (event.buttons) return;
  const { node, edge } = pick(event);
  if (node !== scene.hoverNode || edge !== scene.hoverEdge) {
    scene.hoverNode = node;
    scene.hoverEdge = edge;
    needsDraw = true;
  }
  canvas.style.cursor = node || edge ? 'pointer' : '';
  if (node || edge) showTooltip(event, node, edge);
  else hideTooltip();
});
canvas.addEventListener('pointerleave', () => {
  scene.hoverNode = null;
  scene.hoverEdge = null;
  hideTooltip();
  needsDraw = true;
});

function showTooltip(event, node, edge) {
  const lines = [];
  if (node) {
    lines.push(el('strong', {}, node.label));
    lines.push(el('div', { class: 'muted' }, `${KIND_LABELS[node.kind] || node.kind} · ${node.server} / ${node.network || '—'}`));
    let inRate = 0, outRate = 0;
    for (const e of scene.edges) {
      if (e.targetNode === node) inRate += Number(e.ratePerSec) || 0;
      if (e.sourceNode === node) outRate += Number(e.ratePerSec) || 0;
    }
    lines.push(el('div', {}, `in ${formatRate(inRate)} · out ${formatRate(outRate)}`));
  } else {
    lines.push(el('strong', {}, `${edge.sourceNode.label} → ${edge.targetNode.label}`));
    lines.push(el('div', {}, `${formatRate(Number(edge.ratePerSec) || 0)} · ${formatCount(Number(edge.requests) || 0)} requests`));
    const ratio = errorRatio(edge);
    lines.push(el('div', { class: ratio > 0 ? 'bad' : '' }, `${formatPercent(ratio)} errors · p95 ${formatMs(edge.p95Ms)}`));
  }
  lines.push(el('div', { class: 'muted small' }, 'click for details'));
  tooltip.replaceChildren(...lines);
  tooltip.hidden = false;
  const x = Math.min(event.clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
  const y = Math.min(event.clientY + 14, window.innerHeight - tooltip.offsetHeight - 8);
  tooltip.style.transform = `translate(${x}px, ${y}px)`;
}

function hideTooltip() {
  tooltip.hidden = true;
}

// ---------------------------------------------------------------- fitting the view

/** Zooms so that the world rectangle fits the part of the canvas not covered by the side panel or the legend. */
function fitToBox(x0, y0, x1, y1, animate, maxScale) {
  if (!Number.isFinite(x0) || renderer.width < 10) return;
  const panelEl = $('panel');
  const legendEl = $('legend');
  const areaWidth = renderer.width - (panelEl.hidden ? 0 : panelEl.offsetWidth);
  const areaHeight = renderer.height - (legendEl.hidden ? 0 : legendEl.offsetHeight + 12);
  const margin = 24;
  const k = Math.min(maxScale, (areaWidth - margin * 2) / (x1 - x0 || 1), (areaHeight - margin * 2) / (y1 - y0 || 1));
  const transform = d3.zoomIdentity
    .translate(areaWidth / 2, areaHeight / 2)
    .scale(Math.max(0.03, k))
    .translate(-(x0 + x1) / 2, -(y0 + y1) / 2);
  const target = d3.select(canvas);
  if (animate) target.transition().duration(500).call(zoom.transform, transform);
  else target.call(zoom.transform, transform);
}

function fitToNodes(nodes, animate, maxScale = 1.6) {
  const visible = nodes.filter((node) => filters.isNodeVisible(node) && Number.isFinite(node.x));
  if (!visible.length) return;
  const [x0, x1] = d3.extent(visible, (n) => n.x);
  const [y0, y1] = d3.extent(visible, (n) => n.y);
  const pad = 90; // room for labels around the outermost nodes
  fitToBox(x0 - pad, y0 - pad, x1 + pad, y1 + pad, animate, maxScale);
}

/** Everything visible, group boxes and labels included. */
function fitToView(animate) {
  const groups = measureGroups(layout.groups, filters.isNodeVisible).filter((server) => server.visible);
  if (!groups.length) return;
  fitToBox(d3.min(groups, (g) => g.x0), d3.min(groups, (g) => g.y0), d3.max(groups, (g) => g.x1),
    d3.max(groups, (g) => g.y1), animate, 1.6);
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
    if (structureDirty) applyStructure(); // new nodes must exist before their requests animate
    flashes.ingest(events, filters.acceptEvent);
    const folded = decodeFolded(message, nodeTable);
    if (folded.length) flashes.ingestFolded(folded);
    for (const event of events) recentEvents.push(event);
    if (!flashes.paused) panel.addEvents(events.filter(filters.acceptEvent));
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
  filters.updateOptions(model);
  hitTester.invalidate();
  invalidateMap();
  $('empty-state').hidden = scene.nodes.length > 0;
  if (autoFit) fitToView(false);
}

const rateMeter = {
  count: 0,
  since: performance.now(),
  perSecond: 0,
  add(n) {
    this.count += n;
  },
  sample(now) {
    const elapsed = now - this.since;
    if (elapsed < 1000) return;
    this.perSecond = (this.count * 1000) / elapsed;
    this.count = 0;
    this.since = now;
  },
};

let connection = null;
function connect() {
  if (connection) return;
  connection = connectReconnecting(socketUrl('ws/graph'), {
    onMessage: (message) => timed('messages', () => onGraphMessage(message)),
    onStatus: (status) => setConnectionStatus(status),
  });
}
function disconnect() {
  if (connection) connection.stop();
  connection = null;
}

function setConnectionStatus(status) {
  const badge = $('connection');
  const text = { connecting: 'connecting…', open: 'live', closed: 'reconnecting…', stopped: 'offline' }[status] || status;
  badge.textContent = text;
  badge.dataset.status = status;
}

// ---------------------------------------------------------------- toolbar

const pauseButton = $('pause');
function setPaused(paused) {
  flashes.setPaused(paused);
  pauseButton.textContent = paused ? '▶ Resume' : '❚❚ Pause';
  pauseButton.setAttribute('aria-pressed', String(paused));
  document.body.classList.toggle('paused', paused);
}
pauseButton.addEventListener('click', () => setPaused(!flashes.paused));
$('fit').addEventListener('click', () => {
  autoFit = true;
  fitToView(true);
});
$('relayout').addEventListener('click', () => {
  autoFit = true;
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
document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (event.key === 'Escape') select(null);
  if (event.key === ' ' || event.key === 'p') {
    event.preventDefault();
    setPaused(!flashes.paused);
  }
  if (event.key === '/') {
    event.preventDefault();
    $('search').focus();
  }
});
renderLegend($('legend'), scene.palette);

function updateCounter() {
  const c = flashes.counters;
  const shown = c.startedOk + c.startedError;
  const total = c.received + c.dropped;
  $('counter').textContent = `showing ${formatCount(shown)} of ${formatCount(total)} requests`;
  $('counter').title =
    `${shown} requests animated individually (${c.startedError} failed).\n` +
    `${c.aggregated} successful requests folded into particle streams on busy edges.\n` +
    `${c.filtered} hidden by filters; ${c.dropped} not sent by the server (client too slow).\n` +
    `${fps.value} frames/s.`;
  $('rate').textContent = formatRate(rateMeter.perSecond);
}

// ---------------------------------------------------------------- frame loop

const fps = {
  frames: [],
  value: 0,
  tick(now) {
    this.frames.push(now);
    while (this.frames.length && now - this.frames[0] > 1000) this.frames.shift();
    this.value = this.frames.length;
  },
};

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
    if (autoFit) fitToView(false);
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
  if (timed('flashes', () => flashes.step(now))) needsDraw = true;
  if (scene.searchMatches.size) needsDraw = true; // the search ring pulses
  panel.tick(now);
  if (now - lastCounterUpdate > 250) {
    lastCounterUpdate = now;
    rateMeter.sample(now);
    updateCounter();
  }
  if (needsDraw) {
    needsDraw = false;
    timed('draw', () => renderer.draw(scene));
  }
}

new ResizeObserver(() => {
  renderer.resize();
  if (autoFit) fitToView(false);
  needsDraw = true;
}).observe(canvas);
renderer.resize();
requestAnimationFrame(frame);

// ---------------------------------------------------------------- test & benchmark hooks

window.trafficviz = {
  /** What is on screen now. Node x/y are CSS pixels relative to the canvas's top-left corner. */
  snapshot() {
    const t = scene.transform;
    const rect = canvas.getBoundingClientRect();
    const c = flashes.counters;
    return {
      nodes: scene.nodes.filter(filters.isNodeVisible).map((node) => ({
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
      edges: scene.edges.filter(filters.isEdgeVisible).map((edge) => ({
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
      searchMatches: [...scene.searchMatches].map((node) => node.id),
      transform: { x: t.x, y: t.y, k: t.k },
      canvas: { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
      layoutRunning: layout.running,
      // map: the last redraw of the cached map layer, its rasterisation included (drawPhases are recording times).
      timingsMs: { ...timings, map: renderer.stats.mapMs, drawPhases: { ...renderer.phaseTimings } },
      mapRedraws: renderer.stats.mapRedraws,
      mapBands: renderer.stats.mapBands,
    };
  },
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
  fit: () => fitToView(false),
  setPaused,
};

if (!new URLSearchParams(window.location.search).has('offline')) connect();
else setConnectionStatus('stopped');
