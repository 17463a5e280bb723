// Request animation: every request travels its hops in order (caller → proxy → service) as a small comet,
// green when it succeeded and red when it failed; a request Traefik answered itself ends in a burst at the proxy.
//
// Under load the picture must stay truthful and smooth at the same time:
//  * each edge shows at most PER_EDGE_BUDGET individual comets at once; successful requests beyond that are folded
//    into a stream of particles whose density follows the overflow rate;
//  * failed requests always get their own comet (an error must never be hidden by aggregation);
//  * the toolbar counter says how many requests got their own comet out of how many the server saw.

import { BURST_MS, MANY_BURSTS, SEGMENT_MS, drawBands, drawFlashes } from '../view/flash-render.js';

export { SEGMENT_MS };
const BURST_MERGE_MS = 150;
const PER_EDGE_BUDGET = 12;
const GLOBAL_OK_BUDGET = 1500; // bounds the per-frame cost whatever the edge count
const SPREAD_WINDOW_MS = 100; // events of one batch are spread over this much time instead of pulsing together
const AGGREGATE_TICK_MS = 250;
const BAND_HYSTERESIS = 0.3; // in log10 of the rate: a band changes width only when the rate clearly moved (×2)

export function createFlashes({ model }) {
  const flashes = [];
  const bursts = [];
  const aggregatedEdges = new Set();
  let clock = 0; // animation time; stands still while paused
  let lastReal = performance.now();
  let paused = false;
  let okInFlight = 0;
  let lastAggregateTick = 0;
  let bandsVersion = 0; // bumped when a rate band appears, disappears or changes width: the map layer redraws them

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

  /**
   * One burst per node per BURST_MERGE_MS: a thousand identical rings on one proxy would only cost frames. When
   * many are showing (errors ending on hundreds of nodes), one per node at a time: every such node still pulses.
   */
  function addBurst(node, flash) {
    const strong = flash.answeredByProxy;
    const key = strong ? (flash.isError ? 'lastStrongErrorBurst' : 'lastStrongOkBurst') : 'lastErrorBurst';
    const merge = bursts.length > MANY_BURSTS ? BURST_MS : BURST_MERGE_MS;
    if (node[key] != null && clock - node[key] < merge && node[key] <= clock) return;
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
        const band = edge.aggregateRate ? bandOf(edge) : null;
        if (band !== (edge.foldedBand ?? null)) {
          edge.foldedBand = band;
          bandsVersion++;
        }
      }
    }
    return flashes.length > 0 || bursts.length > 0 || aggregatedEdges.size > 0;
  }

  const drawState = { flashes, bursts, aggregatedEdges, clock: 0 };

  /**
   * Draws the moving parts (see flash-render.js). The context has the world transform applied; `view` is
   * {k, x, y, ratio, width, height}; `isNodeVisible` hides comets on filtered-out parts of the graph.
   */
  function draw(ctx, view, colors, isNodeVisible, positionsVersion) {
    drawState.clock = clock;
    drawFlashes(ctx, view, drawState, colors, isNodeVisible, positionsVersion);
  }

  return {
    ingest,
    ingestFolded,
    step,
    draw,
    /** The rate bands under folded streams, for the renderer's cached map layer (world transform applied). */
    drawBands(ctx, k, colors, isNodeVisible, positionsVersion) {
      return drawBands(ctx, k, aggregatedEdges, colors, isNodeVisible, positionsVersion);
    },
    get bandsVersion() {
      return bandsVersion;
    },
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
      for (const edge of aggregatedEdges) {
        edge.aggregateRate = 0;
        edge.foldedBand = null;
      }
      if (aggregatedEdges.size) bandsVersion++;
      aggregatedEdges.clear();
      okInFlight = 0;
    },
  };
}

/**
 * Width bucket of an edge's rate band: log10 of the folded rate (0: < 9/s, 1: < 99/s, 2: < 999/s, 3: more), kept
 * until the rate is clearly in another bucket, so a rate hovering at a boundary does not redraw the map every tick.
 */
function bandOf(edge) {
  const level = Math.log10(1 + edge.aggregateRate);
  const current = edge.foldedBand;
  if (current == null) return Math.min(3, Math.floor(level));
  if (level >= current + 1 + BAND_HYSTERESIS) return Math.min(3, Math.floor(level - BAND_HYSTERESIS));
  if (level < current - BAND_HYSTERESIS) return Math.max(0, Math.floor(level + BAND_HYSTERESIS));
  return current;
}
