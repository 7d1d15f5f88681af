// docs/openapi.yaml documents every route the server has (`haven routes`), and no route
// that it does not have; it is valid YAML (a strict parser, no duplicate keys), and its
// operations say what they do and which permission they need.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { haven } from './harness.mjs';

const TEXT = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

function documentedOperations() {
  const ops = new Set();
  let path = null;
  for (const line of TEXT.split('\n')) {
    const p = line.match(/^  (\/[^:]*):\s*$/);
    if (p) { path = p[1].replace(/\{[^}]+\}/g, '{}'); continue; }
    if (/^\S/.test(line)) path = null;
    const m = line.match(/^    (get|post|patch|put|delete):/);
    if (path && m) ops.add(`${m[1].toUpperCase()} ${path}`);
  }
  return ops;
}

// The document as the yaml package reads it: strict, a repeated key is an error.
function parsed() {
  const doc = parseDocument(TEXT, { uniqueKeys: true, strict: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => `${e.code}: ${e.message}`);
  assert.deepEqual(problems, [], 'docs/openapi.yaml does not parse cleanly');
  return doc.toJS();
}

test('docs/openapi.yaml is valid YAML with no duplicate keys', () => {
  const api = parsed();
  assert.equal(typeof api.openapi, 'string');
  assert.equal(typeof api.paths, 'object');
  assert.equal(typeof api.components?.schemas, 'object');
  // Nothing outside the HTTP methods (and the path's parameters) under a path: a fragment of
  // another endpoint glued in by a merge shows up here when it still happens to parse.
  for (const [path, item] of Object.entries(api.paths)) {
    const extra = Object.keys(item).filter((k) => !METHODS.includes(k) && k !== 'parameters');
    assert.deepEqual(extra, [], `${path} has keys that are not operations`);
  }
});

test('the parsed paths are the paths the route check reads line by line', () => {
  const api = parsed();
  const ops = new Set();
  for (const [path, item] of Object.entries(api.paths)) {
    for (const m of METHODS) if (item[m]) ops.add(`${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`);
  }
  assert.deepEqual([...ops].sort(), [...documentedOperations()].sort());
});

test('every operation has a summary, and x-permission where the other methods of its path have one', () => {
  const api = parsed();
  const routes = new Map(JSON.parse(haven(['routes']).stdout).map((r) => [`${r.method} ${r.path}`, r.permission]));
  const problems = [];
  for (const [path, item] of Object.entries(api.paths)) {
    const ops = METHODS.filter((m) => item[m]);
    for (const m of ops) {
      const op = item[m];
      if (typeof op.summary !== 'string' || op.summary.trim() === '') problems.push(`${m} ${path}: no summary`);
      if (typeof op.responses !== 'object' || op.responses === null) problems.push(`${m} ${path}: no responses`);
    }
    const withPermission = ops.filter((m) => item[m]['x-permission'] !== undefined);
    if (withPermission.length > 0) {
      for (const m of ops) {
        if (!withPermission.includes(m) && !Array.isArray(item[m].security)) {
          problems.push(`${m} ${path}: no x-permission while ${withPermission.join(', ')} has one`);
        }
      }
    }
    // A documented permission names the one the server checks (words may follow it).
    for (const m of withPermission) {
      const served = routes.get(`${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`);
      const first = String(item[m]['x-permission']).split(/\s/)[0];
      if (served !== undefined && served !== null && first !== served) {
        problems.push(`${m} ${path}: x-permission ${first}, the server checks ${served}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('every route is documented in docs/openapi.yaml and every documented route exists', () => {
  const routes = JSON.parse(haven(['routes']).stdout).map((r) => `${r.method} ${r.path}`);
  const documented = documentedOperations();
  assert.deepEqual(routes.filter((r) => !documented.has(r)), [], 'routes missing from the docs');
  assert.deepEqual([...documented].filter((d) => !routes.includes(d)), [], 'documented but not served');
});
