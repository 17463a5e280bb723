// Drawing half of the request animation: anim/flashes.js keeps the state (which comets, bursts and folded streams
// exist, and the clock); this module only reads it, and keeps nothing but drawing caches of its own (the dot layer,
// scratch objects, the edge segments of the tracks).
//
// Software rasterisation (headless Chromium, most VMs) is what limits the frame rate at 20k requests/s, and it
// punishes some shapes far more than others (measured on a 1400×850 canvas, one core):
//  * an antialiased path fill or a wide stroke costs with the number of path edges crossing each scanline, so one
//    Path2D of thousands of overlapping rings or wide lines is slower than drawing them one by one;
//  * a hairline (lineWidth ≤ 1 device pixel) is drawn segment by segment, without that scan conversion: ~5× cheaper;
//  * thousands of small squares are cheapest written into a pixel buffer and put on the canvas at once.
// So in a crowd comet heads and stream particles are pixel-aligned squares in a dot layer (dot-layer.js), bursts
// are rings of hairlines batched by fade step (and flashes.js keeps one per node at a time), and the rate bands (which
// change a few times a second at most) are drawn into the cached map layer by the renderer (drawBands). With few
// comets everything is drawn as before: round heads with tails, 2 px rings.

import { edgeSegment } from '../lib/geometry.js';
import { BURST_MS, MANY_BURSTS, SEGMENT_MS } from '../anim/flashes.js';
import { createDotLayer } from './dot-layer.js';

export const MANY_COMETS = 600; // above this, heads are pixel-aligned squares without tails
// Above MANY_BURSTS (anim/flashes.js), bursts are rings of hairlines batched by fade step.
const MAX_PARTICLES = 3000; // bounds the aggregated streams whatever the edge count
const TAIL = 0.16; // comet tail length, as a fraction of the hop
const FADE_STEPS = 8;
const RING_STRANDS = [-0.5, 0.5]; // screen pixels from the ring's radius: a 2 px ring
const STRONG_RING_STRANDS = [-1, 0, 1]; // a 3 px ring

/** Width bucket (0..3) of the translucent band under a folded stream; see anim/flashes.js bandOf. */
const BAND_WIDTHS = [3, 6, 9, 12]; // screen pixels

/**
 * The drawing of one page's flashes. `flashes` is anim/flashes.js's object; `view` is {k, x, y, ratio, width,
 * height}: the zoom transform, the device pixel ratio and the canvas size in device pixels. The context arrives with
 * the world transform applied; device-space parts reset it and restore it.
 */
export function createFlashRenderer() {
  const dots = createDotLayer();
  const scratch = { segment: {}, position: {} };
  // The drawn segment of each track's edge, by track index, until the positions change (positionsVersion): with the
  // layout at rest, thousands of comets per frame reuse a few thousand segments instead of recomputing them.
  const segments = [];

  function segmentOf(track, positionsVersion) {
    let cached = segments[track.index];
    if (!cached || cached.version !== positionsVersion || cached.edge !== track.edge) {
      const edge = track.edge;
      cached = edgeSegment(edge.sourceNode, edge.targetNode, edge.hasReverse, cached || {});
      cached.version = positionsVersion;
      cached.edge = edge;
      segments[track.index] = cached;
    }
    return cached;
  }

  const ctxOf = (flashes, isNodeVisible, positionsVersion) => ({
    comets: flashes.comets, bursts: flashes.bursts, streams: flashes.streams, clock: flashes.clock,
    isNodeVisible, positionsVersion, segmentOf, scratch,
  });

  return {
    /** The moving parts: particles, comets, bursts. */
    draw(ctx, view, flashes, colors, isNodeVisible, positionsVersion) {
      drawFlashes(ctx, view, ctxOf(flashes, isNodeVisible, positionsVersion), colors, dots);
    },
    /**
     * The comet with a request id nearest to world point (x, y) within `radius`, or null: a click on it traces the
     * request. Only comets that carry an id are looked at (the others have nothing to trace).
     */
    cometAt(flashes, isNodeVisible, positionsVersion, x, y, radius) {
      const state = ctxOf(flashes, isNodeVisible, positionsVersion);
      const at = {};
      let best = null;
      let bestDistance = radius * radius;
      for (const comet of flashes.comets) {
        if (comet.requestId === undefined || comet.requestId === null) continue;
        if (!cometPosition(comet, state, at)) continue;
        const d = (at.x - x) ** 2 + (at.y - y) ** 2;
        if (d <= bestDistance) {
          bestDistance = d;
          best = comet;
        }
      }
      return best;
    },
    /** The rate bands under folded streams, for the renderer's cached map layer. Returns how many it drew. */
    drawBands(ctx, k, flashes, colors, isNodeVisible, positionsVersion) {
      return drawBands(ctx, k, ctxOf(flashes, isNodeVisible, positionsVersion), colors);
    },
  };
}

