// The "N alerts" chip and the list it opens (GET /alerts, docs/protocol.md). Rule names are config text, but
// summaries and node ids come from logs: every piece goes in as text (lib/dom.js), never as HTML.

import { el } from '../lib/dom.js';
import { clockText } from '../model/timeline.js';

/**
 * @param chip   the button that says how many alerts fire and opens the list
 * @param list   the element the list is drawn in
 * @param onPick called with a row of model/alert-marks.js's alertMarks when one is clicked
 */
export function createAlertList({ chip, list, onPick }) {
  let rows = [];

  function setOpen(open) {
    list.hidden = !open || rows.length === 0;
    chip.setAttribute('aria-expanded', String(!list.hidden));
  }
  chip.addEventListener('click', () => setOpen(list.hidden));

  function item(row) {
    const { alert } = row;
    const subject = alert.edge || alert.node || '';
    return el('li', {},
      el('button', {
        class: `alert-row severity-${alert.severity}`,
        title: alert.summary || subject,
        disabled: row.edgeIds.length === 0 && !row.nodeId,
        onclick: () => onPick(row),
      },
      el('span', { class: 'alert-severity' }, alert.severity),
      el('span', { class: 'alert-rule' }, alert.rule),
      el('span', { class: 'alert-subject' }, subject),
      el('span', { class: 'alert-since muted' }, `since ${clockText(alert.since)}`)));
  }

  return {
    /** Shows the alerts firing now; `enabled` false (no rules configured) hides the chip. */
    show(enabled, nextRows) {
      rows = nextRows;
      chip.hidden = !enabled;
      chip.textContent = `${rows.length} alert${rows.length === 1 ? '' : 's'}`;
      chip.classList.toggle('firing', rows.length > 0);
      list.replaceChildren(el('ul', {}, ...rows.map(item)));
      if (rows.length === 0) setOpen(false);
    },
    close: () => setOpen(false),
  };
}
