// Each service worker keeps the files its pages need with no network. A page module
// that imports a file missing from the worker's shell list fails to load offline the
// first time (nothing fetched it through the worker yet), so every file reached by
// static imports from the shell's scripts must be in the shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { WEB } from './harness.mjs';

function importsOf(file) {
  const src = readFileSync(path.join(WEB, file), 'utf8');
  return [...src.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)]
    .map((m) => path.posix.resolve(path.posix.dirname(file), m[1]));
}

const workers = readdirSync(WEB, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(WEB, d.name, 'sw.js')))
  .map((d) => `/${d.name}/sw.js`);

test('there are service workers to check', () => {
  assert.ok(workers.length >= 2, workers.join(', '));
});

for (const sw of workers) {
  test(`${sw} keeps every module its pages import`, () => {
    const text = readFileSync(path.join(WEB, sw), 'utf8');
    const shell = new Set([...text.matchAll(/'(\/[^']+)'/g)].map((m) => m[1]));
    const seen = new Set();
    const todo = [...shell].filter((f) => f.startsWith('/js/'));
    while (todo.length) {
      const f = todo.pop();
      if (seen.has(f)) continue;
      seen.add(f);
      assert.ok(existsSync(path.join(WEB, f)), `${sw} lists ${f}, which does not exist`);
      todo.push(...importsOf(f));
    }
    const missing = [...seen].filter((f) => !shell.has(f));
    assert.deepEqual(missing, [], `${sw} does not keep: ${missing.join(', ')}`);
  });
}