function drawFlashes(ctx, view, state, colors, dots) {
  const { k } = view;
  const scale = k * view.ratio; // world → device
  const offsetX = view.x * view.ratio;
  const offsetY = view.y * view.ratio;
  const cheap = state.comets.length > MANY_COMETS;

  // Particles first, then (in a crowd) comet heads, OK before errors so errors stay on top: all in one dot layer.
  dots.begin(view.width, view.height);
  if (state.streams.size) drawParticles(dots, view, state, colors, scale, offsetX, offsetY);
  if (cheap) drawCrowdHeads(dots, view, state, colors, scale, offsetX, offsetY);
  dots.end(ctx);
  if (!cheap) drawComets(ctx, k, state, colors);
  if (state.bursts.length > MANY_BURSTS) drawCrowdBursts(ctx, k, state, colors);
  else drawBursts(ctx, k, state, colors);
}

/**
 * Folded successful traffic: particles riding each busy edge, their density following the folded rate on a log scale,
 * the total capped so a thousand busy edges stay affordable. Pixel-aligned squares in device space.
 */
function drawParticles(dots, view, state, colors, scale, offsetX, offsetY) {
  const { isNodeVisible } = state;
  let wanted = 0;
  for (const track of state.streams) wanted += particlesPerEdge(track);
  const thin = Math.min(1, MAX_PARTICLES / wanted);
  const size = Math.max(2, Math.round(3 * view.ratio));
  const half = size / 2;
  const phase = (state.clock / SEGMENT_MS) % 1;
  const value = dots.color(colors.ok, 0.8);
  for (const track of state.streams) {
    const edge = track.edge;
    if (!isNodeVisible(edge.sourceNode) || !isNodeVisible(edge.targetNode)) continue;
    const count = Math.max(1, Math.round(particlesPerEdge(track) * thin));
    const segment = state.segmentOf(track, state.positionsVersion);
    const x1 = segment.x1 * scale + offsetX;
    const y1 = segment.y1 * scale + offsetY;
    const dx = (segment.x2 - segment.x1) * scale;
    const dy = (segment.y2 - segment.y1) * scale;
    for (let p = 0; p < count; p++) {
      const t = (phase + p / count) % 1;
      dots.square(Math.round(x1 + dx * t - half), Math.round(y1 + dy * t - half), size, value);
    }
  }
}

/** Density grows with the log of the folded rate: a busy healthy edge reads as a thick stream. */
function particlesPerEdge(track) {
  return Math.max(2, Math.min(24, Math.round(2.5 * Math.log2(1 + track.foldedRate))));
}

/**
 * Under the particles, a translucent green band whose width follows the folded rate: the volume of healthy traffic
 * stays visible even when an edge's (never folded) errors put many red comets on top of it. Drawn by the renderer
 * into its cached map layer (world transform applied), since bands change a few times a second at most.
 * Returns how many bands it drew.
 */
