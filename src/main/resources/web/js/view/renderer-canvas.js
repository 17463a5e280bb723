// Draws the whole picture on one <canvas>: group boxes, edges with arrowheads, nodes, labels, request comets.
//
// Two layers, because at 20k requests/s only the comets change every frame:
//  * the "map" (boxes, edges, nodes, labels) is drawn into an offscreen canvas, and redrawn only when the view,
//    the layout, the filters or the statistics change (scene.mapVersion);
//  * every frame copies the map and draws the moving parts on top: comets, bursts, highlights, selection.
// Within a layer, everything of one style goes into one Path2D and is stroked/filled once, so thousands of edges
// cost a handful of draw calls. Labels are culled to the viewport and skipped when too small to read.

import { edgeSegment, nodeRadius } from '../lib/geometry.js';
import { LABEL_FONT_SIZE, labelSide, labelText, measureGroups } from '../layout/groups.js';
import { addNodeShape } from './shapes.js';
import { createFlashRenderer } from './flash-render.js';
import { errorRatio, escapeInvisible, formatMs, formatPercent, formatRate } from '../lib/format.js';

const KINDS_BACK_TO_FRONT = ['unrecognised', 'external', 'service', 'gateway', 'proxy'];
const MAX_EDGE_LABELS = 300;
const EDGE_LABEL_MIN_ZOOM = 1.2;
/**
 * Busier edges are thicker: 1, 1.6, 2.4 and 3.4 screen pixels by traffic bucket, each drawn as parallel hairlines
 * (offsets in screen pixels from the centre line). A hairline (≤ 1 device pixel) is rasterised segment by segment;
 * a wider stroke of thousands of crossing edges goes through antialiased path filling, whose cost grows with the
 * edges crossing each scanline: 3,000 edges at 2.4 px cost ~80 ms on a software canvas, as two hairlines ~15 ms.
 */
const EDGE_STRANDS = [[0], [-0.3, 0.3], [-0.5, 0.5], [-1, 0, 1]];

/** Error bucket of an edge: calm (<1% errors), some errors (<10%), many errors, failing (≥50%). */
export function edgeColorBucket(edge) {
  const ratio = errorRatio(edge);
  if (ratio < 0.01) return 0;
  if (ratio < 0.1) return 1;
  if (ratio < 0.5) return 2;
  return 3;
}

/** Busier edges are thicker (log scale). */
function edgeWidthBucket(edge) {
  const rate = Number(edge.ratePerSec) || 0;
  if (rate < 0.2) return 0;
  if (rate < 2) return 1;
  if (rate < 20) return 2;
  return 3;
}

