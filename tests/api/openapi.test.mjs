// docs/openapi.yaml documents every route the server has (`haven routes`), and no route
// that it does not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { haven } from './harness.mjs';

function documentedOperations() {
  const text = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
  const ops = new Set();
  let path = null;
  for (const line of text.split('\n')) {
    const p = line.match(/^  (\/[^:]*):\s*$/);
    if (p) { path = p[1].replace(/\{[^}]+\}/g, '{}'); continue; }
    if (/^\S/.test(line)) path = null;
    const m = line.match(/^    (get|post|patch|put|delete):/);
    if (path && m) ops.add(`${m[1].toUpperCase()} ${path}`);
  }
  return ops;
}

test('every route is documented in docs/openapi.yaml and every documented route exists', () => {
  const routes = JSON.parse(haven(['routes']).stdout).map((r) => `${r.method} ${r.path}`);
  const documented = documentedOperations();
  assert.deepEqual(routes.filter((r) => !documented.has(r)), [], 'routes missing from the docs');
  assert.deepEqual([...documented].filter((d) => !routes.includes(d)), [], 'documented but not served');
});
