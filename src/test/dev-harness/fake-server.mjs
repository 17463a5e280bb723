#!/usr/bin/env node
// Dev-only harness: serves src/main/resources/web plus d3 from the WebJar, and fakes the trafficviz server's
// protocol (docs/protocol.md) with synthetic traffic. No npm dependencies (a minimal WebSocket server is below),
// so it runs anywhere Node 18+ is installed:
//
//   node src/test/dev-harness/fake-server.mjs [--port 8099] [--scale small|large] [--rate 40] [--grow]
//
// --scale large builds ~1,000 nodes / ~3,000 edges; --rate is events per second; --grow keeps adding callers.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createScenario } from './scenario.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
    return pairs;
  }, []),
);
const PORT = Number(args.port || 8099);
const SCALE = args.scale || 'small';
const RATE = Number(args.rate || (SCALE === 'large' ? 20000 : 40));
const GROW = !!args.grow;
const TICK_MS = 75;
const MAX_EVENTS_PER_BATCH = Number(args['max-batch'] || 4000);

const here = path.dirname(fileURLToPath(import.meta.url));
const WEB_ROOT = path.resolve(here, '../../main/resources/web');
const D3_JAR = path.join(os.homedir(), '.m2/repository/org/webjars/npm/d3/7.9.0/d3-7.9.0.jar');
const d3Source = execFileSync('unzip', ['-p', D3_JAR, 'META-INF/resources/webjars/d3/7.9.0/dist/d3.min.js']);

// ------------------------------------------------------------------ traffic

const scenario = createScenario(SCALE);
const graphClients = new Set();
const logClients = new Set();
let carry = 0;
let tickNo = 0;

setInterval(() => {
  tickNo++;
  if (GROW && tickNo % 40 === 0 && scenario.nodes.size < 2000) scenario.grow();
  carry += (RATE * TICK_MS) / 1000;
  const count = Math.floor(carry);
  carry -= count;
  const { nodes: newNodes, edges: changed, events } = scenario.step(count, TICK_MS);
  if (!events.length && !changed.length && !newNodes.length) return;
  for (const client of graphClients) {
    // Like the real server: a client that cannot keep up gets fewer events and a `dropped` count instead.
    const budget = client.socket.writableLength > 8e6 ? 0 : MAX_EVENTS_PER_BATCH;
    const sent = events.length > budget ? events.slice(events.length - budget) : events;
    client.send({ type: 'batch', nodes: newNodes, edges: changed, events: sent, dropped: events.length - sent.length });
  }
  for (const client of logClients) {
    const budget = client.socket.writableLength > 8e6 ? 0 : 2000;
    const sent = events.length > budget ? events.slice(events.length - budget) : events;
    client.send({ type: 'entries', entries: sent, dropped: events.length - sent.length });
  }
}, TICK_MS);

// ------------------------------------------------------------------ HTTP + WebSocket

const TYPES = {
  '.mjs': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/webjars/d3/7.9.0/dist/d3.min.js') return send(res, 200, TYPES['.js'], d3Source);
  if (url.pathname === '/network_info') return send(res, 200, TYPES['.json'], JSON.stringify(scenario.networkInfo()));
  if (url.pathname.startsWith('/dev/')) {
    // Dev-only helpers (scenario.mjs, bench.mjs) for in-page benchmarks.
    const file = path.resolve(here, '.' + url.pathname.slice(4));
    if (!file.startsWith(here)) return send(res, 403, 'text/plain', 'forbidden');
    return fs.readFile(file, (err, data) => (err ? send(res, 404, 'text/plain', 'not found') : send(res, 200, TYPES['.js'], data)));
  }
  let file = url.pathname === '/' ? '/index.html' : url.pathname === '/access_logs' ? '/access_logs.html' : url.pathname;
  const full = path.resolve(WEB_ROOT, '.' + decodeURIComponent(file));
  if (!full.startsWith(WEB_ROOT)) return send(res, 403, 'text/plain', 'forbidden');
  fs.readFile(full, (err, data) => {
    if (err) return send(res, 404, 'text/plain', 'not found');
    send(res, 200, TYPES[path.extname(full)] || 'application/octet-stream', data);
  });
});

// Same policy as the real server (publish/WebServer.java), so a page that breaks it breaks here first.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-security-policy': CSP });
  res.end(body);
}

server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://localhost');
  const key = req.headers['sec-websocket-key'];
  if (!key || (url.pathname !== '/ws/graph' && url.pathname !== '/access_logs')) {
    socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    return;
  }
  const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.setNoDelay(true);
  const client = {
    socket,
    pendingDropped: 0,
    send(message) {
      if (!socket.destroyed) socket.write(encodeFrame(JSON.stringify(message)));
    },
  };
  const set = url.pathname === '/ws/graph' ? graphClients : logClients;
  set.add(client);
  socket.on('data', (data) => {
    if ((data[0] & 0x0f) === 0x8) socket.end(Buffer.from([0x88, 0x00])); // close
  });
  socket.on('close', () => set.delete(client));
  socket.on('error', () => set.delete(client));
  if (set === graphClients) client.send({ type: 'hello', graph: scenario.networkInfo() });
});

function encodeFrame(text) {
  const payload = Buffer.from(text);
  const length = payload.length;
  let header;
  if (length < 126) header = Buffer.from([0x81, length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

server.listen(PORT, () => {
  console.log(`fake trafficviz on http://localhost:${PORT}/  (scale=${SCALE}, ${scenario.nodes.size} nodes, ${scenario.edges.size} edges, ${RATE} events/s)`);
});
