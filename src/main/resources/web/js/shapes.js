// One shape per node kind, so kinds stay distinguishable without colour (and in the legend).
//   proxy        hexagon      (a Traefik instance)
//   gateway      diamond      (a Traefik instance at the edge)
//   service      circle       (a backend Traefik routes to)
//   external     triangle     (a caller from outside, pointing at what it calls)
//   unrecognised square       (an address we could not attribute)

export function addNodeShape(path, kind, x, y, r) {
  switch (kind) {
    case 'proxy': {
      for (let i = 0; i < 6; i++) {
        const angle = Math.PI / 6 + (i * Math.PI) / 3;
        const px = x + r * Math.cos(angle);
        const py = y + r * Math.sin(angle);
        if (i === 0) path.moveTo(px, py);
        else path.lineTo(px, py);
      }
      path.closePath();
      break;
    }
    case 'gateway': {
      const d = r * 1.15;
      path.moveTo(x, y - d);
      path.lineTo(x + d, y);
      path.lineTo(x, y + d);
      path.lineTo(x - d, y);
      path.closePath();
      break;
    }
    case 'external': {
      const d = r * 1.25;
      path.moveTo(x + d, y);
      path.lineTo(x - d * 0.6, y - d * 0.9);
      path.lineTo(x - d * 0.6, y + d * 0.9);
      path.closePath();
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
