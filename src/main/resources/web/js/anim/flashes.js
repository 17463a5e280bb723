// Request animation state: every request travels its hops in order (caller → proxy → service) as a small comet,
// green when it succeeded and red when it failed; a request Traefik answered itself, or one that failed, ends in a
// burst at the node where it stopped.
//
// This module owns every piece of animation state and writes nothing onto the graph model's objects:
//  * `tracks`: Map<edgeId, EdgeTrack>, what is happening on an edge (comets in flight, folded traffic, its rate band);
//  * `nodeBursts`: Map<nodeId, NodeBursts>, when the node last burst, of each kind (to merge bursts);
//  * the comets and bursts in flight, the animation clock, the counters.
// It reads the model (nodes by id, edges between two nodes) and never draws: view/flash-render.js draws what it
// holds, through the read-only accessors at the end of createFlashes.
//
// Under load the picture must stay truthful and smooth at the same time:
//  * each edge shows at most PER_EDGE_BUDGET individual comets at once; successful requests beyond that are folded
//    into a stream of particles whose density follows the overflow rate;
//  * failed requests always get their own comet (an error must never be hidden by aggregation);
//  * the toolbar counter says how many requests got their own comet out of how many the server saw.

export const SEGMENT_MS = 700; // time a comet needs to cross one hop
export const BURST_MS = 750; // a burst's lifetime
export const MANY_BURSTS = 150; // above this, one burst per node at a time (and the view batches their rings)
export const PER_EDGE_BUDGET = 12; // successful comets in flight per edge before more are folded
export const GLOBAL_OK_BUDGET = 1500; // bounds the per-frame cost whatever the edge count
const BURST_MERGE_MS = 150;
const SPREAD_WINDOW_MS = 100; // events of one batch are spread over this much time instead of pulsing together
const AGGREGATE_TICK_MS = 250;
const BAND_HYSTERESIS = 0.3; // in log10 of the rate: a band changes width only when the rate clearly moved (×2)

/**
 * EdgeTrack: what the animation knows about one edge.
 *   edge         the model's edge (read only: its ends, for drawing)
 *   index        a small number, unique among the tracks since the last clear(): the view caches per track by it
 *   activeOk     successful comets on it now (its budget)
 *   folded       successful requests folded into its stream since the last aggregate tick
 *   foldedRate   folded requests per second, smoothed
 *   band         width bucket (0..3) of its rate band, or null
 *
 * NodeBursts: {strongError, strongOk, error}, the clock time of the node's last burst of each kind (or null).
 *
 * `now` is the page's time at creation (performance.now()); step() is then given the time of each frame.
 */
