// The key a newcomer needs: what the shapes, colours and moving dots mean.

import { el } from '../lib/dom.js';
import { addNodeShape, KIND_LABELS } from './shapes.js';

const ICON = 18;

function icon(paint) {
  const canvas = el('canvas', { width: ICON * 2, height: ICON * 2, class: 'legend-icon' });
  const ctx = canvas.getContext('2d');
  ctx.scale(2, 2);
  paint(ctx);
  return canvas;
}

export function renderLegend(root, palette) {
  const kindItems = ['gateway', 'proxy', 'service', 'external', 'unrecognised'].map((kind) =>
    el('li', {}, icon((ctx) => {
      const path = new Path2D();
      addNodeShape(path, kind, ICON / 2, ICON / 2, kind === 'proxy' || kind === 'gateway' ? 7 : 6);
      ctx.fillStyle = palette[kind];
      ctx.strokeStyle = palette.nodeStroke;
      ctx.lineWidth = 1;
      ctx.fill(path);
      ctx.stroke(path);
    }), KIND_LABELS[kind]));

  const dot = (color) => icon((ctx) => {
    ctx.strokeStyle = color;
    ctx.globalAlpha = 0.45;
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(2, ICON / 2);
    ctx.lineTo(ICON / 2, ICON / 2);
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(ICON / 2 + 2, ICON / 2, 3.5, 0, Math.PI * 2);
    ctx.fill();
  });
  const band = icon((ctx) => {
    ctx.strokeStyle = palette.ok;
    ctx.globalAlpha = 0.4;
    ctx.lineWidth = 7;
    ctx.beginPath();
    ctx.moveTo(1, ICON / 2);
    ctx.lineTo(ICON - 1, ICON / 2);
    ctx.stroke();
    ctx.globalAlpha = 0.9;
    ctx.fillStyle = palette.ok;
    for (const x of [4, 9, 14]) ctx.fillRect(x - 1.5, ICON / 2 - 1.5, 3, 3);
  });
  // The two kinds of burst flash-render.js draws where a request ends: one ring, or two for the proxy's own answer.
  const ring = (double) => icon((ctx) => {
    ctx.strokeStyle = palette.error;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(ICON / 2, ICON / 2, 7, 0, Math.PI * 2);
    if (double) {
      ctx.moveTo(ICON / 2 + 4, ICON / 2);
      ctx.arc(ICON / 2, ICON / 2, 4, 0, Math.PI * 2);
    }
    ctx.stroke();
  });
  const line = (color) => icon((ctx) => {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(1, ICON / 2);
    ctx.lineTo(ICON - 6, ICON / 2);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(ICON - 1, ICON / 2);
    ctx.lineTo(ICON - 7, ICON / 2 - 4);
    ctx.lineTo(ICON - 7, ICON / 2 + 4);
    ctx.fill();
  });

  // The renderer's alert badge (view/renderer-canvas.js, drawAlertBadges).
  const badge = icon((ctx) => {
    ctx.fillStyle = palette.error;
    ctx.beginPath();
    ctx.arc(ICON / 2, ICON / 2, 7, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = palette.background;
    ctx.font = 'bold 10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('!', ICON / 2, ICON / 2 + 0.5);
  });

  root.replaceChildren(
    el('ul', {}, ...kindItems),
    el('ul', {},
      el('li', {}, dot(palette.ok), 'request OK (2xx/3xx)'),
      el('li', {}, dot(palette.error), 'request failed (4xx/5xx)'),
      el('li', {}, band, 'busy: OK requests in bulk'),
      el('li', {}, ring(false), 'a failed request ended here'),
      el('li', {}, ring(true), 'answered by the proxy itself')),
    el('ul', {},
      el('li', {}, line(palette.edge), 'calls (< 1% errors)'),
      el('li', {}, line(palette.edgeWarn), '1–10% errors'),
      el('li', {}, line(palette.edgeBad), '10–50% errors'),
      el('li', {}, line(palette.edgeFailing), 'failing (≥ 50% errors)'),
      el('li', {}, line(palette.outsider), 'outsider: caller a private proxy should not hear from'),
      el('li', {}, badge, 'alert firing here (red: critical)')),
  );
}
