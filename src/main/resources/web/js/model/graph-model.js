// The graph as the server last described it: nodes and edges by id, kept up to date from `hello` and `batch`.
//
// This is the server's truth and nothing else: what the page animates (comets, bursts, rate bands) is kept by
// anim/flashes.js in maps of its own, keyed by edge and node id. Node and edge objects keep their identity across
// updates (new fields are copied onto the existing object) because the layout stores x/y/vx/vy on the node objects
// themselves (d3-force's convention, see layout/layout.js); replacing them would make nodes jump.

import { NODE_KINDS, parseNodeId, proxyId } from '../net/node-id.js';

export { NODE_KINDS };

const pairKey = (sourceId, targetId) => sourceId + '\u0000' + targetId;

/**
 * Best-effort node for an id we have not been told about yet (an edge or event that raced ahead of its node), from
 * what the id itself says (net/node-id.js). The server's description replaces it when it arrives.
 */
export function placeholderNode(id) {
  const parsed = parseNodeId(id);
  return {
    id,
    kind: parsed ? parsed.kind : 'unrecognised',
    label: parsed ? parsed.label : id,
    server: parsed ? parsed.server : 'unknown',
    network: parsed ? parsed.network : '',
    addresses: [],
    placeholder: true,
    out: new Map(),
  };
}

export class GraphModel {
  constructor() {
    this.nodes = new Map();
    this.edges = new Map();
    this.edgeByPair = new Map();
    this.servers = [];
    this.proxyInfo = new Map(); // proxy node id -> {server, name, role, network, api}
    this.ingest = null;
    this.view = 'hops';
    this.generatedAt = 0;
    /** Bumped whenever nodes or edges are added or removed, so dependants know to rebuild indexes. */
    this.structureVersion = 0;
    /** Bumped whenever any statistic changes. */
    this.statsVersion = 0;
  }

  /** Replaces everything with a /network_info document. Returns {addedNodes, removedNodes}. */
  applyHello(graph) {
    graph = graph || {};
    this.view = graph.view || 'hops';
    this.generatedAt = graph.generatedAt || 0;
    this.ingest = graph.ingest || null;
    this.servers = Array.isArray(graph.servers) ? graph.servers : [];
    this.proxyInfo.clear();
    for (const server of this.servers) {
      for (const proxy of server.proxies || []) {
        const id = typeof proxy.id === 'string' ? proxy.id : proxyId(server.name, proxy.name);
        this.proxyInfo.set(id, { server: server.name, ...proxy });
      }
    }

    const seen = new Set();
    const addedNodes = [];
    for (const raw of graph.nodes || []) {
      if (!raw || typeof raw.id !== 'string') continue;
      seen.add(raw.id);
      const { node, added } = this.upsertNode(raw);
      if (added) addedNodes.push(node);
    }
    const removedNodes = [];
    for (const [id, node] of this.nodes) {
      if (!seen.has(id)) {
        this.nodes.delete(id);
        removedNodes.push(node);
      }
    }

    this.edges.clear();
    this.edgeByPair.clear();
    for (const node of this.nodes.values()) node.out.clear();
    const addedFromEdges = [];
    for (const raw of graph.edges || []) this.upsertEdge(raw, addedFromEdges);

    this.structureVersion++;
    this.statsVersion++;
    return { addedNodes: addedNodes.concat(addedFromEdges), removedNodes };
  }

  /** Applies the node/edge part of a batch. Returns {addedNodes, addedEdges}. */
  applyBatch(batch) {
    const addedNodes = [];
    const addedEdges = [];
    for (const raw of batch.nodes || []) {
      if (!raw || typeof raw.id !== 'string') continue;
      const { node, added } = this.upsertNode(raw);
      if (added) addedNodes.push(node);
    }
    for (const raw of batch.edges || []) this.upsertEdge(raw, addedNodes, addedEdges);
    if (addedNodes.length || addedEdges.length) this.structureVersion++;
    if ((batch.edges && batch.edges.length) || addedNodes.length) this.statsVersion++;
    return { addedNodes, addedEdges };
  }