export function createRenderer(canvas) {
  const screen = canvas.getContext('2d', { alpha: false });
  const mapCanvas = document.createElement('canvas');
  const map = mapCanvas.getContext('2d', { alpha: false });
  let cssWidth = 0;
  let cssHeight = 0;
  let pixelRatio = 1;
  let drawnMapKey = '';
  const phaseTimings = {};
  // mapMs: what the last map redraw cost, rasterisation included (the frame loop paces layout redraws by it);
  // mapBands: how many rate bands the map layer shows.
  const stats = { mapRedraws: 0, mapMs: 0, mapBands: 0 };
  const flashRenderer = createFlashRenderer();

  /** Smoothed milliseconds per drawing phase, exposed for benchmarks. */
  function phase(name, fn) {
    const start = performance.now();
    fn();
    phaseTimings[name] = (phaseTimings[name] || 0) * 0.9 + (performance.now() - start) * 0.1;
  }

  function resize() {
    const rect = canvas.getBoundingClientRect();
    pixelRatio = Math.min(window.devicePixelRatio || 1, 2);
    cssWidth = Math.max(1, rect.width);
    cssHeight = Math.max(1, rect.height);
    canvas.width = mapCanvas.width = Math.round(cssWidth * pixelRatio);
    canvas.height = mapCanvas.height = Math.round(cssHeight * pixelRatio);
    drawnMapKey = '';
  }

  /**
   * `scene`: {nodes, edges, groups, transform, palette, flashes (anim/flashes.js, read only), isNodeVisible,
   * isEdgeVisible, selectedNode, selectedEdge, hoverNode, hoverEdge, highlightEdges:Set, searchMatches:Set, now,
   * positionsVersion, mapVersion}
   */
  function draw(scene) {
    const t = scene.transform;
    const k = t.k;
    const view = {
      x0: -t.x / k - 40 / k,
      y0: -t.y / k - 40 / k,
      x1: (cssWidth - t.x) / k + 40 / k,
      y1: (cssHeight - t.y) / k + 40 / k,
    };
    const frame = { scene, colors: scene.palette, k, px: (n) => n / k, view,
      inView: (x, y) => x >= view.x0 && x <= view.x1 && y >= view.y0 && y <= view.y1 };

    const mapKey = `${scene.mapVersion}|${t.x}|${t.y}|${k}|${canvas.width}|${canvas.height}`;
    const mapStart = mapKey !== drawnMapKey ? performance.now() : -1;
    if (mapStart >= 0) {
      drawnMapKey = mapKey;
      stats.mapRedraws++;
      clear(map, frame);
      phase('groups', () => drawGroups(map, frame));
      phase('edges', () => drawEdges(map, frame));
      // Rate bands under folded streams change a few times a second at most: part of the map, not of every frame.
      phase('bands', () => {
        stats.mapBands = flashRenderer.drawBands(map, k, scene.flashes, frame.colors, scene.isNodeVisible,
          scene.positionsVersion);
      });
      phase('nodes', () => drawNodes(map, frame));
      phase('outsiders', () => drawOutsiders(map, frame));
      phase('alerts', () => drawAlertBadges(map, frame));
      phase('labels', () => drawNodeLabels(map, frame));
      phase('edgeLabels', () => drawEdgeLabels(map, frame));
    }

    screen.setTransform(1, 0, 0, 1, 0, 0);
    // Canvas drawing is recorded and rasterised later: a redrawn map is rasterised here, when it is first copied.
    phase('copy', () => screen.drawImage(mapCanvas, 0, 0));
    if (mapStart >= 0) stats.mapMs = performance.now() - mapStart;
    toWorld(screen, t);
    phase('highlights', () => drawHighlights(screen, frame));
    const flashView = { k, x: t.x, y: t.y, ratio: pixelRatio, width: canvas.width, height: canvas.height };
    phase('flashes', () => flashRenderer.draw(screen, flashView, scene.flashes, frame.colors, scene.isNodeVisible,
      scene.positionsVersion));
    phase('focus', () => drawFocus(screen, frame));
  }

  function clear(g, { colors, scene }) {
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = colors.background;
    g.fillRect(0, 0, mapCanvas.width, mapCanvas.height);
    toWorld(g, scene.transform);
  }

  function toWorld(g, t) {
    g.setTransform(pixelRatio * t.k, 0, 0, pixelRatio * t.k, pixelRatio * t.x, pixelRatio * t.y);
  }

  function drawGroups(g, { scene, colors, k, px }) {
    const groups = measureGroups(scene.groups, scene.isNodeVisible);
    for (const server of groups) {
      if (!server.visible) continue;
      g.beginPath();
      g.roundRect(server.x0, server.y0, server.x1 - server.x0, server.y1 - server.y0, 10);
      g.fillStyle = colors.serverFill;
      g.fill();
      g.lineWidth = px(1.5);
      g.strokeStyle = colors.serverStroke;
      g.stroke();
      for (const network of server.networks) {
        if (!network.visible) continue;
        g.beginPath();
        g.roundRect(network.x0, network.y0, network.x1 - network.x0, network.y1 - network.y0, 8);
        g.fillStyle = colors.networkFill;
        g.fill();
        g.setLineDash([px(5), px(4)]);
        g.lineWidth = px(1);
        g.strokeStyle = colors.networkStroke;
        g.stroke();
        g.setLineDash([]);
      }
    }
    // Titles after all boxes, so a box never covers a neighbour's title.
    g.textBaseline = 'top';
    g.textAlign = 'left';
    for (const server of groups) {
      if (!server.visible) continue;
      const boxScreenWidth = (server.x1 - server.x0) * k;
      if (boxScreenWidth < 50) continue;
      // Server titles keep a readable screen size at every zoom: they are the map's landmarks.
      const size = Math.max(13, Math.min(15, 13 * k));
      g.font = `600 ${px(size)}px system-ui, sans-serif`;
      g.fillStyle = colors.text;
      g.fillText(fitText('▣ ' + server.name, boxScreenWidth / (size * 0.62)), server.x0 + px(10), server.y0 + px(8));
      if (k < 0.3) continue;
      const netSize = Math.max(10, Math.min(12, 11 * k));
      g.font = `${px(netSize)}px system-ui, sans-serif`;
      g.fillStyle = colors.muted;
      for (const network of server.networks) {
        if (!network.visible) continue;
        const width = (network.x1 - network.x0) * k;
        if (width < 40) continue;
        g.fillText(fitText('⌁ ' + (network.name || '(no network)'), width / (netSize * 0.62)),
          network.x0 + px(8), network.y0 + px(6));
      }
    }
  }

  function drawEdges(g, { scene, colors, k, px, view }) {
    const bucketColors = [colors.edge, colors.edgeWarn, colors.edgeBad, colors.edgeFailing];
    const lines = [];
    const heads = [];
    for (let c = 0; c < 4; c++) {
      heads.push(new Path2D());
      for (let w = 0; w < 4; w++) lines.push(new Path2D());
    }
    const segment = {};
    const arrow = arrowSize(k);
    for (const edge of scene.edges) {
      if (!scene.isEdgeVisible(edge)) continue;
      const s = edge.sourceNode;
      const d = edge.targetNode;
      if ((s.x < view.x0 && d.x < view.x0) || (s.x > view.x1 && d.x > view.x1) ||
          (s.y < view.y0 && d.y < view.y0) || (s.y > view.y1 && d.y > view.y1)) continue;
      const colorBucket = edgeColorBucket(edge);
      const widthBucket = edgeWidthBucket(edge);
      edgeSegment(s, d, edge.hasReverse, segment);
      const line = lines[colorBucket * 4 + widthBucket];
      const endX = segment.x2 - segment.ux * arrow * 0.8;
      const endY = segment.y2 - segment.uy * arrow * 0.8;
      for (const strand of EDGE_STRANDS[widthBucket]) {
        const ox = -segment.uy * strand / k;
        const oy = segment.ux * strand / k;
        line.moveTo(segment.x1 + ox, segment.y1 + oy);
        line.lineTo(endX + ox, endY + oy);
      }
      addArrowhead(heads[colorBucket], segment, arrow * (1 + widthBucket * 0.12));
    }
    g.lineCap = 'butt';
    // A thousand edges seen from afar are a texture, not lines: tone them down so nodes and comets stay readable.
    const alpha = scene.edges.length > 400 ? Math.max(0.35, Math.min(1, 0.2 + k)) : 1;
    g.lineWidth = px(1);
    for (let c = 0; c < 4; c++) {
      g.strokeStyle = bucketColors[c];
      g.fillStyle = bucketColors[c];
      for (let w = 0; w < 4; w++) {
        // Strands of one edge overlap: each gets the alpha that makes n of them as opaque as one wide stroke.
        g.globalAlpha = 1 - Math.pow(1 - alpha, 1 / EDGE_STRANDS[w].length);
        g.stroke(lines[c * 4 + w]);
      }
      g.globalAlpha = alpha;
      g.fill(heads[c]);
    }
    g.globalAlpha = 1;
  }

  /**
   * Edges the user is looking at: hovered, selected, crossed by the request under the pointer in the panel, or by
   * the traced request (every hop of one X-Request-Id).
   */
  function drawHighlights(g, { scene, colors, k, px }) {
    const highlighted = new Set(scene.highlightEdges);
    if (scene.traceEdges) for (const edge of scene.traceEdges) highlighted.add(edge);
    if (scene.selectedEdge) highlighted.add(scene.selectedEdge);
    if (scene.hoverEdge) highlighted.add(scene.hoverEdge);
    if (!highlighted.size) return;
    const segment = {};
    const line = new Path2D();
    const head = new Path2D();
    const arrow = arrowSize(k) * 1.3;
    for (const edge of highlighted) {
      if (!scene.isEdgeVisible(edge)) continue;
      edgeSegment(edge.sourceNode, edge.targetNode, edge.hasReverse, segment);
      line.moveTo(segment.x1, segment.y1);
      line.lineTo(segment.x2 - segment.ux * arrow * 0.8, segment.y2 - segment.uy * arrow * 0.8);
      addArrowhead(head, segment, arrow);
    }
    g.lineCap = 'round';
    g.strokeStyle = colors.accent;
    g.fillStyle = colors.accent;
    g.lineWidth = px(3.5);
    g.stroke(line);
    g.fill(head);
  }

  function arrowSize(k) {
    return Math.min(9, Math.max(4, 7 * Math.sqrt(k))) / k;
  }

  function addArrowhead(path, segment, size) {
    const { x2, y2, ux, uy } = segment;
    const baseX = x2 - ux * size;
    const baseY = y2 - uy * size;
    const half = size * 0.5;
    // Filled only, so the subpath closes itself: Path2D.closePath costs time proportional to the whole path in
    // Chromium (3,000 arrowheads in one path: 30 ms).
    path.moveTo(x2, y2);
    path.lineTo(baseX - uy * half, baseY + ux * half);
    path.lineTo(baseX + uy * half, baseY - ux * half);
  }

  function drawNodes(g, { scene, colors, px, inView }) {
    const byKind = new Map(KINDS_BACK_TO_FRONT.map((kind) => [kind, new Path2D()]));
    for (const node of scene.nodes) {
      if (!scene.isNodeVisible(node) || !inView(node.x, node.y)) continue;
      addNodeShape(byKind.get(node.kind) || byKind.get('unrecognised'), node.kind, node.x, node.y, nodeRadius(node));
    }
    g.lineWidth = px(1.5);
    g.strokeStyle = colors.nodeStroke;
    for (const kind of KINDS_BACK_TO_FRONT) {
      const path = byKind.get(kind);
      g.fillStyle = colors[kind];
      g.fill(path);
      g.stroke(path);
    }
  }

  /**
   * Callers a private proxy should not be hearing from (see README, "Outsiders"): a dashed warning ring around the
   * node and a dashed overlay on its edges, so they stand out even among many unknown callers.
   */
  function drawOutsiders(g, { scene, colors, k, px, inView }) {
    const rings = new Path2D();
    const lines = new Path2D();
    const segment = {};
    let any = false;
    for (const node of scene.nodes) {
      if (!node.outsider || !scene.isNodeVisible(node)) continue;
      any = true;
      if (inView(node.x, node.y)) {
        const r = nodeRadius(node) + px(5);
        rings.moveTo(node.x + r, node.y);
        rings.arc(node.x, node.y, r, 0, Math.PI * 2);
      }
      for (const edge of node.out.values()) {
        if (!scene.isEdgeVisible(edge)) continue;
        edgeSegment(edge.sourceNode, edge.targetNode, edge.hasReverse, segment);
        lines.moveTo(segment.x1, segment.y1);
        lines.lineTo(segment.x2, segment.y2);
      }
    }
    if (!any) return;
    g.save();
    g.strokeStyle = colors.outsider;
    g.setLineDash([px(4), px(3)]);
    g.lineWidth = px(2);
    g.stroke(rings);
    g.lineWidth = px(3);
    g.globalAlpha = 0.8;
    g.stroke(lines);
    g.restore();
  }

  /**
   * Firing alerts (GET /alerts): a round "!" badge, coloured by the worst severity firing there, at the middle of each
   * marked edge and at the upper right of each marked node. Part of the map: alerts change every few seconds at most.
   */
  function drawAlertBadges(g, { scene, colors, px, inView }) {
    const nodeMarks = scene.alertNodes;
    const edgeMarks = scene.alertEdges;
    if (!nodeMarks || !edgeMarks || (nodeMarks.size === 0 && edgeMarks.size === 0)) return;
    const segment = {};
    const badges = [];
    for (const edge of scene.edges) {
      const severity = edgeMarks.get(edge.id);
      if (!severity || !scene.isEdgeVisible(edge)) continue;
      edgeSegment(edge.sourceNode, edge.targetNode, edge.hasReverse, segment);
      badges.push([(segment.x1 + segment.x2) / 2, (segment.y1 + segment.y2) / 2, severity]);
    }
    for (const node of scene.nodes) {
      const severity = nodeMarks.get(node.id);
      if (!severity || !scene.isNodeVisible(node)) continue;
      const offset = nodeRadius(node) * 0.75 + px(3);
      badges.push([node.x + offset, node.y - offset, severity]);
    }
    const radius = px(7);
    g.save();
    g.font = `bold ${px(10)}px system-ui, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.lineWidth = px(1.5);
    g.strokeStyle = colors.background;
    for (const [x, y, severity] of badges) {
      if (!inView(x, y)) continue;
      g.fillStyle = severityColor(colors, severity);
      g.beginPath();
      g.arc(x, y, radius, 0, Math.PI * 2);
      g.fill();
      g.stroke();
      g.fillStyle = colors.background;
      g.fillText('!', x, y + px(0.5));
    }
    g.restore();
  }

  /** Rings around the selected / hovered node and pulsing rings around search hits, plus their labels. */
  function drawFocus(g, frame) {
    const { scene, colors, px, inView } = frame;
    const rings = new Path2D();
    for (const node of [scene.selectedNode, scene.hoverNode]) {
      if (!node || !scene.isNodeVisible(node)) continue;
      const r = nodeRadius(node) + px(4);
      rings.moveTo(node.x + r, node.y);
      rings.arc(node.x, node.y, r, 0, Math.PI * 2);
    }
    g.lineWidth = px(2.5);
    g.strokeStyle = colors.accent;
    g.stroke(rings);
    if (scene.searchMatches.size) {
      const matchRings = new Path2D();
      for (const node of scene.searchMatches) {
        if (!scene.isNodeVisible(node) || !inView(node.x, node.y)) continue;
        const r = nodeRadius(node) + px(6);
        matchRings.moveTo(node.x + r, node.y);
        matchRings.arc(node.x, node.y, r, 0, Math.PI * 2);
      }
      // A slow pulse makes search hits findable even among a thousand nodes.
      g.globalAlpha = 0.55 + 0.45 * Math.sin(scene.now / 220);
      g.lineWidth = px(3);
      g.strokeStyle = colors.match;
      g.stroke(matchRings);
      g.globalAlpha = 1;
    }
    // Selected, hovered and searched-for nodes are always labelled (bold), even when zoomed far out.
    const important = new Set([scene.selectedNode, scene.hoverNode, ...scene.searchMatches]);
    important.delete(null);
    if (important.size) {
      setLabelStyle(g, frame, true);
      for (const node of important) {
        if (scene.isNodeVisible(node) && inView(node.x, node.y)) drawLabel(g, node);
      }
    }
  }

  function setLabelStyle(g, { colors, k }, bold) {
    // World-sized text, so labels never overlap more than the nodes do; capped on screen when zoomed in.
    const screenSize = Math.min(14, LABEL_FONT_SIZE * k);
    g.font = bold ? `600 ${Math.max(screenSize, 12) / k}px system-ui, sans-serif` : `${screenSize / k}px system-ui, sans-serif`;
    g.textBaseline = 'middle';
    g.lineJoin = 'round';
    g.strokeStyle = colors.labelHalo;
    g.fillStyle = colors.text;
    g.lineWidth = 3 / k;
    return screenSize;
  }

  function drawLabel(g, node) {
    const text = labelText(node);
    const r = nodeRadius(node);
    let x = node.x;
    let y = node.y;
    switch (labelSide(node)) {
      case 'right':
        g.textAlign = 'left';
        x += r + 4;
        break;
      case 'left':
        g.textAlign = 'right';
        x -= r + 4;
        break;
      default:
        g.textAlign = 'center';
        y += r + 3 + LABEL_FONT_SIZE * 0.6;
    }
    g.strokeText(text, x, y);
    g.fillText(text, x, y);
  }

  function drawNodeLabels(g, frame) {
    const { scene, inView } = frame;
    if (setLabelStyle(g, frame, false) < 6) return; // too small to read: skip the most expensive part
    for (const node of scene.nodes) {
      if (!scene.isNodeVisible(node) || !inView(node.x, node.y)) continue;
      drawLabel(g, node);
    }
  }

  function drawEdgeLabels(g, { scene, colors, k, px, inView }) {
    if (k < EDGE_LABEL_MIN_ZOOM && !scene.selectedNode && !scene.selectedEdge) return;
    const segment = {};
    const placed = []; // screen-space boxes of labels drawn so far: a label that would overlap one is skipped
    const size = 10; // screen pixels
    g.font = `${px(size)}px system-ui, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const selectedNode = scene.selectedNode;
    // The selection's edges first, so they win the space.
    const ordered = [];
    for (const edge of scene.edges) {
      const relevant = edge === scene.selectedEdge ||
        (selectedNode && (edge.sourceNode === selectedNode || edge.targetNode === selectedNode));
      if (relevant) ordered.unshift(edge);
      else if (k >= EDGE_LABEL_MIN_ZOOM) ordered.push(edge);
    }
    for (const edge of ordered) {
      if (placed.length >= MAX_EDGE_LABELS) break;
      if (!edge.requests || !scene.isEdgeVisible(edge)) continue;
      edgeSegment(edge.sourceNode, edge.targetNode, edge.hasReverse, segment);
      const mx = (segment.x1 + segment.x2) / 2;
      const my = (segment.y1 + segment.y2) / 2;
      if (!inView(mx, my)) continue;
      const ratio = errorRatio(edge);
      const text = `${formatRate(Number(edge.ratePerSec) || 0)} · ${formatPercent(ratio)} err · p95 ${formatMs(edge.p95Ms)}`;
      const textWidth = g.measureText(text).width * k; // screen pixels
      const screenLength = Math.hypot(segment.x2 - segment.x1, segment.y2 - segment.y1) * k;
      if (screenLength < textWidth + 24) continue;
      // Written along the edge, upright, beside the line so the comets stay visible.
      let angle = Math.atan2(segment.uy, segment.ux);
      let side = -1;
      if (angle > Math.PI / 2 || angle < -Math.PI / 2) {
        angle += Math.PI;
        side = 1;
      }
      const offset = px(edge.hasReverse ? 10 : 9) * side;
      const lx = mx + segment.uy * offset;
      const ly = my - segment.ux * offset;
      const sx = lx * k;
      const sy = ly * k;
      const halfW = (Math.abs(Math.cos(angle)) * textWidth + Math.abs(Math.sin(angle)) * size) / 2 + 2;
      const halfH = (Math.abs(Math.sin(angle)) * textWidth + Math.abs(Math.cos(angle)) * size) / 2 + 2;
      if (placed.some((b) => Math.abs(b.x - sx) < b.w + halfW && Math.abs(b.y - sy) < b.h + halfH)) continue;
      placed.push({ x: sx, y: sy, w: halfW, h: halfH });
      g.save();
      g.translate(lx, ly);
      g.rotate(angle);
      g.lineWidth = px(3);
      g.strokeStyle = colors.labelHalo;
      g.strokeText(text, 0, 0);
      g.fillStyle = ratio >= 0.1 ? colors.edgeBad : colors.muted;
      g.fillText(text, 0, 0);
      g.restore();
    }
  }

  return {
    resize,
    draw,
    /** The comet with a request id under world point (x, y) of `scene` at zoom k, or null (ui/interaction.js click). */
    cometAt(scene, x, y, k) {
      if (!scene.flashes) return null;
      return flashRenderer.cometAt(scene.flashes, scene.isNodeVisible, scene.positionsVersion, x, y, 8 / k);
    },
    phaseTimings,
    stats,
    get width() {
      return cssWidth;
    },
    get height() {
      return cssHeight;
    },
  };
}

/** The badge colour of an alert's severity. */
export function severityColor(colors, severity) {
  if (severity === 'critical') return colors.error;
  if (severity === 'warning') return colors.edgeWarn;
  return colors.accent;
}

function fitText(text, maxChars) {
  text = escapeInvisible(text);
  const limit = Math.max(2, Math.floor(maxChars));
  return text.length > limit ? text.slice(0, limit - 1) + '…' : text;
}
