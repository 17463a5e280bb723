// Side panel for the selected node or edge: its statistics and a live tail of the requests that touched it.
//
// The tail is rendered a few times a second at most (a busy proxy sees thousands of requests a second; nobody reads
// that fast) and stands still while the pointer is over it, so the row being hovered does not slide away.

import { el, setText } from '../lib/dom.js';
import { Ring } from '../model/ring.js';
import { eventCrossesEdge, eventTouchesNode } from '../model/graph-model.js';
import { KIND_LABELS } from './shapes.js';
import {
  errorRatio, formatBytes, formatClock, formatCount, formatMs, formatPercent, formatRate,
} from '../lib/format.js';

const TAIL_SIZE = 50;
const REFRESH_MS = 300;

/**
 * `extra`: an optional section under the statistics, {element, show(selection)} (the page's prefix split of the
 * external callers, ui/prefix-split.js): the panel places it and tells it what is selected.
 */
export function createPanel(root, { model, onHoverEvent, onSelect, onClose, onTraceEvent = () => {}, extra = null }) {
  let selection = null; // {type: 'node', node} | {type: 'edge', edge}
  let tail = new Ring(TAIL_SIZE);
  let tailDirty = false;
  let pointerInTail = false;
  let pointerInEdgeList = false;
  let lastRender = 0;

  const title = el('h2', { class: 'panel-title' });
  const kindBadge = el('span', { class: 'kind-badge' });
  const closeButton = el('button', { class: 'icon-button', title: 'Close (Esc)', 'aria-label': 'Close panel' }, '×');
  const subtitle = el('div', { class: 'panel-subtitle' });
  const stats = el('dl', { class: 'stats' });
  const edgeListTitle = el('h3', {}, 'Connections');
  const edgeList = el('div', { class: 'edge-list' });
  const tailTitle = el('h3', {}, 'Recent requests');
  const tailHint = el('span', { class: 'hint' });
  const tailList = el('div', { class: 'tail', role: 'list' });
  root.replaceChildren(...[
    el('header', { class: 'panel-header' }, el('div', {}, kindBadge, title), closeButton),
    subtitle,
    stats,
    extra && extra.element,
    edgeListTitle,
    edgeList,
    el('div', { class: 'tail-heading' }, tailTitle, tailHint),
    tailList,
  ].filter(Boolean));
  closeButton.addEventListener('click', () => onClose());
  // Rows must not be rebuilt under the pointer: a click needs press and release on the same element.
  edgeList.addEventListener('pointerenter', () => {
    pointerInEdgeList = true;
  });
  edgeList.addEventListener('pointerleave', () => {
    pointerInEdgeList = false;
  });
  tailList.addEventListener('pointerenter', () => {
    pointerInTail = true;
    tailHint.textContent = 'frozen while pointing';
  });
  tailList.addEventListener('pointerleave', () => {
    pointerInTail = false;
    tailHint.textContent = '';
    onHoverEvent(null);
  });

  /** Shows `next` (or hides the panel for null), seeding the tail from `recentEvents` (oldest first). */
  function show(next, recentEvents) {
    selection = next;
    root.hidden = !next;
    if (extra) extra.show(next);
    tail = new Ring(TAIL_SIZE);
    if (!next) return;
    for (const event of recentEvents.lastMatching(matches, TAIL_SIZE)) tail.push(event);
    tailDirty = true;
    render(true);
  }

  function matches(event) {
    if (!selection) return false;
    return selection.type === 'node' ? eventTouchesNode(event, selection.node.id) : eventCrossesEdge(event, selection.edge);
  }

  /** New events (already passed the filters). */
  function addEvents(events) {
    if (!selection) return;
    for (const event of events) {
      if (matches(event)) {
        tail.push(event);
        tailDirty = true;
      }
    }
  }

  /** Called every frame; re-renders at most every REFRESH_MS. */
  function tick(now) {
    if (!selection || now - lastRender < REFRESH_MS) return;
    render(false);
  }

  function render(force) {
    lastRender = performance.now();
    if (!selection) return;
    if (selection.type === 'node') renderNode(selection.node);
    else renderEdge(selection.edge);
    if ((tailDirty && !pointerInTail) || force) {
      tailDirty = false;
      renderTail();
    }
  }

  function renderNode(node) {
    kindBadge.textContent = KIND_LABELS[node.kind] || node.kind;
    kindBadge.dataset.kind = node.kind;
    setText(title, node.label);
    setText(subtitle, node.id);
    const incoming = [];
    const outgoing = [];
    for (const edge of model.edges.values()) {
      if (edge.targetNode === node) incoming.push(edge);
      if (edge.sourceNode === node) outgoing.push(edge);
    }
    const sum = (list, field) => list.reduce((total, edge) => total + (Number(edge[field]) || 0), 0);
    const rows = [
      ['Server', node.server],
      ['Network', node.network || '—'],
    ];
    if (node.addresses && node.addresses.length) rows.push(['Addresses', node.addresses.join(', ')]);
    const proxy = model.proxyInfo.get(node.id);
    if (proxy) {
      rows.push(['Role', proxy.role || '—']);
      const api = proxy.api || {};
      rows.push(['Traefik API', api.status || 'none', api.status === 'down' ? 'bad' : '']);
      if (api.lastRefresh) rows.push(['API refreshed', formatClock(api.lastRefresh)]);
      if (api.error) rows.push(['API error', api.error, 'bad']);
    }
    const inRequests = sum(incoming, 'requests');
    const inErrors = sum(incoming, 'errors');
    const outRequests = sum(outgoing, 'requests');
    const outErrors = sum(outgoing, 'errors');
    if (incoming.length) {
      rows.push(['Requests in', `${formatCount(inRequests)} · ${formatRate(sum(incoming, 'ratePerSec'))}`]);
      rows.push(['Errors in', `${formatCount(inErrors)} (${formatPercent(inRequests ? inErrors / inRequests : 0)})`,
        inErrors ? 'bad' : '']);
    }
    if (outgoing.length) {
      rows.push(['Requests out', `${formatCount(outRequests)} · ${formatRate(sum(outgoing, 'ratePerSec'))}`]);
      rows.push(['Errors out', `${formatCount(outErrors)} (${formatPercent(outRequests ? outErrors / outRequests : 0)})`,
        outErrors ? 'bad' : '']);
    }
    fillStats(rows);
    edgeListTitle.hidden = false;
    edgeList.hidden = false;
    if (pointerInEdgeList && edgeList.dataset.node === node.id) return;
    edgeList.dataset.node = node.id;
    const sorted = [...incoming, ...outgoing].sort((a, b) => (b.ratePerSec || 0) - (a.ratePerSec || 0) || b.requests - a.requests);
    edgeList.replaceChildren(
      ...sorted.slice(0, 40).map((edge) => {
        const inbound = edge.targetNode === node;
        const other = inbound ? edge.sourceNode : edge.targetNode;
        const ratio = errorRatio(edge);
        return el('button', {
          class: 'edge-row' + (ratio > 0 ? ' has-errors' : ''),
          title: `${edge.sourceNode.label} → ${edge.targetNode.label}`,
          onclick: () => onSelect({ type: 'edge', edge }),
          onpointerenter: () => onHoverEvent({ edges: [edge] }),
          onpointerleave: () => onHoverEvent(null),
        },
        el('span', { class: 'direction' }, inbound ? '← from' : '→ to'),
        el('span', { class: 'name' }, other.label),
        el('span', { class: 'num' }, formatRate(Number(edge.ratePerSec) || 0)),
        el('span', { class: 'num err' }, formatPercent(ratio)));
      }),
    );
    if (sorted.length > 40) edgeList.append(el('div', { class: 'hint' }, `… and ${sorted.length - 40} more`));
  }

  function renderEdge(edge) {
    kindBadge.textContent = 'edge';
    kindBadge.dataset.kind = 'edge';
    setText(title, `${edge.sourceNode.label} → ${edge.targetNode.label}`);
    setText(subtitle, edge.id);
    const status = edge.status || {};
    const ratio = errorRatio(edge);
    fillStats([
      ['From', `${edge.sourceNode.label} (${edge.sourceNode.kind})`],
      ['To', `${edge.targetNode.label} (${edge.targetNode.kind})`],
      ['Requests', formatCount(Number(edge.requests) || 0)],
      ['Errors', `${formatCount(Number(edge.errors) || 0)} (${formatPercent(ratio)})`, ratio > 0 ? 'bad' : ''],
      ['Status', `2xx ${status['2xx'] || 0} · 3xx ${status['3xx'] || 0} · 4xx ${status['4xx'] || 0} · 5xx ${status['5xx'] || 0}`],
      ['Rate now', formatRate(Number(edge.ratePerSec) || 0)],
      ['Rate 1m / 5m', `${formatRate(Number(edge.rate1m) || 0)} / ${formatRate(Number(edge.rate5m) || 0)}`],
      ['Latency p50', formatMs(edge.p50Ms)],
      ['Latency p95', formatMs(edge.p95Ms)],
      ['Latency p99', formatMs(edge.p99Ms)],
      ['Bytes', formatBytes(Number(edge.bytes) || 0)],
    ]);
    edgeListTitle.hidden = true;
    edgeList.hidden = true;
    edgeList.dataset.node = '';
    edgeList.replaceChildren();
  }

  function fillStats(rows) {
    stats.replaceChildren(
      ...rows.flatMap(([name, value, tone]) => [el('dt', {}, name), el('dd', { class: tone || null }, value)]),
    );
  }

  function renderTail() {
    const events = tail.toArray().reverse(); // newest first
    if (!events.length) {
      tailList.replaceChildren(el('div', { class: 'hint' }, 'No requests seen since this page opened.'));
      return;
    }
    tailList.replaceChildren(
      ...events.map((event) => {
        const statusText = String(event.status ?? '');
        const bad = event.outcome === 'error';
        const request = `${event.method || ''} ${event.host || ''}${event.path || ''}`;
        const route = event.answeredBy === 'proxy'
          ? `${event.from || '?'} → ${event.proxy || '?'} (answered by proxy)`
          : `${event.from || '?'} → ${event.proxy || '?'} → ${event.to || '?'}`;
        // A row whose line kept an X-Request-Id traces that request across every proxy that logged it.
        const traceable = typeof event.requestId === 'string';
        return el('div', {
          class: 'tail-row' + (bad ? ' bad' : ' ok') + (event.answeredBy === 'proxy' ? ' by-proxy' : '')
            + (traceable ? ' traceable' : ''),
          role: 'listitem',
          title: `${request}\n${route}` + (traceable ? `\nrequest id ${event.requestId}: click to light its path` : ''),
          dataset: traceable ? { requestId: event.requestId } : null,
          onpointerenter: () => onHoverEvent(event),
          onclick: traceable ? () => onTraceEvent(event) : null,
        },
        el('span', { class: 'status' }, statusText),
        el('span', { class: 'request' }, request),
        el('span', { class: 'duration' }, formatMs(event.durationMs)),
        el('span', { class: 'time' }, formatClock(event.time)),
        el('span', { class: 'route' }, route));
      }),
    );
  }

  return {
    show,
    addEvents,
    tick,
    get selection() {
      return selection;
    },
  };
}
