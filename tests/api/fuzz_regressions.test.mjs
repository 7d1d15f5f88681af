// Inputs the fuzzers found (tests/fuzz/, docs/fuzzing.md), replayed against the real
// server: each once brought it down or made it answer something that was not JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await srv.login('admin');
});
after(async () => { await srv.stop(); });

test('a path that is not UTF-8 is a JSON 404, and the server stays up', async () => {
  for (const path of ['/api/v1/%ff', '/api/v1/persons/%c3', '/api/v1/%ed%a0%80/x']) {
    const r = await srv.request('GET', path, { token: admin });
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'not_found');
  }
  const r = await srv.request('GET', '/api/v1/%ff', { token: admin });
  assert.equal(r.body.error.message, 'no endpoint GET /api/v1/?'); // the byte replaced
  assert.equal((await srv.request('GET', '/healthz')).status, 200);
});

test('a field name cut inside a character still gives a JSON error naming it', async () => {
  const key = 'é'.repeat(48);
  const r = await srv.request('POST', '/api/v1/session', { body: { [key]: 1 } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid');
  assert.equal(r.body.error.field, 'é'.repeat(31)); // 62 bytes of the 63 a field holds
  const empty = await srv.request('POST', '/api/v1/persons', { token: admin, body: { '': 'x' } });
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.field, 'body');
});