function drawBands(ctx, k, state, colors) {
  if (!state.streams.size) return 0;
  const { isNodeVisible } = state;
  const bands = [null, null, null, null];
  let drawn = 0;
  for (const track of state.streams) {
    const edge = track.edge;
    if (track.band == null || !isNodeVisible(edge.sourceNode) || !isNodeVisible(edge.targetNode)) continue;
    drawn++;
    const segment = state.segmentOf(track, state.positionsVersion);
    const band = bands[track.band] || (bands[track.band] = new Path2D());
    band.moveTo(segment.x1, segment.y1);
    band.lineTo(segment.x2, segment.y2);
  }
  ctx.save();
  ctx.globalAlpha = 0.4;
  ctx.strokeStyle = colors.ok;
  ctx.lineCap = 'butt';
  for (let b = 0; b < bands.length; b++) {
    if (!bands[b]) continue;
    ctx.lineWidth = BAND_WIDTHS[b] / k;
    ctx.stroke(bands[b]);
  }
  ctx.restore();
  return drawn;
}

/** Where a comet is now, in world coordinates (into `out`), or null when it is not on a visible hop. */
function cometPosition(comet, state, out) {
  const elapsed = state.clock - comet.start;
  if (elapsed < 0) return null;
  const hop = Math.floor(elapsed / SEGMENT_MS);
  if (hop >= comet.nodes.length - 1) return null;
  const from = comet.nodes[hop];
  const to = comet.nodes[hop + 1];
  if (!state.isNodeVisible(from) || !state.isNodeVisible(to)) return null;
  const track = comet.tracks[hop];
  const segment = track ? state.segmentOf(track, state.positionsVersion) : edgeSegment(from, to, false, state.scratch.segment);
  const t = easeInOut((elapsed - hop * SEGMENT_MS) / SEGMENT_MS);
  const dx = segment.x2 - segment.x1;
  const dy = segment.y2 - segment.y1;
  out.x = segment.x1 + dx * t;
  out.y = segment.y1 + dy * t;
  const tailT = Math.max(0, t - TAIL);
  out.tailX = segment.x1 + dx * tailT;
  out.tailY = segment.y1 + dy * tailT;
  return out;
}

/** A crowd of comets: heads only (tails would merge into lines hiding the edge colour), OK first, errors on top. */
function drawCrowdHeads(dots, view, state, colors, scale, offsetX, offsetY) {
  const { scratch } = state;
  // Smaller than a lone comet's head, so a crowd does not paint over everything else.
  const radius = Math.max(2, Math.min(4.5, 3.2 * Math.sqrt(view.k))) * 0.7 * view.ratio;
  const size = Math.max(2, Math.round(radius * 2));
  const half = size / 2;
  const position = scratch.position;
  const ok = dots.color(colors.ok, 1);
  // One pass: OK heads are plotted at once, error heads kept (x, y) and plotted after them.
  let errors = scratch.errors;
  if (!errors || errors.length < state.comets.length * 2) errors = scratch.errors = new Int32Array(state.comets.length * 4);
  let errorCount = 0;
  for (const comet of state.comets) {
    if (!cometPosition(comet, state, position)) continue;
    const x = Math.round(position.x * scale + offsetX - half);
    const y = Math.round(position.y * scale + offsetY - half);
    if (!comet.isError) dots.square(x, y, size, ok);
    else {
      errors[errorCount++] = x;
      errors[errorCount++] = y;
    }
  }
  const error = dots.color(colors.error, 1);
  for (let i = 0; i < errorCount; i += 2) dots.square(errors[i], errors[i + 1], size, error);
}

