// A proxy's configuration held against its traffic, in the side panel: its routers and services from the Traefik API
// with the requests each carried and when it last did (idle ones marked), and the Host headers and paths no router
// matched. Read from /network_info?section=routers every few seconds while a proxy is selected; over the time bar's
// window when one is shown. Router names, rules, hosts and paths go in as text (el()/setText), never as markup.

import { el, setText } from '../lib/dom.js';
import { formatClockWithDay, formatCount } from '../lib/format.js';
import { routerRows, routersOfProxy, summary } from '../model/routers.js';

const EVERY_MS = 5000;
const MAX_ROWS = 100;

/** `getJson(url)`: the page's fetch; `historyWindow()`: the shown window {from, to} or null. */
export function createRoutersPanel({ getJson, historyWindow }) {
  let proxy = null; // the selected proxy node, or null
  let timer = null;
  let token = 0;
  const note = el('div', { class: 'muted small routers-note' });
  const routersBody = el('tbody');
  const servicesBody = el('tbody');
  const head = (...names) => el('thead', {}, el('tr', {}, ...names.map(([name, cls]) => el('th', { class: cls || null }, name))));
  const routersTable = el('table', { class: 'routers-table' },
    head(['Router'], ['Service'], ['Requests', 'num'], ['Last seen', 'num']), routersBody);
  const servicesTable = el('table', { class: 'routers-table services-table' },
    head(['Service'], ['Type'], ['Requests', 'num'], ['Last seen', 'num']), servicesBody);
  const unmatchedNote = el('div', { class: 'muted small' });
  const hostsList = el('ol', { class: 'unmatched-list unmatched-hosts' });
  const pathsList = el('ol', { class: 'unmatched-list unmatched-paths' });
  const routersTitle = el('h3', {}, 'Routers');
  const servicesTitle = el('h3', {}, 'Services');
  const element = el('section', { class: 'routers-panel', hidden: true },
    routersTitle, note, routersTable, servicesTitle, servicesTable,
    el('h3', {}, 'Matched no router'), unmatchedNote,
    el('div', { class: 'unmatched' }, el('div', {}, el('h4', {}, 'Hosts'), hostsList),
      el('div', {}, el('h4', {}, 'Paths'), pathsList)));

  async function poll() {
    clearTimeout(timer);
    timer = null;
    if (!proxy) return;
    const mine = ++token;
    const shown = historyWindow();
    try {
      const url = shown ? `network_info?section=routers&from=${shown.from}&to=${shown.to}` : 'network_info?section=routers';
      const doc = await getJson(url);
      if (mine === token && proxy) render(doc);
    } catch (err) {
      if (mine === token) setText(note, `Routers not available: ${err.message}`);
    }
    if (proxy && timer === null) timer = setTimeout(poll, EVERY_MS);
  }

  function lastSeen(value) {
    return value ? formatClockWithDay(value) : '—';
  }

  function requests(value) {
    return value === null || value === undefined ? '?' : formatCount(value);
  }

  function render(doc) {
    const section = routersOfProxy(doc, proxy.id);
    if (!section) {
      setText(note, 'No routers known for this proxy.');
      routersBody.replaceChildren();
      servicesBody.replaceChildren();
      return;
    }
    const routers = routerRows(section.routers);
    const services = routerRows(section.services);
    const where = section.counted === 'window' ? 'in the window (routers by their service: the store keeps no '
      + 'router names)' : 'since trafficviz started (services also with what it restored from the store)';
    const inventory = section.inventoryAt ? `inventory read ${formatClockWithDay(section.inventoryAt)}`
      : 'no inventory from the API (names only from the log)';
    setText(routersTitle, `Routers · ${summary(routers, 'router')}`);
    setText(servicesTitle, `Services · ${summary(services, 'service')}`);
    setText(note, `Requests ${where}; ${inventory}.`);
    routersBody.replaceChildren(...routers.rows.slice(0, MAX_ROWS).map((r) => el('tr', {
      class: (r.idle ? 'idle' : '') + (r.declared ? '' : ' undeclared'),
      title: r.rule ? `${r.name}\n${r.rule}` : r.name,
      dataset: { router: r.name },
    },
    el('td', { class: 'name' }, r.name, r.idle ? el('span', { class: 'idle-tag' }, 'idle') : null,
      r.declared ? null : el('span', { class: 'undeclared-tag' }, 'not in API')),
    el('td', {}, r.service || '—'),
    el('td', { class: 'num' }, requests(r.requests)),
    el('td', { class: 'num' }, lastSeen(r.lastSeen)))));
    servicesBody.replaceChildren(...services.rows.slice(0, MAX_ROWS).map((s) => el('tr', {
      class: (s.idle ? 'idle' : '') + (s.declared ? '' : ' undeclared'),
      dataset: { service: s.name },
    },
    el('td', { class: 'name' }, s.name, s.idle ? el('span', { class: 'idle-tag' }, 'idle') : null),
    el('td', {}, s.type || '—'),
    el('td', { class: 'num' }, requests(s.requests)),
    el('td', { class: 'num' }, lastSeen(s.lastSeen)))));
    setText(unmatchedNote, section.unrouted ? `${formatCount(section.unrouted)} request${section.unrouted === 1 ? '' : 's'}`
      + ' Traefik answered with its own 404' : 'None.');
    fillTop(hostsList, section.unmatchedHosts, 'host');
    fillTop(pathsList, section.unmatchedPaths, 'path');
  }

  function fillTop(list, top, key) {
    const rows = (top && top.top) || [];
    const items = rows.map((row) => el('li', {}, el('span', { class: 'text' }, row[key]),
      el('span', { class: 'num' }, formatCount(row.requests))));
    if (top && top.other) items.push(el('li', { class: 'other' }, el('span', { class: 'text' }, 'other'),
      el('span', { class: 'num' }, formatCount(top.other))));
    list.replaceChildren(...items);
  }

  return {
    element,
    /** The panel's selection changed. */
    show(selection) {
      const node = selection && selection.type === 'node' ? selection.node : null;
      const next = node && (node.kind === 'proxy' || node.kind === 'gateway') ? node : null;
      const changed = (next && next.id) !== (proxy && proxy.id);
      proxy = next;
      element.hidden = !proxy;
      if (!proxy) {
        clearTimeout(timer);
        timer = null;
        token++;
      } else if (changed) {
        setText(note, 'Loading…');
        poll();
      }
    },
    /** The window shown changed: count again. */
    refresh() {
      if (proxy) poll();
    },
  };
}