export function createFlashes({ model, now = performance.now() }) {
  const comets = [];
  const bursts = [];
  const tracks = new Map(); // edge id -> EdgeTrack
  const nodeBursts = new Map(); // node id -> NodeBursts
  const streams = new Set(); // tracks with folded traffic: their particles move and their band shows
  let clock = 0; // animation time; stands still while paused
  let lastReal = now;
  let paused = false;
  let okInFlight = 0;
  let lastAggregateTick = 0;
  let bandsVersion = 0; // bumped when a rate band appears, disappears or changes width: the map layer redraws them

  const counters = { received: 0, dropped: 0, startedOk: 0, startedError: 0, aggregated: 0, filtered: 0 };

  /** The track of a model edge, created on first use. */
  function trackOf(edge) {
    let track = tracks.get(edge.id);
    if (!track) {
      track = { edge, index: tracks.size, activeOk: 0, folded: 0, foldedRate: 0, band: null };
      tracks.set(edge.id, track);
    } else if (track.edge !== edge) {
      track.edge = edge; // the model replaced the edge object (a new hello): follow it
    }
    return track;
  }

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
      const hopTracks = [];
      for (let h = 0; h + 1 < nodes.length; h++) {
        const edge = model.edgeFromTo(nodes[h], nodes[h + 1]);
        hopTracks.push(edge ? trackOf(edge) : null);
      }

      const isError = event.outcome === 'error';
      if (!isError && !hasBudget(hopTracks)) {
        counters.aggregated++;
        for (const track of hopTracks) {
          if (!track) continue;
          track.folded++;
          streams.add(track);
        }
        continue;
      }
      // Only successful comets count against the per-edge budget: a burst of errors must not starve the green
      // picture of an edge that is mostly fine (errors are never folded away, so they would).
      if (!isError) for (const track of hopTracks) if (track) track.activeOk++;
      if (isError) counters.startedError++;
      else {
        counters.startedOk++;
        okInFlight++;
      }
      comets.push({
        nodes,
        tracks: hopTracks,
        start: clock + (count > 1 ? (i / count) * SPREAD_WINDOW_MS : 0),
        isError,
        answeredByProxy: event.answeredBy === 'proxy',
        seq: event.seq,
        requestId: event.requestId, // a click on the comet traces the request across proxies
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
        const track = trackOf(edge);
        track.folded += route.count;
        streams.add(track);
      }
    }
  }

  /**
   * One burst per node per BURST_MERGE_MS: a thousand identical rings on one proxy would only cost frames. When
   * many are showing (errors ending on hundreds of nodes), one per node at a time: every such node still pulses.
   */
  function addBurst(node, comet) {
    const strong = comet.answeredByProxy;
    const key = strong ? (comet.isError ? 'strongError' : 'strongOk') : 'error';
    let last = nodeBursts.get(node.id);
    if (!last) {
      last = { strongError: null, strongOk: null, error: null };
      nodeBursts.set(node.id, last);
    }
    const merge = bursts.length > MANY_BURSTS ? BURST_MS : BURST_MERGE_MS;
    const previous = last[key];
    if (previous != null && clock - previous < merge && previous <= clock) return;
    last[key] = clock;
    bursts.push({ node, start: clock, isError: comet.isError, strong });
  }

  function hasBudget(hopTracks) {
    if (okInFlight >= GLOBAL_OK_BUDGET) return false;
    for (const track of hopTracks) if (track && track.activeOk >= PER_EDGE_BUDGET) return false;
    return true;
  }

  /** Advances time; returns true while something is animating (so the caller knows to keep drawing). */
  function step(realNow) {
    const dt = Math.min(250, realNow - lastReal); // a background tab must not fast-forward everything at once
    lastReal = realNow;
    if (!paused) clock += dt;

    for (let i = comets.length - 1; i >= 0; i--) {
      const comet = comets[i];
      const duration = (comet.nodes.length - 1) * SEGMENT_MS;
      if (clock - comet.start < duration) continue;
      if (comet.answeredByProxy || comet.isError) addBurst(comet.nodes[comet.nodes.length - 1], comet);
      if (!comet.isError) {
        for (const track of comet.tracks) if (track) track.activeOk--;
        okInFlight--;
      }
      comets[i] = comets[comets.length - 1];
      comets.pop();
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
      for (const track of streams) {
        const instant = track.folded / seconds;
        track.folded = 0;
        track.foldedRate = track.foldedRate * 0.6 + instant * 0.4;
        if (track.foldedRate < 0.05) {
          track.foldedRate = 0;
          streams.delete(track);
        }
        const band = track.foldedRate ? bandOf(track) : null;
        if (band !== track.band) {
          track.band = band;
          bandsVersion++;
        }
      }
    }
    return comets.length > 0 || bursts.length > 0 || streams.size > 0;
  }

  return {
    ingest,
    ingestFolded,
    step,
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
    /** Comets in flight. */
    get inFlight() {
      return comets.length;
    },
    /** Forget everything in flight (e.g. the graph was replaced by a new hello). */
    clear() {
      comets.length = 0;
      bursts.length = 0;
      if (streams.size) bandsVersion++;
      streams.clear();
      tracks.clear();
      nodeBursts.clear();
      okInFlight = 0;
    },

    // Read by the view (view/flash-render.js) and by tests; not to be changed from outside.
    /** Animation time in ms: stands still while paused. */
    get clock() {
      return clock;
    },
    /** [{nodes, tracks (EdgeTrack or null per hop), start, isError, answeredByProxy, seq}] */
    comets,
    /** [{node, start, isError, strong}] */
    bursts,
    /** Set of the EdgeTracks with folded traffic. */
    streams,
    /** Bumped whenever a rate band appears, disappears or changes width. */
    get bandsVersion() {
      return bandsVersion;
    },
    /** The EdgeTrack of an edge id, if it has one. */
    track(edgeId) {
      return tracks.get(edgeId);
    },
    /** The NodeBursts of a node id, if it burst since the last clear(). */
    nodeBursts(nodeId) {
      return nodeBursts.get(nodeId);
    },
  };
}

/**
 * Width bucket of an edge's rate band: log10 of the folded rate (0: < 9/s, 1: < 99/s, 2: < 999/s, 3: more), kept
 * until the rate is clearly in another bucket, so a rate hovering at a boundary does not redraw the map every tick.
 */
export function bandOf(track) {
  const level = Math.log10(1 + track.foldedRate);
  const current = track.band;
  if (current == null) return Math.min(3, Math.floor(level));
  if (level >= current + 1 + BAND_HYSTERESIS) return Math.min(3, Math.floor(level - BAND_HYSTERESIS));
  if (level < current - BAND_HYSTERESIS) return Math.max(0, Math.floor(level + BAND_HYSTERESIS));
  return current;
}
