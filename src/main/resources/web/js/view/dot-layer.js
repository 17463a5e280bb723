// Thousands of small pixel-aligned squares a frame (comet heads in a crowd, stream particles), plotted into a pixel
// buffer and put on the screen as one image.
//
// Measured in headless Chromium (software canvas, 1400×850): 4,700 fillRect squares + 3,000 translucent ones cost
// ~5 ms a frame to record and rasterise; writing the same squares into a Uint32Array, putImageData of the touched
// rectangle and one drawImage cost ~2 ms. The squares look the same: fillRect of a pixel-aligned square is not
// antialiased either.

export function createDotLayer() {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  let image = null;
  let pixels = null;
  let width = 0;
  let height = 0;
  // Rows touched since the last clear, and the bounding box plotted this frame.
  let dirtyY0 = 0;
  let dirtyY1 = 0;
  let x0, y0, x1, y1;
  const colors = new Map();
  const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

  /** Starts a frame on a `w`×`h` device-pixel canvas. */
  function begin(w, h) {
    if (w !== width || h !== height) {
      width = w;
      height = h;
      canvas.width = w;
      canvas.height = h;
      image = ctx.createImageData(w, h);
      pixels = new Uint32Array(image.data.buffer);
    } else if (dirtyY1 > dirtyY0) {
      pixels.fill(0, dirtyY0 * width, dirtyY1 * width);
    }
    dirtyY0 = dirtyY1 = 0;
    x0 = y0 = Infinity;
    x1 = y1 = -Infinity;
  }

  /**
   * A CSS colour at `alpha` as one pixel value of the buffer (resolved by the browser, so any CSS colour works;
   * packed through the buffer's own byte order).
   */
  function color(css, alpha) {
    const key = css + '|' + alpha;
    let packed = colors.get(key);
    if (packed === undefined) {
      probe.clearRect(0, 0, 1, 1);
      probe.fillStyle = css;
      probe.fillRect(0, 0, 1, 1);
      const rgba = probe.getImageData(0, 0, 1, 1).data;
      const bytes = new Uint8ClampedArray([rgba[0], rgba[1], rgba[2], Math.round(255 * alpha)]);
      packed = new Uint32Array(bytes.buffer)[0];
      colors.set(key, packed);
    }
    return packed;
  }

  /** A `size`×`size` square with its top-left corner at integer device pixel (x, y); clipped to the canvas. */
  function square(x, y, size, value) {
    let xa = x < 0 ? 0 : x;
    let ya = y < 0 ? 0 : y;
    const xb = x + size > width ? width : x + size;
    const yb = y + size > height ? height : y + size;
    if (xa >= xb || ya >= yb) return;
    if (xa < x0) x0 = xa;
    if (ya < y0) y0 = ya;
    if (xb > x1) x1 = xb;
    if (yb > y1) y1 = yb;
    for (let row = ya; row < yb; row++) {
      const offset = row * width;
      for (let col = xa; col < xb; col++) pixels[offset + col] = value;
    }
  }

  /** Puts what was plotted onto `target` (a 2D context; its transform is left as it was). */
  function end(target) {
    if (x1 <= x0) return;
    dirtyY0 = y0;
    dirtyY1 = y1;
    const w = x1 - x0;
    const h = y1 - y0;
    ctx.putImageData(image, 0, 0, x0, y0, w, h);
    target.save();
    target.setTransform(1, 0, 0, 1, 0, 0);
    target.globalAlpha = 1;
    target.drawImage(canvas, x0, y0, w, h, x0, y0, w, h);
    target.restore();
  }

  return { begin, color, square, end };
}
