// The traced request's chip over the graph: its id, the path it took gateway to leaf (node labels), how many proxies
// logged it, and a button that ends the trace. Ids and labels are log text: they go in as text (el()).

import { el, setText } from '../lib/dom.js';

/** `labelOf(nodeId)`: a node's label; `onClear()`: the user ended the trace. */
export function createRequestTrace({ labelOf, onClear }) {
  const text = el('span', { class: 'trace-text' });
  const close = el('button', { class: 'icon-button', title: 'Stop tracing (Esc)', 'aria-label': 'Stop tracing' }, '×');
  const element = el('div', { class: 'request-trace', hidden: true, role: 'status' }, text, close);
  close.addEventListener('click', () => onClear());
  return {
    element,
    /** `requestId` and its trace (model/request-trace.js), or null to hide. */
    show(requestId, trace) {
      element.hidden = !requestId;
      if (!requestId) return;
      const route = trace.path ? trace.path.map(labelOf).join(' → ')
        : trace.hops.map(([from, to]) => `${labelOf(from)} → ${labelOf(to)}`).join(', ');
      const proxies = trace.proxies.length;
      setText(text, `Request ${requestId}: ${route || 'no hop seen yet'} · ${proxies} prox${proxies === 1 ? 'y' : 'ies'}`);
    },
  };
}
