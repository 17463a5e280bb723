// Dev-only synthetic traffic following docs/protocol.md. Pure JS (no Node or DOM APIs) so the same scenario feeds
// the fake server (fake-server.mjs) and in-page benchmarks (bench.mjs via window.trafficviz.inject*).

export function createScenario(scale = 'small') {
  const nodes = new Map();
  const edges = new Map();
  const servers = [];
  const routes = []; // {hops:[ids], answeredByProxy, errorRate, weight, host, paths}
  let seq = 0;
  let changedEdges = new Set();
  const newNodeIds = new Set();

  const proxyId = (server, name) => `proxy:${server}/${name}`;
  const serviceId = (server, name) => `service:${server}/${name}`;
  const addNode = (node) => {
    nodes.set(node.id, { addresses: [], ...node });
    return node.id;
  };
  const randomIp = (prefix) => {
    const r = () => Math.floor(Math.random() * 250) + 2;
    const missing = 4 - prefix.split('.').filter(Boolean).length;
    return prefix + Array.from({ length: missing }, r).join('.');
  };
  const route = (hops, options = {}) =>
    routes.push({ hops, errorRate: 0.02, weight: 1, host: 'app.example.com', paths: ['/'], ...options });
  const caller = (kind, server, network, address) =>
    addNode({ id: `${kind}:${server}/${network}/${address}`, kind, label: address, server, network, addresses: [address] });
  // Every public caller of a server/network is one `external` node (docs/protocol.md); only unattributed
  // addresses get a node each.
  const externalCallers = (server, network) =>
    addNode({ id: `external:${server}/${network}`, kind: 'external', label: 'external callers', server, network, addresses: [] });
  const service = (server, name, network) =>
    addNode({ id: serviceId(server, name), kind: 'service', label: name, server, network, addresses: [randomIp('172.20.')] });

  function addServer(name, proxies) {
    servers.push({
      name,
      proxies: proxies.map((p) => ({
        name: p.name, role: p.role, network: p.network,
        api: { status: p.api || 'ok', lastRefresh: Date.now(), error: p.api === 'down' ? 'connection refused' : null },
      })),
    });
    for (const p of proxies) {
      addNode({ id: proxyId(name, p.name), kind: p.kind || 'proxy', label: p.name, server: name, network: p.network,
        addresses: [randomIp('172.20.')] });
    }
  }

  function buildSmall() {
    addServer('server-a', [
      { name: 'public-proxy', kind: 'gateway', role: 'public', network: 'public-net' },
      { name: 'private-proxy', role: 'private', network: 'private-net' },
    ]);
    addServer('server-b', [{ name: 'edge-proxy', kind: 'gateway', role: 'public', network: 'dmz', api: 'down' }]);
    const pubComm = service('server-a', 'public-communicating-service', 'public-net');
    const pubNon = service('server-a', 'public-non-communicating-service', 'public-net');
    const privComm = service('server-a', 'private-communicating-service', 'private-net');
    const privNon = service('server-a', 'private-non-communicating-service', 'private-net');
    const shop = service('server-b', 'shop', 'dmz');
    const blog = service('server-b', 'blog', 'dmz');
    const gw = proxyId('server-a', 'public-proxy');
    const pp = proxyId('server-a', 'private-proxy');
    const edge = proxyId('server-b', 'edge-proxy');
    const internet = externalCallers('server-a', 'public-net');
    route([internet, gw, pubComm], { host: 'public.localhost', paths: ['/', '/api/items', '/login'], weight: 8 });
    route([internet, gw, pubNon], { host: 'public.localhost', paths: ['/static/app.js'], errorRate: 0.01, weight: 2 });
    route([internet, gw], { answeredByProxy: true, host: 'public.localhost', paths: ['/favicon.ico'], errorRate: 1, weight: 0.4 });
    for (let i = 0; i < 2; i++) {
      const office = caller('unrecognised', 'server-a', 'public-net', randomIp('10.9.'));
      route([office, gw, pubComm], { host: 'public.localhost', paths: ['/admin'], errorRate: 0.1 });
    }
    const scanner = caller('unrecognised', 'server-a', 'public-net', '198.51.100.66');
    route([scanner, gw], { answeredByProxy: true, host: 'public.localhost', errorRate: 1, weight: 0.6,
      paths: ['/wp-admin', '/.env', '/<script>alert(1)</script>', '/"><img src=x onerror=alert(1)>'] });
    route([pubComm, pp, privComm], { host: 'private-proxy', paths: ['/communicating/endpoint'], weight: 2 });
    route([pubComm, pp, privNon], { host: 'private-proxy', paths: ['/non-communicating/endpoint?query_param=123'], errorRate: 0.5 });
    route([privComm, pp, privNon], { host: 'private-proxy', paths: ['/internal/sync'], errorRate: 0.1 });
    route([pubComm, pp], { answeredByProxy: true, host: 'private-proxy', paths: ['/no-such-router'], errorRate: 1, weight: 0.3 });
    const visitors = externalCallers('server-b', 'dmz');
    route([visitors, edge, shop], { host: 'shop.example.com', paths: ['/cart', '/checkout', '/product/42'], errorRate: 0.05, weight: 6 });
    route([visitors, edge, blog], { host: 'blog.example.com', paths: ['/posts/1'], errorRate: 0, weight: 3 });
    route([visitors, edge], { answeredByProxy: true, host: 'blog.example.com', paths: ['/old'], errorRate: 0, redirect: true, weight: 1 });
    route([shop, gw, pubComm], { host: 'public.localhost', paths: ['/api/stock'], errorRate: 0.02 });
  }

  /** ~1,000 nodes and ~3,000 edges: 20 servers with 3 proxies, 18 services and 29 callers each. */
  function buildLarge() {
    const serverCount = 20;
    const name = (s) => `srv-${String(s).padStart(2, '0')}`;
    const pick = (list) => list[Math.floor(Math.random() * list.length)];
    for (let s = 0; s < serverCount; s++) {
      const server = name(s);
      addServer(server, [
        { name: 'gateway', kind: 'gateway', role: 'public', network: 'public' },
        { name: 'internal-proxy', role: 'private', network: 'internal' },
        { name: 'admin-proxy', role: 'private', network: 'admin' },
      ]);
      const [gw, ip, ap] = ['gateway', 'internal-proxy', 'admin-proxy'].map((p) => proxyId(server, p));
      const publicServices = [];
      const internalServices = [];
      const adminServices = [];
      for (let i = 0; i < 18; i++) {
        const network = i < 7 ? 'public' : i < 15 ? 'internal' : 'admin';
        const id = service(server, `svc-${i}`, network);
        (network === 'public' ? publicServices : network === 'internal' ? internalServices : adminServices).push(id);
      }
      for (let i = 0; i < 29; i++) {
        const ext = i === 0 ? externalCallers(server, 'public') : caller('unrecognised', server, 'public', randomIp('100.64.'));
        for (const svc of publicServices) if (Math.random() < 0.4) route([ext, gw, svc], { errorRate: Math.random() < 0.1 ? 0.3 : 0.01 });
        if (Math.random() < 0.5) route([ext, gw], { answeredByProxy: true, errorRate: 1, weight: 0.2 });
        route([ext, ap, pick(adminServices)], { errorRate: 0.2, weight: 0.3 });
      }
      for (const from of [...publicServices, ...internalServices, ...adminServices]) {
        route([from, ip, pick(internalServices)], { errorRate: Math.random() < 0.1 ? 0.2 : 0.005 });
        route([from, gw, pick(publicServices)], { errorRate: 0.01, weight: 0.5 });
      }
      for (const to of internalServices) route([pick(publicServices), ip, to], { errorRate: 0.01 });
    }
    // Services also call other servers' gateways.
    for (let s = 0; s < serverCount; s++) {
      for (let i = 0; i < 7; i++) {
        for (let j = 1; j <= 5; j++) {
          const other = name((s + j * 3 + i) % serverCount);
          if (other === name(s)) continue;
          route([serviceId(name(s), `svc-${i}`), proxyId(other, 'gateway'), serviceId(other, `svc-${(i + j) % 7}`)], { errorRate: 0.05, weight: 0.3 });
        }
      }
    }
  }

  function edgeFor(source, target) {
    const id = `${source}->${target}`;
    let edge = edges.get(id);
    if (!edge) {
      edge = { id, source, target, requests: 0, errors: 0, status: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        ratePerSec: 0, rate1m: 0, rate5m: 0, p50Ms: null, p95Ms: null, p99Ms: null, bytes: 0, tickCount: 0, samples: [] };
      edges.set(id, edge);
    }
    return edge;
  }

  let cumulative = [];
  function rebuildWeights() {
    let acc = 0;
    cumulative = routes.map((r) => (acc += r.weight));
    for (const r of routes) for (let i = 0; i + 1 < r.hops.length; i++) edgeFor(r.hops[i], r.hops[i + 1]);
  }
  function pickRoute() {
    const x = Math.random() * cumulative[cumulative.length - 1];
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return routes[lo];
  }

  if (scale === 'large') buildLarge();
  else buildSmall();
  rebuildWeights();

  /** A new external caller appears (to watch the layout stay put). */
  function grow() {
    const template = routes.find((r) => r.hops.length === 3 && nodes.get(r.hops[1]).kind === 'gateway');
    if (!template) return;
    const gw = nodes.get(template.hops[1]);
    const id = caller('unrecognised', gw.server, gw.network, randomIp('192.0.2.'));
    newNodeIds.add(id);
    route([id, gw.id, template.hops[2]], { host: template.host, paths: template.paths, weight: 2 });
    rebuildWeights();
  }

  function makeEvent(now) {
    const r = pickRoute();
    const isError = Math.random() < r.errorRate;
    let status;
    if (r.answeredByProxy) status = r.redirect ? 301 : isError ? [404, 401, 503][Math.floor(Math.random() * 3)] : 302;
    else status = isError ? [400, 404, 500, 502, 503][Math.floor(Math.random() * 5)] : Math.random() < 0.1 ? 304 : 200;
    const duration = Math.round(Math.exp(Math.random() * 5 + (isError ? 1.5 : 0)) * 10) / 10;
    const from = nodes.get(r.hops[0]);
    const proxy = nodes.get(r.hops[1]);
    const to = r.answeredByProxy ? proxy : nodes.get(r.hops[2]);
    const event = {
      seq: ++seq, time: now - Math.round(duration), server: proxy.server, network: proxy.network, proxy: proxy.label,
      from: from.label, to: to.label, fromId: from.id, proxyId: proxy.id, toId: to.id,
      hops: r.answeredByProxy ? [from.id, proxy.id] : [from.id, proxy.id, to.id],
      method: Math.random() < 0.8 ? 'GET' : 'POST', host: r.host, path: r.paths[Math.floor(Math.random() * r.paths.length)],
      status, durationMs: duration, outcome: status >= 200 && status < 400 ? 'ok' : 'error',
      answeredBy: r.answeredByProxy ? 'proxy' : 'service', outsider: from.kind === 'external' || from.kind === 'unrecognised',
    };
    for (let i = 0; i + 1 < event.hops.length; i++) {
      const edge = edgeFor(event.hops[i], event.hops[i + 1]);
      edge.requests++;
      if (event.outcome === 'error') edge.errors++;
      edge.status[`${Math.floor(status / 100)}xx`]++;
      edge.bytes += 200 + Math.floor(Math.random() * 5000);
      edge.tickCount++;
      if (edge.samples.length < 256) edge.samples.push(duration);
      else edge.samples[Math.floor(Math.random() * 256)] = duration;
      changedEdges.add(edge);
    }
    return event;
  }

  const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
  const round = (x) => Math.round(x * 1000) / 1000;
  // Sorting every edge's samples on every tick would make the generator, not the page, the bottleneck of an
  // in-page benchmark: percentiles are refreshed about once a second per edge.
  let tickCounter = 0;
  function publicEdge(edge) {
    if (!edge.percentilesAt || tickCounter - edge.percentilesAt > 13) {
      const sorted = [...edge.samples].sort((a, b) => a - b);
      edge.p50Ms = percentile(sorted, 0.5);
      edge.p95Ms = percentile(sorted, 0.95);
      edge.p99Ms = percentile(sorted, 0.99);
      edge.percentilesAt = tickCounter;
    }
    const { tickCount, samples, percentilesAt, ...rest } = edge;
    return rest;
  }

  function networkInfo() {
    return {
      generatedAt: Date.now(), view: 'hops', servers,
      nodes: [...nodes.values()],
      edges: [...edges.values()].map(publicEdge),
      ingest: { lines: seq, malformed: 3, sources: [{ path: '/var/log/traefik/access.log', format: 'json', offset: seq * 600, lines: seq, malformed: 3, lastError: null }] },
    };
  }

  /**
   * Generates `count` events and returns the batch parts: {nodes (new), edges (changed), events}.
   * `dtMs` is the time since the last call, for the rate estimates.
   */
  function step(count, dtMs, now = Date.now()) {
    tickCounter++;
    const events = [];
    for (let i = 0; i < count; i++) events.push(makeEvent(now));
    for (const edge of edges.values()) {
      const instant = (edge.tickCount * 1000) / dtMs;
      edge.tickCount = 0;
      const before = edge.ratePerSec;
      edge.ratePerSec = round(edge.ratePerSec + (instant - edge.ratePerSec) * 0.08);
      edge.rate1m = round(edge.rate1m + (instant - edge.rate1m) * (dtMs / 60000));
      edge.rate5m = round(edge.rate5m + (instant - edge.rate5m) * (dtMs / 300000));
      if (Math.abs(before - edge.ratePerSec) > 0.01) changedEdges.add(edge);
    }
    const newNodes = [...newNodeIds].map((id) => nodes.get(id));
    newNodeIds.clear();
    const changed = [...changedEdges].map(publicEdge);
    changedEdges = new Set();
    return { nodes: newNodes, edges: changed, events };
  }

  return { nodes, edges, networkInfo, step, grow };
}