  upsertNode(raw) {
    const existing = this.nodes.get(raw.id);
    if (existing) {
      const wasPlaceholder = existing.placeholder;
      const movedNetwork = raw.network != null && String(raw.network) !== existing.network;
      const { out } = existing;
      Object.assign(existing, raw, { placeholder: false, out });
      if (raw.network != null) existing.network = String(raw.network);
      // A service the server decided belongs to another network: its group box changes with it.
      if (wasPlaceholder || movedNetwork) this.structureVersion++;
      return { node: existing, added: false };
    }
    const node = {
      addresses: [],
      ...raw,
      kind: NODE_KINDS.includes(raw.kind) ? raw.kind : 'unrecognised',
      label: raw.label != null ? String(raw.label) : raw.id,
      server: raw.server != null ? String(raw.server) : '',
      network: raw.network != null ? String(raw.network) : '',
      placeholder: false,
      out: new Map(),
    };
    this.nodes.set(node.id, node);
    return { node, added: true };
  }

  /** Ensures a node exists for `id`, inventing a placeholder if needed (pushed onto `addedNodes`). */
  nodeFor(id, addedNodes) {
    let node = this.nodes.get(id);
    if (!node) {
      node = placeholderNode(id);
      this.nodes.set(id, node);
      if (addedNodes) addedNodes.push(node);
    }
    return node;
  }

  /** Updates or adds an edge; a new one is pushed onto `addedEdges`, new nodes its ends needed onto `addedNodes`. */
  upsertEdge(raw, addedNodes, addedEdges) {
    if (!raw || typeof raw.source !== 'string' || typeof raw.target !== 'string') return null;
    const id = typeof raw.id === 'string' ? raw.id : raw.source + '->' + raw.target;
    let edge = this.edges.get(id);
    if (edge) {
      Object.assign(edge, raw);
      edge.id = id;
      return edge;
    }
    edge = {
      requests: 0, errors: 0, status: {}, ratePerSec: 0, p95Ms: null,
      ...raw,
      id,
      sourceNode: this.nodeFor(raw.source, addedNodes),
      targetNode: this.nodeFor(raw.target, addedNodes),
    };
    this.edges.set(id, edge);
    if (addedEdges) addedEdges.push(edge);
    this.edgeByPair.set(pairKey(raw.source, raw.target), edge);
    // Per-node index of outgoing edges: the hot path (every hop of every event) looks edges up here with the
    // node's own id string, whose hash V8 has already cached, instead of building a pair key per lookup.
    edge.sourceNode.out.set(edge.target, edge);
    const reverse = this.edgeByPair.get(pairKey(raw.target, raw.source));
    // Both directions exist: the renderer draws them side by side instead of on top of each other.
    if (reverse) {
      edge.hasReverse = true;
      reverse.hasReverse = true;
    }
    return edge;
  }

  edgeBetween(sourceId, targetId) {
    return this.edgeByPair.get(pairKey(sourceId, targetId)) || null;
  }

  /** Same as edgeBetween, for callers that already hold both node objects (faster). */
  edgeFromTo(sourceNode, targetNode) {
    return sourceNode.out.get(targetNode.id) || null;
  }

  /** The edges an event crossed, in order (missing ones are null). */
  edgesOfEvent(event) {
    const hops = Array.isArray(event.hops) ? event.hops : [];
    const result = [];
    for (let i = 0; i + 1 < hops.length; i++) result.push(this.edgeBetween(hops[i], hops[i + 1]));
    return result;
  }

  edgesTouching(nodeId) {
    const result = [];
    for (const edge of this.edges.values()) {
      if (edge.source === nodeId || edge.target === nodeId) result.push(edge);
    }
    return result;
  }
}

/** Does `event` involve the node with id `nodeId`? */
export function eventTouchesNode(event, nodeId) {
  if (event.fromId === nodeId || event.proxyId === nodeId || event.toId === nodeId) return true;
  const hops = event.hops;
  if (Array.isArray(hops)) for (const hop of hops) if (hop === nodeId) return true;
  return false;
}

/** Did `event` cross the edge source→target? */
export function eventCrossesEdge(event, edge) {
  const hops = event.hops;
  if (!Array.isArray(hops)) return false;
  for (let i = 0; i + 1 < hops.length; i++) {
    if (hops[i] === edge.source && hops[i + 1] === edge.target) return true;
  }
  return false;
}
