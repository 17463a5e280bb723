// Request animation: every request travels its hops in order (caller → proxy → service) as a small comet,
// green when it succeeded and red when it failed; a request Traefik answered itself ends in a burst at the proxy.
//
// Under load the picture must stay truthful and smooth at the same time:
//  * each edge shows at most PER_EDGE_BUDGET individual comets at once; successful requests beyond that are folded
//    into a stream of particles whose density follows the overflow rate;
//  * failed requests always get their own comet (an error must never be hidden by aggregation);
//  * the toolbar counter says how many requests got their own comet out of how many the server saw.

import { cachedEdgeSegment, edgeSegment } from './geometry.js';

export const SEGMENT_MS = 700; // time a comet needs to cross one hop
const BURST_MS = 750;
const BURST_MERGE_MS = 150;
const PER_EDGE_BUDGET = 12;
const GLOBAL_OK_BUDGET = 1500; // bounds the per-frame cost whatever the edge count
const MAX_PARTICLES = 3000; // same for the aggregated streams
const MANY_COMETS = 600; // above this, heads are drawn as pixel-aligned squares: far cheaper to rasterise than arcs
const TAIL = 0.16; // comet tail length, as a fraction of the hop
const SPREAD_WINDOW_MS = 100; // events of one batch are spread over this much time instead of pulsing together
const AGGREGATE_TICK_MS = 250;

