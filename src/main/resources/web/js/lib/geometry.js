// Where nodes and edges are drawn, in world units. Shared by the layout, the renderer, the flashes and hit-testing, so
// a dot always rides on its line and a click lands on what is drawn.

const NODE_RADIUS = { proxy: 13, gateway: 14, service: 9, external: 7, unrecognised: 7 };

/** A node's radius by kind (its shape: view/shapes.js). */
export function nodeRadius(node) {
  return NODE_RADIUS[node.kind] || 7;
}

/** Gap between the two lines of an A→B / B→A pair, in world units. */
const PAIR_OFFSET = 4.5;

/**
 * Fills `out` with the visible segment of an edge: from the rim of the source to the rim of the target,
 * shifted sideways when the reverse edge exists so both directions stay readable.
 */
export function edgeSegment(source, target, hasReverse, out = {}) {
  let dx = target.x - source.x;
  let dy = target.y - source.y;
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  // Right-hand side of the direction of travel, like traffic on a road.
  const offset = hasReverse ? PAIR_OFFSET : 0;
  const ox = -uy * offset;
  const oy = ux * offset;
  const r0 = Math.min(nodeRadius(source) + 2, length / 3);
  const r1 = Math.min(nodeRadius(target) + 3, length / 3);
  out.x1 = source.x + ux * r0 + ox;
  out.y1 = source.y + uy * r0 + oy;
  out.x2 = target.x - ux * r1 + ox;
  out.y2 = target.y - uy * r1 + oy;
  out.ux = ux;
  out.uy = uy;
  return out;
}

/** Squared distance from point (px,py) to the segment (x1,y1)-(x2,y2). */
export function distanceToSegmentSquared(px, py, x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared ? ((px - x1) * dx + (py - y1) * dy) / lengthSquared : 0;
  t = Math.max(0, Math.min(1, t));
  const cx = x1 + t * dx - px;
  const cy = y1 + t * dy - py;
  return cx * cx + cy * cy;
}
