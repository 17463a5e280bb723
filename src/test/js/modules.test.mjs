// The rules of docs/frontend.md that can be checked by reading the modules: which folder may import which, that the
// pure modules load under node, that text from logs never goes through an HTML parser, one door to the d3 global.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_JS } from './web.mjs';

const root = fileURLToPath(WEB_JS);
const modules = [];
(function walk(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.js')) modules.push(path.relative(root, full).split(path.sep).join('/'));
  }
})(root);
const source = (module) => fs.readFileSync(path.join(root, module), 'utf8');
const importsOf = (module) => [...source(module).matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)]
  .map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(module), m[1])));
const folder = (module) => module.split('/')[0];

/** Which folders a folder's modules may import from (its own always). See docs/frontend.md. */
const MAY_IMPORT = {
  lib: [],
  net: [],
  model: ['net', 'lib'],
  anim: ['lib'],
  layout: ['lib'],
  view: ['anim', 'layout', 'model', 'lib'],
  ui: ['view', 'layout', 'model', 'lib'],
  pages: ['net', 'model', 'anim', 'layout', 'view', 'ui', 'lib'],
};

test('the modules are in the folders of docs/frontend.md', () => {
  assert.ok(modules.length > 20);
  for (const module of modules) assert.ok(folder(module) in MAY_IMPORT, `${module}: not in a known folder`);
});

test('every import stays on its floor: no module imports from a folder above its own, nobody imports a page', () => {
  for (const module of modules) {
    for (const target of importsOf(module)) {
      assert.ok(modules.includes(target), `${module} imports ${target}, which does not exist`);
      const allowed = [folder(module), ...MAY_IMPORT[folder(module)]];
      assert.ok(allowed.includes(folder(target)), `${module} imports ${target}`);
      assert.notEqual(folder(target), 'pages', `${module} imports the page ${target}`);
    }
  }
});

test('the access-log page uses only shared modules, none of the graph page\'s', () => {
  const shared = (m) => m.startsWith('lib/') || ['net/ws.js', 'net/history-pager.js', 'model/filters.js',
    'model/noise.js', 'model/ring.js', 'model/exports.js', 'model/history-rows.js', 'ui/filter-controls.js',
    'ui/toolbar.js', 'view/theme.js'].includes(m);
  const seen = new Set();
  const visit = (module) => {
    for (const target of importsOf(module)) {
      if (seen.has(target)) continue;
      seen.add(target);
      visit(target);
    }
  };
  visit('pages/access-logs-page.js');
  assert.deepEqual([...seen].filter((m) => !shared(m)), []);
});

test('every module but the pages loads under node: nothing touches the DOM or d3 at import time', async () => {
  for (const module of modules.filter((m) => folder(m) !== 'pages')) {
    await assert.doesNotReject(import(new URL(module, WEB_JS).href), module);
  }
});

test('no HTML parsing anywhere: log text reaches the page as text only', () => {
  const sinks = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser/;
  for (const module of modules) assert.doesNotMatch(source(module), sinks, module);
});

test('only lib/d3.js reaches for the d3 global', () => {
  for (const module of modules.filter((m) => m !== 'lib/d3.js')) {
    assert.doesNotMatch(source(module), /(window|globalThis)\.d3\b/, module);
  }
});
