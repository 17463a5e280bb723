// One shape per node kind, so kinds stay distinguishable without colour (and in the legend).
//   proxy        hexagon      (a Traefik instance)
//   gateway      diamond      (a Traefik instance at the edge)
//   service      circle       (a backend Traefik routes to)
//   external     triangle     (a caller from outside, pointing at what it calls)
//   unrecognised square       (an address we could not attribute)

// Polygons are closed by drawing back to the first corner and on to the second (so the stroke joins there as at
// every other corner) instead of closePath(): in Chromium closePath() costs time proportional to the whole path, and
// all nodes of a kind share one path (1,000 shapes: ~5 ms; 6,000: ~120 ms).
function closeShape(path, xs, ys) {
  path.lineTo(xs[0], ys[0]);
  path.lineTo(xs[1], ys[1]);
}

const xs = new Float64Array(6);
const ys = new Float64Array(6);

function polygon(path, count) {
  path.moveTo(xs[0], ys[0]);
  for (let i = 1; i < count; i++) path.lineTo(xs[i], ys[i]);
  closeShape(path, xs, ys);
}

export function addNodeShape(path, kind, x, y, r) {
  switch (kind) {
    case 'proxy': {
      for (let i = 0; i < 6; i++) {
        const angle = Math.PI / 6 + (i * Math.PI) / 3;
        xs[i] = x + r * Math.cos(angle);
        ys[i] = y + r * Math.sin(angle);
      }
      polygon(path, 6);
      break;
    }
    case 'gateway': {
      const d = r * 1.15;
      xs[0] = x; ys[0] = y - d;
      xs[1] = x + d; ys[1] = y;
      xs[2] = x; ys[2] = y + d;
      xs[3] = x - d; ys[3] = y;
      polygon(path, 4);
      break;
    }
    case 'external': {
      const d = r * 1.25;
      xs[0] = x + d; ys[0] = y;
      xs[1] = x - d * 0.6; ys[1] = y - d * 0.9;
      xs[2] = x - d * 0.6; ys[2] = y + d * 0.9;
      polygon(path, 3);
      break;
    }
    case 'unrecognised': {
      const d = r * 0.9;
      path.rect(x - d, y - d, d * 2, d * 2);
      break;
    }
    default:
      path.moveTo(x + r, y);
      path.arc(x, y, r, 0, Math.PI * 2);
  }
}

export const KIND_LABELS = {
  gateway: 'gateway (edge proxy)',
  proxy: 'proxy (Traefik)',
  service: 'service',
  external: 'external caller',
  unrecognised: 'unrecognised address',
};