/** Few comets: round heads with hairline-ish tails, OK first, errors on top. */
function drawComets(ctx, k, state, colors) {
  const headRadius = Math.max(2, Math.min(4.5, 3.2 * Math.sqrt(k))) / k;
  const position = state.scratch.position;
  for (const wantError of [false, true]) {
    const tails = new Path2D();
    const heads = new Path2D();
    let any = false;
    for (const comet of state.comets) {
      if (comet.isError !== wantError) continue;
      if (!cometPosition(comet, state, position)) continue;
      tails.moveTo(position.tailX, position.tailY);
      tails.lineTo(position.x, position.y);
      heads.moveTo(position.x + headRadius, position.y);
      heads.arc(position.x, position.y, headRadius, 0, Math.PI * 2);
      any = true;
    }
    if (!any) continue;
    const color = wantError ? colors.error : colors.ok;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2 / k;
    ctx.lineCap = 'butt';
    ctx.globalAlpha = 0.6;
    ctx.stroke(tails);
    ctx.globalAlpha = 1;
    ctx.fillStyle = color;
    ctx.fill(heads);
  }
}

function burstRing(burst, clock, k) {
  const progress = (clock - burst.start) / BURST_MS;
  const radius = burst.node.kind === 'proxy' || burst.node.kind === 'gateway' ? 14 : 9;
  return radius + (4 + (burst.strong ? 20 : 12) * progress) / k;
}

/** Bursts: where a failed request ended, and (stronger, double ring) where a proxy answered by itself. */
function drawBursts(ctx, k, state, colors) {
  for (const burst of state.bursts) {
    if (!state.isNodeVisible(burst.node)) continue;
    const progress = (state.clock - burst.start) / BURST_MS;
    const ring = burstRing(burst, state.clock, k);
    ctx.globalAlpha = Math.max(0, 1 - progress);
    ctx.strokeStyle = burst.isError ? colors.error : colors.ok;
    ctx.lineWidth = (burst.strong ? 3 : 2) / k;
    ctx.beginPath();
    ctx.arc(burst.node.x, burst.node.y, ring, 0, Math.PI * 2);
    if (burst.strong) {
      ctx.moveTo(burst.node.x + ring * 0.6, burst.node.y);
      ctx.arc(burst.node.x, burst.node.y, ring * 0.6, 0, Math.PI * 2);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
}

/**
 * Many bursts: the same rings, each as concentric hairlines as wide as its stroke (2 px, or 3 px for a proxy that
 * answered), one path per colour and fade step: one stroke each instead of one per ring, and hairlines so the
 * overlapping rings of one path do not make it expensive to fill (700 rings: ~3 ms instead of ~13 ms as 2 px strokes).
 */
function drawCrowdBursts(ctx, k, state, colors) {
  const paths = state.scratch.burstPaths || (state.scratch.burstPaths = []);
  for (let i = 0; i < 2 * FADE_STEPS; i++) paths[i] = null;
  for (const burst of state.bursts) {
    if (!state.isNodeVisible(burst.node)) continue;
    const progress = Math.max(0, Math.min(0.999, (state.clock - burst.start) / BURST_MS));
    const slot = (burst.isError ? FADE_STEPS : 0) + Math.floor(progress * FADE_STEPS);
    const path = paths[slot] || (paths[slot] = new Path2D());
    const ring = burstRing(burst, state.clock, k);
    const { x, y } = burst.node;
    const strands = burst.strong ? STRONG_RING_STRANDS : RING_STRANDS;
    for (const strand of strands) {
      const r = ring + strand / k;
      path.moveTo(x + r, y);
      path.arc(x, y, r, 0, Math.PI * 2);
      if (burst.strong) {
        const inner = ring * 0.6 + strand / k;
        path.moveTo(x + inner, y);
        path.arc(x, y, inner, 0, Math.PI * 2);
      }
    }
  }
  ctx.lineWidth = 1 / k;
  for (let slot = 0; slot < 2 * FADE_STEPS; slot++) {
    if (!paths[slot]) continue;
    const step = slot % FADE_STEPS;
    ctx.globalAlpha = 1 - (step + 0.5) / FADE_STEPS;
    ctx.strokeStyle = slot >= FADE_STEPS ? colors.error : colors.ok;
    ctx.stroke(paths[slot]);
  }
  ctx.globalAlpha = 1;
}

function easeInOut(t) {
  return t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
}
