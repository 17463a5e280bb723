// The time bar under the graph: the request and error rate over the retained history (GET /history/timeline), the
// gaps the store recorded, and the window the user chose by dragging. The wheel and the buttons zoom (a week down to
// seconds) and pan; each change asks the server for the visible range only. The page decides what a chosen window
// means (model/timeline.js does the arithmetic).

import {
  MIN_SPAN, clampView, panView, stepFor, ticks, timeToX, viewOfRetained, windowFromDrag, xToTime, zoomView,
} from '../model/timeline.js';
import { formatCount } from '../lib/format.js';

const FOLLOW_EVERY_MS = 5000; // how often a view that ends now moves on with the clock
const AXIS_HEIGHT = 14;

/**
 * elements: { root, canvas, zoomIn, zoomOut, back, forward, all }; getJson(url) resolves to a JSON document or
 * rejects with an error carrying `status`; onChoose({ from, to }) is called when a drag chooses a window.
 */
export function createTimeBar(elements, { getJson, onChoose }) {
  const { root, canvas } = elements;
  const ctx = canvas.getContext('2d');
  let view = { from: Date.now() - 3600_000, to: Date.now() };
  let doc = null; // the last timeline answer for the view
  let retained = null;
  let selection = null;
  let drag = null;
  let available = false;
  let checked = false; // the server has said whether it keeps history
  let loadToken = 0;
  let loadTimer = null;
  let loads = 0;
  let hoverText = '';

  function width() {
    return canvas.clientWidth || 1;
  }

  function schedule() {
    clearTimeout(loadTimer);
    loadTimer = setTimeout(load, 120); // a burst of wheel events asks once
    draw();
  }

  async function load() {
    const token = ++loadToken;
    const step = stepFor(view, width());
    try {
      const answer = await getJson(`history/timeline?from=${Math.floor(view.from)}&to=${Math.ceil(view.to)}&step=${step}`);
      if (token !== loadToken) return;
      doc = answer;
      loads++;
      if (answer && answer.retained) retained = answer.retained;
      draw();
    } catch (err) {
      if (token === loadToken) console.warn('trafficviz: timeline', err);
    }
  }

  function setView(next) {
    view = clampView(next);
    schedule();
  }

  function colour(name, fallback) {
    const value = getComputedStyle(root).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw() {
    if (!available) return;
    const dpr = window.devicePixelRatio || 1;
    const w = width();
    const h = canvas.clientHeight || 48;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const plotHeight = h - AXIS_HEIGHT;
    const ok = colour('--ok', '#2ecc71');
    const error = colour('--error', '#ff4d4f');
    const muted = colour('--muted', '#8b98a5');
    const accent = colour('--accent', '#22d3ee');
    if (doc && Array.isArray(doc.buckets)) {
      const step = Number(doc.step) || 1000;
      let max = 1;
      for (const b of doc.buckets) max = Math.max(max, b[1]);
      const barWidth = Math.max(1, timeToX(view, w, view.from + step) - 0.5);
      for (const [start, requests, errors] of doc.buckets) {
        const x = timeToX(view, w, start);
        if (x + barWidth < 0 || x > w) continue;
        const total = (requests / max) * (plotHeight - 2);
        ctx.fillStyle = ok;
        ctx.globalAlpha = 0.75;
        ctx.fillRect(x, plotHeight - total, barWidth, total);
        if (errors > 0) {
          const bad = Math.max(1, (errors / max) * (plotHeight - 2));
          ctx.fillStyle = error;
          ctx.globalAlpha = 1;
          ctx.fillRect(x, plotHeight - bad, barWidth, bad);
        }
      }
      ctx.globalAlpha = 1;
      // Gaps: time the store lost (disk full, a full queue): hatched, so "nothing happened" and "not kept" differ.
      for (const gap of Array.isArray(doc.gaps) ? doc.gaps : []) {
        const x0 = Math.max(0, timeToX(view, w, gap.from));
        const x1 = Math.min(w, Math.max(x0 + 3, timeToX(view, w, gap.to)));
        ctx.fillStyle = muted;
        ctx.globalAlpha = 0.35;
        ctx.fillRect(x0, 0, x1 - x0, plotHeight);
        ctx.globalAlpha = 0.9;
        ctx.strokeStyle = error;
        ctx.beginPath();
        for (let x = x0 - plotHeight; x < x1; x += 6) {
          ctx.moveTo(Math.max(x0, x), Math.max(0, plotHeight - (Math.max(x0, x) - x)));
          ctx.lineTo(Math.min(x1, x + plotHeight), plotHeight - (Math.min(x1, x + plotHeight) - x));
        }
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }
    // The axis.
    ctx.fillStyle = muted;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    for (const tick of ticks(view, w)) {
      const x = timeToX(view, w, tick.time);
      ctx.fillRect(x, plotHeight, 1, 3);
      ctx.fillText(tick.label, x + 2, h);
    }
    // Now: the right edge of the live picture.
    const nowX = timeToX(view, w, Date.now());
    if (nowX >= 0 && nowX <= w) {
      ctx.fillStyle = accent;
      ctx.fillRect(nowX - 1, 0, 2, plotHeight);
    }
    const shown = drag ? windowFromDrag(view, w, drag.x0, drag.x1) : selection;
    if (shown) {
      const x0 = timeToX(view, w, shown.from);
      const x1 = timeToX(view, w, shown.to);
      ctx.fillStyle = accent;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(x0, 0, Math.max(2, x1 - x0), plotHeight);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = accent;
      ctx.strokeRect(x0 + 0.5, 0.5, Math.max(2, x1 - x0) - 1, plotHeight - 1);
    }
  }

  // ------------------------------------------------------------ input

  canvas.addEventListener('wheel', (event) => {
    event.preventDefault();
    const anchor = xToTime(view, width(), event.offsetX);
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      setView(panView(view, Math.sign(event.deltaX || event.deltaY) * 0.1));
    } else {
      setView(zoomView(view, event.deltaY > 0 ? 1.25 : 0.8, anchor));
    }
  }, { passive: false });

  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    drag = { x0: event.offsetX, x1: event.offsetX };
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drag) {
      drag.x1 = event.offsetX;
      draw();
      return;
    }
    describeUnder(event.offsetX);
  });
  const endDrag = (event) => {
    if (!drag) return;
    drag.x1 = event.offsetX;
    const chosen = windowFromDrag(view, width(), drag.x0, drag.x1);
    drag = null;
    if (chosen) {
      selection = chosen;
      onChoose(chosen);
    }
    draw();
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', () => {
    drag = null;
    draw();
  });

  /** The bucket under the pointer as a tooltip: numbers and times only. */
  function describeUnder(x) {
    if (!doc || !Array.isArray(doc.buckets)) return;
    const time = xToTime(view, width(), x);
    const step = Number(doc.step) || 1000;
    const bucket = doc.buckets.find((b) => time >= b[0] && time < b[0] + step);
    const text = bucket
      ? `${new Date(bucket[0]).toLocaleString()}: ${formatCount(bucket[1])} requests, ${formatCount(bucket[2])} errors`
      : new Date(time).toLocaleString();
    if (text !== hoverText) {
      hoverText = text;
      canvas.title = `${text}\nDrag to view a window; wheel to zoom`;
    }
  }

  elements.zoomIn.addEventListener('click', () => setView(zoomView(view, 0.5)));
  elements.zoomOut.addEventListener('click', () => setView(zoomView(view, 2)));
  elements.back.addEventListener('click', () => setView(panView(view, -0.5)));
  elements.forward.addEventListener('click', () => setView(panView(view, 0.5)));
  elements.all.addEventListener('click', () => setView(viewOfRetained(retained, Date.now())));

  new ResizeObserver(() => schedule()).observe(canvas);

  // While live and showing the present, the strip moves on with the clock.
  setInterval(() => {
    if (!available || selection || drag) return;
    const now = Date.now();
    const span = view.to - view.from;
    if (view.to >= now - span * 0.05) {
      view = { from: now - span + span * 0.02, to: now + span * 0.02 };
      load();
    }
  }, FOLLOW_EVERY_MS);

  return {
    /** Asks whether the server keeps history; shows the strip if so. Resolves to whether it does. */
    async start() {
      try {
        const first = await getJson('history/timeline');
        retained = first && first.retained ? first.retained : null;
      } catch (err) {
        // 404: history is off on this server (or an older one): no strip. Anything else: said, and no strip.
        if (err && err.status !== 404) console.warn('trafficviz: history unavailable', err);
        root.hidden = true;
        checked = true;
        return false;
      }
      available = true;
      checked = true;
      root.hidden = false;
      const now = Date.now();
      view = viewOfRetained(retained, now);
      const span = view.to - view.from;
      view = { from: view.from, to: view.to + Math.max(MIN_SPAN / 10, span * 0.02) }; // room to see "now"
      await load();
      return true;
    },
    /** Shows a chosen window (from the URL, or the page's hooks): selected, and in view. */
    setSelection(window) {
      selection = window;
      if (window && (window.from < view.from || window.to > view.to)) {
        const span = window.to - window.from;
        view = clampView({ from: window.from - span, to: window.to + span });
        schedule();
      }
      draw();
    },
    clearSelection() {
      selection = null;
      draw();
    },
    /** For tests: what the strip shows. */
    state() {
      const buckets = doc && Array.isArray(doc.buckets) ? doc.buckets : [];
      return {
        available,
        checked,
        hidden: root.hidden,
        view: { ...view },
        step: doc ? doc.step : null,
        requests: buckets.reduce((sum, b) => sum + b[1], 0),
        errors: buckets.reduce((sum, b) => sum + b[2], 0),
        buckets: buckets.length,
        gaps: doc && Array.isArray(doc.gaps) ? doc.gaps.length : 0,
        retained,
        selection,
        loads,
        canvas: canvas.getBoundingClientRect().toJSON(),
      };
    },
    setView,
    load,
  };
}
