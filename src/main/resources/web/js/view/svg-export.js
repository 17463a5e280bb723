// The graph as an SVG document: what is on screen (the current zoom and pan, the filters), drawn again from the model,
// the layout's positions and the palette rather than scraped from the canvas, so it stays sharp at any size and its
// text can be searched and copied. With the legend and a caption that says when and with which filters it was made.
//
// Text from logs (labels, server and network names, the search) goes into text nodes through textContent and into
// attributes through setAttribute: never parsed as markup. The PNG export is this SVG, rasterised (`svgToPng`).

import { edgeSegment, nodeRadius } from '../lib/geometry.js';
import { escapeInvisible } from '../lib/format.js';
import { LABEL_FONT_SIZE, labelSide, labelText, measureGroups } from '../layout/groups.js';
import { addNodeShape, KIND_LABELS } from './shapes.js';
import { edgeColorBucket } from './renderer-canvas.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const KINDS_BACK_TO_FRONT = ['unrecognised', 'external', 'service', 'gateway', 'proxy'];
const CAPTION_HEIGHT = 46;
/** How far outside the screen a node may be and still be drawn (its label or edges reach in). */
const MARGIN = 60;

/**
 * Records what view/shapes.js draws into a Path2D as SVG path data, so the export's shapes are the canvas's.
 * Only what shapes.js uses: moveTo, lineTo, rect and full-circle arcs.
 */
function svgPathRecorder() {
  const parts = [];
  const n = (v) => Math.round(v * 100) / 100;
  return {
    moveTo(x, y) {
      parts.push(`M${n(x)} ${n(y)}`);
    },
    lineTo(x, y) {
      parts.push(`L${n(x)} ${n(y)}`);
    },
    rect(x, y, w, h) {
      parts.push(`M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}Z`);
    },
    arc(cx, cy, r) {
      parts.push(`M${n(cx + r)} ${n(cy)}A${n(r)} ${n(r)} 0 1 1 ${n(cx - r)} ${n(cy)}A${n(r)} ${n(r)} 0 1 1 ${n(cx + r)} ${n(cy)}Z`);
    },
    get d() {
      return parts.join('');
    },
  };
}

/**
 * `scene`: the page's scene (nodes, edges, groups, transform, palette, isNodeVisible, isEdgeVisible, selectedNode,
 * selectedEdge, searchMatches); `width`/`height`: the canvas's CSS size; `caption`: lines of text under the picture.
 * Returns an <svg> element (not attached to the page).
 */
