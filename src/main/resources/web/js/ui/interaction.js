// The graph canvas under the user's hands: zoom and pan, dragging nodes, hover with a tooltip, click to select, and
// fitting the view (automatically until the user navigates, or on request).
//
// It owns the view transform and the hover (it writes scene.transform, scene.hoverNode, scene.hoverEdge) and the
// "keep everything in view" flag; selection belongs to the page (`onSelect`), positions to the layout.

import { d3 } from '../lib/d3.js';
import { el } from '../lib/dom.js';
import { errorRatio, formatCount, formatMs, formatPercent, formatRate } from '../lib/format.js';
import { measureGroups } from '../layout/groups.js';
import { KIND_LABELS } from '../view/shapes.js';
import { createHitTester } from './hit-test.js';

/**
 * `elements`: {canvas, tooltip, panel, legend} (panel and legend: what covers the canvas when fitting);
 * `scene`: the page's scene (view/renderer-canvas.js); `renderer`: its size; `layout`: dragging and group boxes;
 * `isNodeVisible`: the filter; `onSelect(selection | null)`; `requestDraw()`: redraw the moving parts;
 * `invalidateMap()`: redraw the static picture too; `onViewChange()`: the zoom or pan changed (the URL follows it).
 */
export function createInteraction({
  elements, scene, renderer, layout, isNodeVisible, onSelect, requestDraw, invalidateMap, onViewChange = () => {},
  onTraceComet = () => {},
}) {
  const { canvas, tooltip } = elements;
  const hitTester = createHitTester();
  let autoFit = true; // until the user pans or zooms, keep the whole graph in view
  scene.transform = d3.zoomIdentity;

  // ---------------------------------------------------------------- zoom, drag

  const zoom = d3
    .zoom()
    .scaleExtent([0.03, 8])
    .on('zoom', (event) => {
      scene.transform = event.transform;
      if (event.sourceEvent) autoFit = false;
      hideTooltip();
      requestDraw();
      onViewChange();
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

  // ---------------------------------------------------------------- hover, click

  function cometAt(event) {
    if (!renderer.cometAt) return null;
    const rect = canvas.getBoundingClientRect();
    const [x, y] = toWorld(event.clientX - rect.left, event.clientY - rect.top);
    return renderer.cometAt(scene, x, y, scene.transform.k);
  }

  function pick(event) {
    const rect = canvas.getBoundingClientRect();
    const [x, y] = toWorld(event.clientX - rect.left, event.clientY - rect.top);
    const k = scene.transform.k;
    const node = hitTester.nodeAt(scene, x, y, k);
    return { node, edge: node ? null : hitTester.edgeAt(scene, x, y, k) };
  }

  canvas.addEventListener('click', (event) => {
    const { node, edge } = pick(event);
    // A comet with a request id, on its way along an edge, is what the user aimed at rather than the edge under it.
    const comet = node ? null : cometAt(event);
    if (comet) onTraceComet(comet);
    else if (node) onSelect({ type: 'node', node });
    else if (edge) onSelect({ type: 'edge', edge });
    else onSelect(null);
  });

  canvas.addEventListener('pointermove', (event) => {
    if (event.buttons) return;
    const { node, edge } = pick(event);
    if (node !== scene.hoverNode || edge !== scene.hoverEdge) {
      scene.hoverNode = node;
      scene.hoverEdge = edge;
      requestDraw();
    }
    canvas.style.cursor = node || edge ? 'pointer' : '';
    if (node || edge) showTooltip(event, node, edge);
    else hideTooltip();
  });
  canvas.addEventListener('pointerleave', () => {
    scene.hoverNode = null;
    scene.hoverEdge = null;
    hideTooltip();
    requestDraw();
  });

  /** Every value goes in as text (lib/dom.js): labels come from logs. */
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
    const { panel, legend } = elements;
    const areaWidth = renderer.width - (panel.hidden ? 0 : panel.offsetWidth);
    const areaHeight = renderer.height - (legend.hidden ? 0 : legend.offsetHeight + 12);
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
    const visible = nodes.filter((node) => isNodeVisible(node) && Number.isFinite(node.x));
    if (!visible.length) return;
    const [x0, x1] = d3.extent(visible, (n) => n.x);
    const [y0, y1] = d3.extent(visible, (n) => n.y);
    const pad = 90; // room for labels around the outermost nodes
    fitToBox(x0 - pad, y0 - pad, x1 + pad, y1 + pad, animate, maxScale);
  }

  /** Everything visible, group boxes and labels included. */
  function fitToView(animate) {
    const groups = measureGroups(layout.groups, isNodeVisible).filter((server) => server.visible);
    if (!groups.length) return;
    fitToBox(d3.min(groups, (g) => g.x0), d3.min(groups, (g) => g.y0), d3.max(groups, (g) => g.x1),
      d3.max(groups, (g) => g.y1), animate, 1.6);
  }

  /** The panel covers the right of the canvas: slide the view if the selected thing ended up under it. */
  function keepVisibleBesidePanel(node) {
    const panelWidth = elements.panel.offsetWidth;
    const x = scene.transform.applyX(node.x);
    const limit = renderer.width - panelWidth - 60;
    if (x <= limit) return;
    autoFit = false;
    d3.select(canvas).transition().duration(400).call(zoom.translateBy, (limit - x - 40) / scene.transform.k, 0);
  }

  /** The world rectangle of everything visible (group boxes and labels included), or null before any position. */
  function extent() {
    const groups = measureGroups(layout.groups, isNodeVisible).filter((server) => server.visible);
    if (!groups.length) return null;
    return { x0: d3.min(groups, (g) => g.x0), y0: d3.min(groups, (g) => g.y0), x1: d3.max(groups, (g) => g.x1),
      y1: d3.max(groups, (g) => g.y1) };
  }

  return {
    fitToView,
    /**
     * The view as a link keeps it (model/view-state.js): the screen's centre as fractions of the graph's extent,
     * and the zoom; null while the view follows the graph by itself.
     */
    currentView() {
      const box = extent();
      if (autoFit || !box) return null;
      const [cx, cy] = toWorld(renderer.width / 2, renderer.height / 2);
      return { fx: (cx - box.x0) / (box.x1 - box.x0 || 1), fy: (cy - box.y0) / (box.y1 - box.y0 || 1), k: scene.transform.k };
    },
    /** Shows a view from currentView() (from a link): the automatic fit stops, as if the user had navigated. */
    showView({ fx, fy, k }) {
      const box = extent();
      if (!box) return false;
      autoFit = false;
      const cx = box.x0 + fx * (box.x1 - box.x0);
      const cy = box.y0 + fy * (box.y1 - box.y0);
      const transform = d3.zoomIdentity.translate(renderer.width / 2, renderer.height / 2).scale(k).translate(-cx, -cy);
      d3.select(canvas).interrupt().call(zoom.transform, transform);
      return true;
    },
    /** Centres on some nodes (search hits); the user navigated, so the automatic fit stops. */
    focusNodes(nodes, animate, maxScale) {
      autoFit = false;
      fitToNodes(nodes, animate, maxScale);
    },
    /** The graph grew, moved or the canvas was resized: fit it again unless the user took over the view. */
    followGraph() {
      if (autoFit) fitToView(false);
    },
    /** Fit button, relayout: keep everything in view again. */
    resumeAutoFit() {
      autoFit = true;
    },
    keepVisibleBesidePanel,
    /** The nodes, edges or filters changed: the pointer's index is rebuilt when next needed. */
    invalidateHits() {
      hitTester.invalidate();
    },
  };
}
