// Light/dark theme: CSS variables carry the palette so the canvas and the DOM always agree.

const STORAGE_KEY = 'trafficviz.theme';

export function currentTheme() {
  return document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
}

/** Applies the remembered theme (dark unless the user chose light). Call before first paint. */
export function applyStoredTheme() {
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch (err) {
    /* storage unavailable: default theme */
  }
  document.documentElement.dataset.theme = stored === 'light' ? 'light' : 'dark';
}

export function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  try {
    window.localStorage.setItem(STORAGE_KEY, next);
  } catch (err) {
    /* not remembered, still applied */
  }
  return next;
}

const PALETTE_VARIABLES = {
  background: '--bg',
  text: '--fg',
  muted: '--muted',
  edge: '--edge',
  edgeWarn: '--edge-warn',
  edgeBad: '--edge-bad',
  edgeFailing: '--edge-failing',
  outsider: '--outsider',
  serverFill: '--server-fill',
  serverStroke: '--server-stroke',
  networkFill: '--network-fill',
  networkStroke: '--network-stroke',
  ok: '--ok',
  error: '--error',
  accent: '--accent',
  match: '--match',
  labelHalo: '--label-halo',
  proxy: '--kind-proxy',
  gateway: '--kind-gateway',
  service: '--kind-service',
  external: '--kind-external',
  unrecognised: '--kind-unrecognised',
  nodeStroke: '--node-stroke',
};

/** Reads the palette of the active theme from CSS. */
export function readPalette() {
  const style = getComputedStyle(document.documentElement);
  const palette = {};
  for (const [key, variable] of Object.entries(PALETTE_VARIABLES)) {
    palette[key] = style.getPropertyValue(variable).trim() || '#888';
  }
  return palette;
}
