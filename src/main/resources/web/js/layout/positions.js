// Remembers where every node was, by node id, so a reload shows the same picture.

const STORAGE_KEY = 'trafficviz.positions.v1';
const MAX_REMEMBERED = 20000; // localStorage is ~5 MB; ~40 bytes a node keeps us far below it.

export function loadPositions() {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (!raw) return new Map();
    const parsed = JSON.parse(raw);
    const positions = new Map();
    for (const [id, xy] of Object.entries(parsed)) {
      if (Array.isArray(xy) && Number.isFinite(xy[0]) && Number.isFinite(xy[1])) positions.set(id, xy);
    }
    return positions;
  } catch (err) {
    return new Map(); // Corrupt or unavailable storage must never stop the page from working.
  }
}

/** Merges the current positions into what is stored (nodes not shown now keep their old place). */
export function savePositions(remembered, nodes) {
  for (const node of nodes) {
    if (Number.isFinite(node.x) && Number.isFinite(node.y)) {
      remembered.delete(node.id); // re-insert so the Map keeps most recently seen last
      remembered.set(node.id, [Math.round(node.x * 10) / 10, Math.round(node.y * 10) / 10]);
    }
  }
  while (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value);
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(remembered)));
  } catch (err) {
    // Quota or privacy mode: positions simply won't survive a reload.
  }
}

export function forgetPositions(remembered) {
  remembered.clear();
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch (err) {
    /* ignore */
  }
}