export function buildGraphSvg(doc, { scene, width, height, caption }) {
  const colors = scene.palette;
  const t = scene.transform;
  const k = t.k;
  const px = (v) => v / k; // screen pixels in world units
  const view = { x0: -t.x / k - px(MARGIN), y0: -t.y / k - px(MARGIN), x1: (width - t.x) / k + px(MARGIN),
    y1: (height - t.y) / k + px(MARGIN) };
  const onScreen = (node) => scene.isNodeVisible(node) && Number.isFinite(node.x) &&
    node.x >= view.x0 && node.x <= view.x1 && node.y >= view.y0 && node.y <= view.y1;

  const make = (tag, attributes = {}, text) => {
    const element = doc.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes)) if (value != null) element.setAttribute(name, String(value));
    if (text != null) element.textContent = text;
    return element;
  };

  const totalHeight = height + CAPTION_HEIGHT;
  const svg = make('svg', { xmlns: SVG_NS, width, height: totalHeight, viewBox: `0 0 ${width} ${totalHeight}`,
    'font-family': FONT });
  svg.append(make('title', {}, 'trafficviz graph'));
  svg.append(make('rect', { x: 0, y: 0, width, height: totalHeight, fill: colors.background }));
  const clip = make('clipPath', { id: 'screen' });
  clip.append(make('rect', { x: 0, y: 0, width, height }));
  const defs = make('defs');
  defs.append(clip);
  svg.append(defs);
  const screen = make('g', { 'clip-path': 'url(#screen)' });
  const world = make('g', { transform: `translate(${t.x} ${t.y}) scale(${k})` });
  screen.append(world);
  svg.append(screen);

  // Group boxes and their titles.
  const groupLayer = make('g', { class: 'groups' });
  for (const server of measureGroups(scene.groups, scene.isNodeVisible)) {
    if (!server.visible) continue;
    groupLayer.append(make('rect', { x: server.x0, y: server.y0, width: server.x1 - server.x0,
      height: server.y1 - server.y0, rx: 10, fill: colors.serverFill, stroke: colors.serverStroke,
      'stroke-width': px(1.5) }));
    for (const network of server.networks) {
      if (!network.visible) continue;
      groupLayer.append(make('rect', { x: network.x0, y: network.y0, width: network.x1 - network.x0,
        height: network.y1 - network.y0, rx: 8, fill: colors.networkFill, stroke: colors.networkStroke,
        'stroke-width': px(1), 'stroke-dasharray': `${px(5)} ${px(4)}` }));
      groupLayer.append(make('text', { class: 'network-title', x: network.x0 + px(8), y: network.y0 + px(6),
        'dominant-baseline': 'hanging', 'font-size': px(11), fill: colors.muted },
      '⌁ ' + escapeInvisible(network.name || '(no network)')));
    }
    groupLayer.append(make('text', { class: 'server-title', x: server.x0 + px(10), y: server.y0 + px(8),
      'dominant-baseline': 'hanging', 'font-size': px(13), 'font-weight': 600, fill: colors.text },
    '▣ ' + escapeInvisible(server.name)));
  }
  world.append(groupLayer);

  // Edges, one path per colour, arrowheads filled.
  const bucketColors = [colors.edge, colors.edgeWarn, colors.edgeBad, colors.edgeFailing];
  const lines = bucketColors.map(() => []);
  const heads = bucketColors.map(() => []);
  const segment = {};
  const arrow = Math.min(9, Math.max(4, 7 * Math.sqrt(k))) / k;
  for (const edge of scene.edges) {
    if (!scene.isEdgeVisible(edge)) continue;
    const s = edge.sourceNode;
    const d = edge.targetNode;
    if (!onScreen(s) && !onScreen(d)) continue;
    edgeSegment(s, d, edge.hasReverse, segment);
    const bucket = edgeColorBucket(edge);
    const endX = segment.x2 - segment.ux * arrow * 0.8;
    const endY = segment.y2 - segment.uy * arrow * 0.8;
    lines[bucket].push(`M${r2(segment.x1)} ${r2(segment.y1)}L${r2(endX)} ${r2(endY)}`);
    const baseX = segment.x2 - segment.ux * arrow;
    const baseY = segment.y2 - segment.uy * arrow;
    const half = arrow * 0.5;
    heads[bucket].push(`M${r2(segment.x2)} ${r2(segment.y2)}L${r2(baseX - segment.uy * half)} ${r2(baseY + segment.ux * half)}` +
      `L${r2(baseX + segment.uy * half)} ${r2(baseY - segment.ux * half)}Z`);
  }
  const edgeLayer = make('g', { class: 'edges' });
  bucketColors.forEach((color, bucket) => {
    if (!lines[bucket].length) return;
    edgeLayer.append(make('path', { d: lines[bucket].join(''), stroke: color, 'stroke-width': px(1.4), fill: 'none' }));
    edgeLayer.append(make('path', { d: heads[bucket].join(''), fill: color }));
  });
  world.append(edgeLayer);

  // Nodes, by kind back to front, as the canvas draws them; each with its full name as a tooltip.
  const nodeLayer = make('g', { class: 'nodes', stroke: colors.nodeStroke, 'stroke-width': px(1.5) });
  const shown = scene.nodes.filter(onScreen);
  for (const kind of KINDS_BACK_TO_FRONT) {
    for (const node of shown) {
      if ((KINDS_BACK_TO_FRONT.includes(node.kind) ? node.kind : 'unrecognised') !== kind) continue;
      const recorder = svgPathRecorder();
      addNodeShape(recorder, node.kind, node.x, node.y, nodeRadius(node));
      const shape = make('path', { class: 'node', 'data-id': node.id, d: recorder.d, fill: colors[kind] || colors.unrecognised });
      shape.append(make('title', {}, escapeInvisible(node.label)));
      nodeLayer.append(shape);
    }
  }
  world.append(nodeLayer);

  // Rings: the selection and search hits, as on screen.
  const rings = make('g', { class: 'rings', fill: 'none' });
  if (scene.selectedNode && onScreen(scene.selectedNode)) {
    rings.append(make('circle', { cx: scene.selectedNode.x, cy: scene.selectedNode.y,
      r: nodeRadius(scene.selectedNode) + px(4), stroke: colors.accent, 'stroke-width': px(2.5) }));
  }
  for (const node of scene.searchMatches || []) {
    if (!onScreen(node)) continue;
    rings.append(make('circle', { cx: node.x, cy: node.y, r: nodeRadius(node) + px(6), stroke: colors.match,
      'stroke-width': px(3) }));
  }
  world.append(rings);

  // Labels, with the canvas's halo (stroke painted under the fill).
  const screenSize = Math.min(14, LABEL_FONT_SIZE * k);
  const labelLayer = make('g', { class: 'labels', 'font-size': Math.max(screenSize, 9) / k, fill: colors.text,
    stroke: colors.labelHalo, 'stroke-width': 3 / k, 'stroke-linejoin': 'round', 'paint-order': 'stroke' });
  for (const node of shown) {
    const r = nodeRadius(node);
    let x = node.x;
    let y = node.y;
    let anchor = 'middle';
    switch (labelSide(node)) {
      case 'right':
        anchor = 'start';
        x += r + 4;
        break;
      case 'left':
        anchor = 'end';
        x -= r + 4;
        break;
      default:
        y += r + 3 + LABEL_FONT_SIZE * 0.6;
    }
    const bold = node === scene.selectedNode || (scene.searchMatches && scene.searchMatches.has(node));
    labelLayer.append(make('text', { class: 'node-label', 'data-id': node.id, x: r2(x), y: r2(y),
      'text-anchor': anchor, 'dominant-baseline': 'central', 'font-weight': bold ? 600 : null }, labelText(node)));
  }
  world.append(labelLayer);

  svg.append(legend(make, colors, height));
  svg.append(captionBlock(make, colors, height, caption));
  return svg;
}

