// Runs every *.test.mjs here with node's own test runner (`node --test`), for `mvn test` (see pom.xml) and by hand:
//
//   node src/test/js/run.mjs
//
// The files are listed explicitly because `node --test <directory>` searches the directory on Node 20 but not on
// Node 21 and later (which take glob patterns instead, which Node 20 does not): a list of files works on both.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 18) {
  console.error(`trafficviz: the JavaScript tests need Node.js 18 or later (node:test); this is ${process.version}`);
  process.exit(1);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const files = fs.readdirSync(here).filter((name) => name.endsWith('.test.mjs')).sort().map((name) => path.join(here, name));
if (!files.length) {
  console.error(`trafficviz: no *.test.mjs in ${here}`);
  process.exit(1);
}
console.log(`trafficviz: node ${process.version} --test, ${files.length} files in ${path.relative(process.cwd(), here) || '.'}`);
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
