// CSV for spreadsheets (RFC 4180: comma-separated, CRLF line ends, a cell quoted when it holds a quote, a comma or a
// line break, its quotes doubled). Text from logs is attacker text: a cell that starts with = + - @, a tab or a
// carriage return would be read as a formula by Excel, LibreOffice or Sheets (`=HYPERLINK(...)`, DDE), so such a
// text cell gets a leading ' (OWASP's advice), which spreadsheets show as text. Numbers are ours and stay numbers.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: null/undefined empty, finite numbers as they are, anything else as text made safe. */
export function csvCell(value) {
  if (value == null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  let text = String(value);
  if (FORMULA_START.test(text)) text = "'" + text;
  return NEEDS_QUOTES.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text;
}

/** A whole document: the header row, then one row per array of cells; ends with a line break. */
export function toCsv(header, rows) {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