function r2(v) {
  return Math.round(v * 100) / 100;
}

/** The key, bottom-left as on the page: node kinds by shape, edge colours by error ratio. */
function legend(make, colors, height) {
  const kinds = ['gateway', 'proxy', 'service', 'external', 'unrecognised'];
  const edges = [[colors.edge, 'calls (< 1% errors)'], [colors.edgeWarn, '1–10% errors'],
    [colors.edgeBad, '10–50% errors'], [colors.edgeFailing, 'failing (≥ 50% errors)']];
  const rowHeight = 18;
  const boxHeight = 12 + Math.max(kinds.length, edges.length) * rowHeight;
  const y0 = height - boxHeight - 10;
  const group = make('g', { class: 'legend', 'font-size': 12, fill: colors.text });
  group.append(make('rect', { x: 10, y: y0, width: 370, height: boxHeight, rx: 8, fill: colors.background,
    'fill-opacity': 0.88, stroke: colors.muted, 'stroke-opacity': 0.5 }));
  kinds.forEach((kind, i) => {
    const cy = y0 + 15 + i * rowHeight;
    const recorder = svgPathRecorder();
    addNodeShape(recorder, kind, 28, cy, kind === 'proxy' || kind === 'gateway' ? 7 : 6);
    group.append(make('path', { d: recorder.d, fill: colors[kind], stroke: colors.nodeStroke }));
    group.append(make('text', { x: 44, y: cy, 'dominant-baseline': 'central' }, KIND_LABELS[kind]));
  });
  edges.forEach(([color, text], i) => {
    const cy = y0 + 15 + i * rowHeight;
    group.append(make('path', { d: `M196 ${cy}H214`, stroke: color, 'stroke-width': 2 }));
    group.append(make('path', { d: `M222 ${cy}L214 ${cy - 4}L214 ${cy + 4}Z`, fill: color }));
    group.append(make('text', { x: 230, y: cy, 'dominant-baseline': 'central' }, text));
  });
  return group;
}

/** Lines of text in a band under the picture: when, and which view. */
function captionBlock(make, colors, height, lines) {
  const group = make('g', { class: 'caption', 'font-size': 12, fill: colors.text });
  group.append(make('rect', { x: 0, y: height, width: '100%', height: CAPTION_HEIGHT, fill: colors.background }));
  (lines || []).slice(0, 2).forEach((line, i) => {
    group.append(make('text', { x: 10, y: height + 17 + i * 18, fill: i ? colors.muted : colors.text,
      'font-weight': i ? null : 600 }, escapeInvisible(line)));
  });
  return group;
}

/** The SVG as a standalone document's text. */
export function serializeSvg(svg) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
}

/**
 * Rasterises SVG text to a PNG blob at `scale` (2: crisp on high-density screens and when zoomed into the image).
 * The SVG is an <img> from a data: URL (the page's Content-Security-Policy allows images from 'self' and data:, not
 * blob:), which the canvas may read back: an SVG image without foreign content does not taint it.
 */
export function svgToPng(svgText, width, height, scale = 2) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      try {
        const canvas = document.createElement('canvas');
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        const g = canvas.getContext('2d');
        g.scale(scale, scale);
        g.drawImage(image, 0, 0, width, height);
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be made'))), 'image/png');
      } catch (err) {
        reject(err);
      }
    };
    image.onerror = () => reject(new Error('the SVG could not be rasterised'));
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText);
  });
}

export { CAPTION_HEIGHT };
