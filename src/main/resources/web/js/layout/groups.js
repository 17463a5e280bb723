// Group boxes: every node belongs to a server box, and inside it to a network box.
//
// The same geometry is used by the layout (to keep boxes from overlapping) and by the renderer (to draw them),
// so what the layout separates is exactly what the user sees.

import { escapeInvisible } from '../lib/format.js';
import { nodeRadius } from '../lib/geometry.js';

/** Space between a node (including its label) and its network box edge; top leaves room for the network name. */
export const NETWORK_PADDING = { left: 14, right: 14, top: 30, bottom: 12 };
/** Space between network boxes and their server box; top leaves room for the server title. */
export const SERVER_PADDING = { left: 16, right: 16, top: 34, bottom: 16 };
/** Minimum gap the layout keeps between sibling boxes. */
export const GROUP_GAP = 26;


/** Node label font size in world units at zoom 1 (the renderer caps the on-screen size when zoomed in). */
export const LABEL_FONT_SIZE = 11;
export const MAX_LABEL_CHARS = 32;

/**
 * Where a node's label goes. Traffic flows left to right inside a network (callers, proxy, services), so callers are
 * labelled on their left, services on their right and proxies below: labels then sit in free space instead of
 * colliding with the neighbours in the same column.
 */
export function labelSide(node) {
  if (node.kind === 'service') return 'right';
  if (node.kind === 'external' || node.kind === 'unrecognised') return 'left';
  return 'below';
}

export function labelText(node) {
  const text = escapeInvisible(node.label); // a canvas applies bidi controls too
  return text.length > MAX_LABEL_CHARS ? text.slice(0, MAX_LABEL_CHARS - 1) + '…' : text;
}

/** Label width estimate in world units; cached on the node, since labels rarely change. */
export function labelWidth(node) {
  if (node.labelWidthFor !== node.label) {
    node.labelWidthFor = node.label;
    node.labelWidth = labelText(node).length * LABEL_FONT_SIZE * 0.56;
  }
  return node.labelWidth;
}

/** The rectangle a node and its label occupy. */
export function nodeExtent(node, out) {
  const r = nodeRadius(node);
  const w = labelWidth(node);
  out.x0 = node.x - r;
  out.x1 = node.x + r;
  out.y0 = node.y - r;
  out.y1 = node.y + r;
  switch (labelSide(node)) {
    case 'right':
      out.x1 = node.x + r + 4 + w;
      out.y0 = Math.min(out.y0, node.y - LABEL_FONT_SIZE * 0.6);
      out.y1 = Math.max(out.y1, node.y + LABEL_FONT_SIZE * 0.6);
      break;
    case 'left':
      out.x0 = node.x - r - 4 - w;
      out.y0 = Math.min(out.y0, node.y - LABEL_FONT_SIZE * 0.6);
      out.y1 = Math.max(out.y1, node.y + LABEL_FONT_SIZE * 0.6);
      break;
    default:
      out.x0 = Math.min(out.x0, node.x - w / 2);
      out.x1 = Math.max(out.x1, node.x + w / 2);
      out.y1 = node.y + r + 3 + LABEL_FONT_SIZE * 1.2;
  }
  return out;
}

/**
 * Index of nodes by server then network: [{name, nodes, networks: [{name, nodes}]}], sorted by name.
 * Rebuilt only when the node set changes; positions are read live from the node objects.
 */
export function groupNodes(nodes) {
  const servers = new Map();
  for (const node of nodes) {
    let server = servers.get(node.server);
    if (!server) {
      server = { name: node.server, nodes: [], networks: new Map() };
      servers.set(node.server, server);
    }
    server.nodes.push(node);
    let network = server.networks.get(node.network);
    if (!network) {
      network = { name: node.network, server: node.server, nodes: [] };
      server.networks.set(node.network, network);
    }
    network.nodes.push(node);
  }
  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [...servers.values()]
    .map((server) => ({ ...server, networks: [...server.networks.values()].sort(byName) }))
    .sort(byName);
}

function emptyBox() {
  return { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
}

const extent = {};

/** Fills in x0/y0/x1/y1 on every network and server of `groups`, considering only nodes passing `isVisible`. */
export function measureGroups(groups, isVisible = () => true) {
  for (const server of groups) {
    const serverBox = emptyBox();
    for (const network of server.networks) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      let any = false;
      for (const node of network.nodes) {
        if (!isVisible(node) || !Number.isFinite(node.x)) continue;
        any = true;
        nodeExtent(node, extent);
        if (extent.x0 < x0) x0 = extent.x0;
        if (extent.x1 > x1) x1 = extent.x1;
        if (extent.y0 < y0) y0 = extent.y0;
        if (extent.y1 > y1) y1 = extent.y1;
      }
      network.visible = any;
      if (!any) continue;
      network.x0 = x0 - NETWORK_PADDING.left;
      network.x1 = x1 + NETWORK_PADDING.right;
      network.y0 = y0 - NETWORK_PADDING.top;
      network.y1 = y1 + NETWORK_PADDING.bottom;
      if (network.x0 < serverBox.x0) serverBox.x0 = network.x0;
      if (network.x1 > serverBox.x1) serverBox.x1 = network.x1;
      if (network.y0 < serverBox.y0) serverBox.y0 = network.y0;
      if (network.y1 > serverBox.y1) serverBox.y1 = network.y1;
    }
    server.visible = Number.isFinite(serverBox.x0);
    if (!server.visible) continue;
    server.x0 = serverBox.x0 - SERVER_PADDING.left;
    server.x1 = serverBox.x1 + SERVER_PADDING.right;
    server.y0 = serverBox.y0 - SERVER_PADDING.top;
    server.y1 = serverBox.y1 + SERVER_PADDING.bottom;
  }
  return groups;
}