export function createFlashes({ model }) {
  const flashes = [];
  const bursts = [];
  const aggregatedEdges = new Set();
  let clock = 0; // animation time; stands still while paused
  let lastReal = performance.now();
  let paused = false;
  let okInFlight = 0;
  let lastAggregateTick = 0;

  const counters = { received: 0, dropped: 0, startedOk: 0, startedError: 0, aggregated: 0, filtered: 0 };

  /**
   * Takes the events of one batch. `accept(event)` says whether filters let it through.
   * Returns nothing: the effect is visible on the next draw.
   */
  function ingest(events, accept) {
    counters.received += events.length;
    if (paused) return;
    const count = events.length;
    for (let i = 0; i < count; i++) {
      const event = events[i];
      if (!accept(event)) {
        counters.filtered++;
        continue;
      }
      const hops = Array.isArray(event.hops) ? event.hops : [];
      if (hops.length < 2) continue;
      const nodes = [];
      for (const id of hops) {
        const node = model.nodes.get(id);
        if (!node) break;
        nodes.push(node);
      }
      if (nodes.length < 2) continue;
      const edges = [];
      for (let h = 0; h + 1 < nodes.length; h++) edges.push(model.edgeFromTo(nodes[h], nodes[h + 1]));

      const isError = event.outcome === 'error';
      if (!isError && !hasBudget(edges)) {
        counters.aggregated++;
        for (const edge of edges) {
          if (!edge) continue;
          edge.aggregateCount = (edge.aggregateCount || 0) + 1;
          aggregatedEdges.add(edge);
        }
        continue;
      }
      // Only successful comets count against the per-edge budget: a burst of errors must not starve the green
      // picture of an edge that is mostly fine (errors are never folded away, so they would).
      if (!isError) for (const edge of edges) if (edge) edge.activeOk = (edge.activeOk || 0) + 1;
      if (isError) counters.startedError++;
      else {
        counters.startedOk++;
        okInFlight++;
      }
      flashes.push({
        nodes,
        edges,
        start: clock + (count > 1 ? (i / count) * SPREAD_WINDOW_MS : 0),
        isError,
        answeredByProxy: event.answeredBy === 'proxy',
        seq: event.seq,
      });
    }
  }

  /**
   * Requests the server folded into counts per route ([{hops, count}], past its per-batch budget): they join the
   * particle streams of their edges, as successful requests over an edge's comet budget do here.
   */
  function ingestFolded(routes) {
    for (const route of routes) {
      counters.received += route.count;
      counters.aggregated += route.count;
      if (paused) continue;
      for (let h = 0; h + 1 < route.hops.length; h++) {
        const from = model.nodes.get(route.hops[h]);
        const to = model.nodes.get(route.hops[h + 1]);
        const edge = from && to ? model.edgeFromTo(from, to) : null;
        if (!edge) continue;
        edge.aggregateCount = (edge.aggregateCount || 0) + route.count;
        aggregatedEdges.add(edge);
      }
    }
  }

  /** One burst per node per BURST_MERGE_MS: a thousand identical rings on one proxy would only cost frames. */
  function addBurst(node, flash) {
    const strong = flash.answeredByProxy;
    const key = strong ? (flash.isError ? 'lastStrongErrorBurst' : 'lastStrongOkBurst') : 'lastErrorBurst';
    if (node[key] != null && clock - node[key] < BURST_MERGE_MS && node[key] <= clock) return;
    node[key] = clock;
    bursts.push({ node, start: clock, isError: flash.isError, strong });
  }

  function hasBudget(edges) {
    if (okInFlight >= GLOBAL_OK_BUDGET) return false;
    for (const edge of edges) if (edge && (edge.activeOk || 0) >= PER_EDGE_BUDGET) return false;
    return true;
  }

  /** Advances time; returns true while something is animating (so the caller knows to keep drawing). */
  function step(realNow) {
    const dt = Math.min(250, realNow - lastReal); // a background tab must not fast-forward everything at once
    lastReal = realNow;
    if (!paused) clock += dt;

    for (let i = flashes.length - 1; i >= 0; i--) {
      const flash = flashes[i];
      const duration = (flash.nodes.length - 1) * SEGMENT_MS;
      if (clock - flash.start < duration) continue;
      if (flash.answeredByProxy || flash.isError) addBurst(flash.nodes[flash.nodes.length - 1], flash);
      if (!flash.isError) {
        for (const edge of flash.edges) if (edge) edge.activeOk--;
        okInFlight--;
      }
      flashes[i] = flashes[flashes.length - 1];
      flashes.pop();
    }
    for (let i = bursts.length - 1; i >= 0; i--) {
      if (clock - bursts[i].start >= BURST_MS) {
        bursts[i] = bursts[bursts.length - 1];
        bursts.pop();
      }
    }
    if (!paused && clock - lastAggregateTick >= AGGREGATE_TICK_MS) {
      const seconds = (clock - lastAggregateTick) / 1000;
      lastAggregateTick = clock;
      for (const edge of aggregatedEdges) {
        const instant = (edge.aggregateCount || 0) / seconds;
        edge.aggregateCount = 0;
        edge.aggregateRate = (edge.aggregateRate || 0) * 0.6 + instant * 0.4;
        if (edge.aggregateRate < 0.05) {
          edge.aggregateRate = 0;
          aggregatedEdges.delete(edge);
        }
      }
    }
    return flashes.length > 0 || bursts.length > 0 || aggregatedEdges.size > 0;
  }

  /**
   * Draws in world coordinates (the caller has applied the zoom transform). `k` is the zoom scale, used to keep
   * dots a constant size on screen; `isNodeVisible` hides comets on filtered-out parts of the graph.
   */
  function draw(ctx, k, colors, isNodeVisible, positionsVersion) {
    const px = (n) => n / k;
    const cheap = flashes.length > MANY_COMETS;
    // Many comets at once: smaller ones, so a crowd of them does not paint over everything else.
    const headRadius = px(Math.max(2, Math.min(4.5, 3.2 * Math.sqrt(k))) * (cheap ? 0.7 : 1));
    const scratch = {};

    // Rate-shaped particle streams first, so individual comets are drawn on top of them. Density follows the
    // overflow rate on a log scale, and the total is capped so a thousand busy edges stay affordable.
    if (aggregatedEdges.size) {
      // Density grows with the log of the folded rate, so a busy healthy edge reads as a thick green stream
      // next to however many individual red comets its errors produce.
      const perEdge = (edge) => Math.max(2, Math.min(24, Math.round(2.5 * Math.log2(1 + (edge.aggregateRate || 0)))));
      let wanted = 0;
      for (const edge of aggregatedEdges) wanted += perEdge(edge);
      const thin = Math.min(1, MAX_PARTICLES / wanted);
      const size = px(3);
      const phase = (clock / SEGMENT_MS) % 1;
      const particles = new Path2D();
      // Under the particles, a translucent green band whose width follows the folded rate: the volume of healthy
      // traffic stays visible even when an edge's (never folded) errors put many red comets on top of it.
      const bands = [new Path2D(), new Path2D(), new Path2D(), new Path2D()];
      for (const edge of aggregatedEdges) {
        if (!isNodeVisible(edge.sourceNode) || !isNodeVisible(edge.targetNode)) continue;
        const segment = cachedEdgeSegment(edge, positionsVersion);
        const band = bands[Math.min(3, Math.floor(Math.log10(1 + (edge.aggregateRate || 0))))];
        band.moveTo(segment.x1, segment.y1);
        band.lineTo(segment.x2, segment.y2);
      }
      ctx.globalAlpha = 0.4;
      ctx.strokeStyle = colors.ok;
      ctx.lineCap = 'butt';
      for (let b = 0; b < bands.length; b++) {
        ctx.lineWidth = px(3 + b * 3);
        ctx.stroke(bands[b]);
      }
      ctx.globalAlpha = 1;
      for (const edge of aggregatedEdges) {
        if (!isNodeVisible(edge.sourceNode) || !isNodeVisible(edge.targetNode)) continue;
        const count = Math.max(1, Math.round(perEdge(edge) * thin));
        const segment = cachedEdgeSegment(edge, positionsVersion);
        for (let p = 0; p < count; p++) {
          const t = (phase + p / count) % 1;
          particles.rect(segment.x1 + (segment.x2 - segment.x1) * t - size / 2,
            segment.y1 + (segment.y2 - segment.y1) * t - size / 2, size, size);
        }
      }
      ctx.globalAlpha = 0.8;
      ctx.fillStyle = colors.ok;
      ctx.fill(particles);
      ctx.globalAlpha = 1;
    }

    // Comets: OK ones first, errors last so they stay on top. Tails are hairlines (the cheapest stroke there is).
    for (const wantError of [false, true]) {
      const tails = new Path2D();
      const heads = new Path2D();
      let any = false;
      for (const flash of flashes) {
        if (flash.isError !== wantError) continue;
        const elapsed = clock - flash.start;
        if (elapsed < 0) continue;
        const hop = Math.floor(elapsed / SEGMENT_MS);
        if (hop >= flash.nodes.length - 1) continue;
        const from = flash.nodes[hop];
        const to = flash.nodes[hop + 1];
        if (!isNodeVisible(from) || !isNodeVisible(to)) continue;
        const edge = flash.edges[hop];
        const segment = edge ? cachedEdgeSegment(edge, positionsVersion) : edgeSegment(from, to, false, scratch);
        const t = easeInOut((elapsed - hop * SEGMENT_MS) / SEGMENT_MS);
        const tailT = Math.max(0, t - TAIL);
        const dx = segment.x2 - segment.x1;
        const dy = segment.y2 - segment.y1;
        const x = segment.x1 + dx * t;
        const y = segment.y1 + dy * t;
        if (!cheap) {
          // In a crowd, tails merge into solid lines that hide the edge colour: heads alone read better.
          tails.moveTo(segment.x1 + dx * tailT, segment.y1 + dy * tailT);
          tails.lineTo(x, y);
        }
        if (cheap) heads.rect(x - headRadius, y - headRadius, headRadius * 2, headRadius * 2);
        else {
          heads.moveTo(x + headRadius, y);
          heads.arc(x, y, headRadius, 0, Math.PI * 2);
        }
        any = true;
      }
      if (!any) continue;
      const color = wantError ? colors.error : colors.ok;
      ctx.strokeStyle = color;
      ctx.lineWidth = px(cheap ? 1 : 2);
      ctx.lineCap = 'butt';
      ctx.globalAlpha = 0.6;
      ctx.stroke(tails);
      ctx.globalAlpha = 1;
      ctx.fillStyle = color;
      ctx.fill(heads);
    }

    // Bursts: where a failed request ended, and (stronger, double ring) where a proxy answered by itself.
    for (const burst of bursts) {
      if (!isNodeVisible(burst.node)) continue;
      const progress = (clock - burst.start) / BURST_MS;
      const radius = burst.node.kind === 'proxy' || burst.node.kind === 'gateway' ? 14 : 9;
      const ring = radius + px(4) + (burst.strong ? px(20) : px(12)) * progress;
      ctx.globalAlpha = Math.max(0, 1 - progress);
      ctx.strokeStyle = burst.isError ? colors.error : colors.ok;
      ctx.lineWidth = px(burst.strong ? 3 : 2);
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

  return {
    ingest,
    ingestFolded,
    step,
    draw,
    counters,
    addDropped(n) {
      if (Number.isFinite(n) && n > 0) counters.dropped += n;
    },
    setPaused(value) {
      paused = value;
    },
    get paused() {
      return paused;
    },
    get inFlight() {
      return flashes.length;
    },
    /** Forget everything in flight (e.g. the graph was replaced by a new hello). */
    clear() {
      for (const flash of flashes) for (const edge of flash.edges) if (edge) edge.activeOk = 0;
      flashes.length = 0;
      bursts.length = 0;
      for (const edge of aggregatedEdges) edge.aggregateRate = 0;
      aggregatedEdges.clear();
      okInFlight = 0;
    },
  };
}

function easeInOut(t) {
  return t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
}
