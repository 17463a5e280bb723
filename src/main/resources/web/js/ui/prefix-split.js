// The external callers' node split by client prefix, in the side panel: who the outside is. The server counts each
// external node's callers by /24 (IPv4) and /48 (IPv6) in /callers; here they can be widened to /16 and /32. A
// viewer whose addresses are masked gets no prefixes from the server, and the section says so.

import { el, setText } from '../lib/dom.js';
import { formatCount } from '../lib/format.js';
import { groupPrefixes } from '../model/noise.js';

const MAX_ROWS = 50;

/** `noise()`: the current index (model/noise.js createNoiseIndex); `onNeed(bool)`: whether /callers is wanted now. */
export function createPrefixSplit({ noise, onNeed }) {
  let external = null; // the selected external node, or null
  let wide = false;
  const narrowButton = el('button', { class: 'chip', 'aria-pressed': 'true', dataset: { width: 'narrow' } }, '/24 · /48');
  const wideButton = el('button', { class: 'chip', 'aria-pressed': 'false', dataset: { width: 'wide' } }, '/16 · /32');
  const note = el('div', { class: 'muted small' });
  const body = el('tbody');
  const table = el('table', { class: 'prefix-table' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Prefix'), el('th', { class: 'num' }, 'Requests'),
      el('th', { class: 'num' }, 'No router'), el('th', { class: 'num' }, 'Errors'))),
    body);
  const element = el('section', { class: 'prefix-split', hidden: true },
    el('h3', {}, 'Callers by prefix'), el('div', { class: 'prefix-widths' }, narrowButton, wideButton), note, table);

  function setWide(value) {
    wide = value;
    narrowButton.setAttribute('aria-pressed', String(!wide));
    wideButton.setAttribute('aria-pressed', String(wide));
    render();
  }
  narrowButton.addEventListener('click', () => setWide(false));
  wideButton.addEventListener('click', () => setWide(true));

  function render() {
    element.hidden = !external;
    if (!external) return;
    const index = noise();
    if (index.prefixesHidden) {
      setText(note, 'Client prefixes are not shown to your role (addresses are masked).');
      table.hidden = true;
      return;
    }
    const rows = groupPrefixes(index.prefixes, external.id, wide);
    table.hidden = !rows.length;
    setText(note, rows.length ? `${rows.length} prefix${rows.length === 1 ? '' : 'es'}; "scanner": every request ` +
      'matched no router' : 'No prefixes counted yet.');
    body.replaceChildren(...rows.slice(0, MAX_ROWS).map((row) => el('tr', { class: row.scanner ? 'scanner' : '' },
      el('td', { class: 'prefix' }, row.prefix, row.scanner ? el('span', { class: 'scanner-tag' }, 'scanner') : null),
      el('td', { class: 'num' }, formatCount(row.requests)),
      el('td', { class: 'num' }, formatCount(row.unrouted)),
      el('td', { class: 'num' }, formatCount(row.errors)))));
  }

  return {
    element,
    /** The panel's selection changed. */
    show(selection) {
      external = selection && selection.type === 'node' && selection.node.kind === 'external' ? selection.node : null;
      onNeed(!!external);
      render();
    },
    /** New counts from the server. */
    refresh: render,
  };
}
