// Force layout (d3-force) that groups nodes by server and network and stays put as the graph grows.
//
// Stability rules:
//  * once the simulation has cooled, every node gets an anchor (its current position) and a strong pull back to it,
//    so later arrivals nudge but do not rearrange what the user has already learnt;
//  * new nodes start next to their network (or server) instead of at the origin;
//  * overlapping group boxes are pushed apart by translating whole groups (anchors included), with the newer,
//    less-settled group doing most of the moving.
// The simulation never runs its own timer: the render loop calls step() so layout and drawing share one frame.

import { groupNodes, measureGroups, nodeExtent, GROUP_GAP, LABEL_FONT_SIZE } from './groups.js';
import { nodeRadius } from '../lib/geometry.js';
import { loadPositions, savePositions, forgetPositions } from './positions.js';
import { d3 } from '../lib/d3.js';

const KIND_FLOW_BIAS = { external: -1, unrecognised: -1, gateway: -0.2, proxy: 0, service: 1 };
const SETTLED_ALPHA = 0.02;

export function createLayout({ onSettled = () => {}, aspectRatio = () => 1.6 } = {}) {
  const remembered = loadPositions();
  let nodes = [];
  let links = [];
  let groups = [];
  let running = false;
  let saveTimer = null;

  const linkForce = d3
    .forceLink([])
    .id((node) => node.id)
    .distance((link) => (link.source.network === link.target.network ? 95 : 150))
    .strength((link) => {
      // Callers are placed by the column force; a stiff link would pull them into a ring around their proxy,
      // where labels cross the edges.
      if (link.source.kind === 'external' || link.source.kind === 'unrecognised') return 0.06;
      const base = 1 / Math.min(link.source.degree || 1, link.target.degree || 1);
      // Between groups, links barely pull: group placement comes from the grid and the separation force, and a
      // few hundred cross-server links would otherwise crush all servers into one pile.
      if (link.source.server !== link.target.server) return base * 0.005;
      if (link.source.network !== link.target.network) return base * 0.1;
      return base;
    });

  const simulation = d3
    .forceSimulation([])
    .stop()
    .alphaMin(SETTLED_ALPHA)
    .alphaDecay(0.035)
    .velocityDecay(0.45)
    .force('link', linkForce)
    .force('charge', d3.forceManyBody().strength(-220).distanceMax(400).theta(0.9))
    .force('collide', d3.forceCollide((node) => nodeRadius(node) + 12).iterations(1))
    .force('cluster', clusterForce)
    .force('labels', labelForce)
    .force('anchor', anchorForce)
    .force('separate', separationForce);

  /** Pulls unanchored nodes to their network's centre, callers to the left and services to the right. */
  function clusterForce(alpha) {
    for (const server of groups) {
      let sx = 0, sy = 0;
      for (const node of server.nodes) {
        sx += node.x;
        sy += node.y;
      }
      sx /= server.nodes.length;
      sy /= server.nodes.length;
      for (const network of server.networks) {
        let cx = 0, cy = 0;
        for (const node of network.nodes) {
          cx += node.x;
          cy += node.y;
        }
        cx /= network.nodes.length;
        cy /= network.nodes.length;
        const spread = 100 + 12 * Math.sqrt(network.nodes.length);
        for (const node of network.nodes) {
          if (node.anchorX != null) continue;
          const bias = KIND_FLOW_BIAS[node.kind] || 0;
          const targetX = cx + bias * spread;
          // Callers and services are pulled firmly into their columns: the picture then reads left to right.
          const columnStrength = bias === 0 ? 0.1 : 0.2;
          node.vx += ((targetX - node.x) * columnStrength + (sx - node.x) * 0.02) * alpha;
          node.vy += ((cy - node.y) * 0.04 + (sy - node.y) * 0.01) * alpha;
        }
      }
    }
  }

  /**
   * Labels sit beside callers and services, so two nodes can be far enough apart for their shapes yet have
   * overlapping labels. Sweep the nodes by y and push apart (vertically) any pair whose node+label boxes overlap.
   */
  const extentA = {};
  const extentB = {};
  function labelForce(alpha) {
    const sorted = nodes.slice().sort((a, b) => a.y - b.y);
    const reach = LABEL_FONT_SIZE * 2.4;
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i];
      nodeExtent(a, extentA);
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j];
        if (b.y - a.y > reach) break;
        nodeExtent(b, extentB);
        if (extentA.x1 <= extentB.x0 || extentB.x1 <= extentA.x0) continue;
        const overlap = Math.min(extentA.y1, extentB.y1) - Math.max(extentA.y0, extentB.y0) + 3;
        if (overlap <= 0) continue;
        const push = overlap * 0.5 * alpha;
        a.vy -= push;
        b.vy += push;
      }
    }
  }

  function anchorForce(alpha) {
    for (const node of nodes) {
      if (node.anchorX == null) continue;
      node.vx += (node.anchorX - node.x) * 0.5 * alpha;
      node.vy += (node.anchorY - node.y) * 0.5 * alpha;
    }
  }

  /** Keeps sibling boxes (networks within a server, servers among servers) from overlapping. */
  function separationForce() {
    measureGroups(groups);
    let moved = false;
    for (const server of groups) moved = separateSiblings(server.networks) || moved;
    return separateSiblings(groups) || moved;
  }

  function separateSiblings(boxes) {
    let moved = false;
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i];
      if (!a.visible) continue;
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j];
        if (!b.visible) continue;
        const overlapX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + GROUP_GAP;
        const overlapY = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + GROUP_GAP;
        if (overlapX <= 0 || overlapY <= 0) continue;
        moved = true;
        const weightA = 1 + anchoredCount(a.nodes);
        const weightB = 1 + anchoredCount(b.nodes);
        const shareA = weightB / (weightA + weightB);
        // Resolve along the axis that needs the smaller move; a fraction per tick keeps it smooth.
        if (overlapX < overlapY) {
          const dir = (a.x0 + a.x1) / 2 <= (b.x0 + b.x1) / 2 ? 1 : -1;
          translate(a.nodes, -dir * overlapX * 0.3 * shareA, 0);
          translate(b.nodes, dir * overlapX * 0.3 * (1 - shareA), 0);
        } else {
          const dir = (a.y0 + a.y1) / 2 <= (b.y0 + b.y1) / 2 ? 1 : -1;
          translate(a.nodes, 0, -dir * overlapY * 0.3 * shareA);
          translate(b.nodes, 0, dir * overlapY * 0.3 * (1 - shareA));
        }
      }
    }
    return moved;
  }

  function anchoredCount(list) {
    let count = 0;
    for (const node of list) if (node.anchorX != null) count++;
    return count;
  }

  function translate(list, dx, dy) {
    for (const node of list) {
      node.x += dx;
      node.y += dy;
      if (node.anchorX != null) {
        node.anchorX += dx;
        node.anchorY += dy;
      }
      if (node.fx != null) {
        node.fx += dx;
        node.fy += dy;
      }
    }
  }

  /** Starting positions for a first layout: servers shelf-packed, their networks side by side. */
  function placeOnGrid(unplaced) {
    const sized = groups.map((server) => {
      const networks = server.networks.map((network) => {
        const side = 110 + 58 * Math.sqrt(network.nodes.length);
        return { network, width: side * 1.3, height: side };
      });
      return {
        server,
        networks,
        width: networks.reduce((sum, n) => sum + n.width + GROUP_GAP * 2, 0),
        height: Math.max(...networks.map((n) => n.height)) + 60,
      };
    });
    // Shelf-pack servers into rows; pick the row width whose result best fills a screen of this shape.
    const aspect = Math.max(0.3, Math.min(5, aspectRatio() || 1.6));
    const pack = (rowWidth) => {
      let x = 0, y = 0, rowHeight = 0, width = 0;
      const homes = new Map();
      for (const s of sized) {
        if (x > 0 && x + s.width > rowWidth) {
          x = 0;
          y += rowHeight + 80;
          rowHeight = 0;
        }
        let nx = x;
        for (const n of s.networks) {
          homes.set(n.network, { x: nx + n.width / 2, y: y + s.height / 2, width: n.width, height: n.height });
          nx += n.width + GROUP_GAP * 2;
        }
        x += s.width + 80;
        width = Math.max(width, x);
        rowHeight = Math.max(rowHeight, s.height);
      }
      return { homes, scale: Math.min(aspect / width, 1 / (y + rowHeight)) };
    };
    let best = null;
    let candidateWidth = 0;
    for (const s of sized) {
      candidateWidth += s.width + 80;
      const packed = pack(candidateWidth);
      if (!best || packed.scale > best.scale) best = packed;
    }
    const homes = best ? best.homes : new Map();
    for (const server of groups) {
      for (const network of server.networks) {
        const home = homes.get(network);
        for (const node of network.nodes) {
          if (!unplaced.has(node)) continue;
          const bias = KIND_FLOW_BIAS[node.kind] || 0;
          node.x = home.x + bias * home.width * 0.3 + (Math.random() - 0.5) * home.width * 0.3;
          node.y = home.y + (Math.random() - 0.5) * home.height * 0.6;
        }
      }
    }
  }

  /** Starting position for a node that joins an already laid-out graph: next to its own group. */
  function placeNearGroup(node, placed) {
    const jitter = () => (Math.random() - 0.5) * 40;
    const server = groups.find((s) => s.name === node.server);
    const network = server && server.networks.find((n) => n.name === node.network);
    const placedIn = (list) => list.filter((other) => placed.has(other));
    const centroid = (list) => ({
      x: list.reduce((sum, n) => sum + n.x, 0) / list.length,
      y: list.reduce((sum, n) => sum + n.y, 0) / list.length,
    });
    const extent = (list) => ({
      x0: Math.min(...list.map((n) => n.x)),
      x1: Math.max(...list.map((n) => n.x)),
      y0: Math.min(...list.map((n) => n.y)),
      y1: Math.max(...list.map((n) => n.y)),
    });
    const sameNetwork = network ? placedIn(network.nodes) : [];
    if (sameNetwork.length) {
      const c = centroid(sameNetwork);
      node.x = c.x + (KIND_FLOW_BIAS[node.kind] || 0) * 50 + jitter();
      node.y = c.y + jitter();
      return;
    }
    const sameServer = server ? placedIn(server.nodes) : [];
    if (sameServer.length) {
      const e = extent(sameServer);
      node.x = e.x1 + 140 + jitter();
      node.y = (e.y0 + e.y1) / 2 + jitter();
      return;
    }
    const all = [...placed];
    if (all.length) {
      const e = extent(all);
      node.x = e.x1 + 260 + jitter();
      node.y = e.y0 + 120 + jitter();
      return;
    }
    node.x = jitter();
    node.y = jitter();
  }

  /** Call whenever the set of nodes or edges changed. */
  function setGraph(nodeList, edgeList) {
    const previous = new Set(nodes);
    nodes = nodeList;
    groups = groupNodes(nodes);
    links = edgeList.map((edge) => ({ source: edge.sourceNode, target: edge.targetNode, edge }));
    for (const node of nodes) node.degree = 0;
    for (const link of links) {
      link.source.degree++;
      link.target.degree++;
    }

    const placed = new Set();
    const unplaced = new Set();
    for (const node of nodes) {
      if (Number.isFinite(node.x) && previous.has(node)) {
        placed.add(node);
        continue;
      }
      const saved = remembered.get(node.id);
      if (saved) {
        node.x = saved[0];
        node.y = saved[1];
        node.anchorX = saved[0];
        node.anchorY = saved[1];
        placed.add(node);
      } else {
        unplaced.add(node);
      }
    }
    if (unplaced.size) {
      if (placed.size === 0) placeOnGrid(unplaced);
      else for (const node of unplaced) placeNearGroup(node, placed);
    }

    simulation.nodes(nodes);
    linkForce.links(links);
    const heat = unplaced.size === 0 ? 0.05 : placed.size === 0 ? 1 : 0.3;
    simulation.alpha(Math.max(simulation.alpha(), heat));
    running = true;
  }

  /** Advances the simulation for at most `budgetMs`. Returns true if anything moved. */
  function step(budgetMs = 6) {
    if (!running) return false;
    const until = performance.now() + budgetMs;
    do {
      simulation.tick();
      if (simulation.alpha() < SETTLED_ALPHA) {
        settle();
        break;
      }
    } while (performance.now() < until);
    return true;
  }

  function settle() {
    running = false;
    // The simulation may cool before every box is clear of its neighbours; finish that job without other forces.
    for (let i = 0; i < 200 && separationForce(); i++);
    for (const node of nodes) {
      node.anchorX = node.x;
      node.anchorY = node.y;
      node.vx = 0;
      node.vy = 0;
    }
    savePositions(remembered, nodes);
    onSettled();
  }

  function reheat(alpha = 0.3) {
    simulation.alpha(Math.max(simulation.alpha(), alpha));
    running = true;
  }

  return {
    setGraph,
    step,
    get running() {
      return running;
    },
    get groups() {
      return groups;
    },
    /** Drag support: the node follows the pointer and becomes anchored where it is dropped. */
    dragTo(node, x, y) {
      node.fx = x;
      node.fy = y;
      node.x = x;
      node.y = y;
      node.anchorX = x;
      node.anchorY = y;
      reheat(0.1);
    },
    release(node) {
      node.fx = null;
      node.fy = null;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => savePositions(remembered, nodes), 300);
    },
    /** Forget every remembered position and lay the whole graph out from scratch. */
    relayout() {
      forgetPositions(remembered);
      const all = new Set(nodes);
      for (const node of nodes) {
        node.anchorX = null;
        node.anchorY = null;
        node.fx = null;
        node.fy = null;
      }
      placeOnGrid(all);
      simulation.alpha(1);
      running = true;
    },
  };
}
