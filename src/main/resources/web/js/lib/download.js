// Saving what the page made (exports) as a file, without a server round trip: a blob URL on a temporary link.

/** Offers `blob` as a download named `filename`. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL only keeps the blob alive.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "2026-12-07T23-15-04": a time for file names (no ':' , which some systems refuse). */
export function fileTimestamp(epochMillis) {
  return new Date(epochMillis).toISOString().slice(0, 19).replaceAll(':', '-');
}
