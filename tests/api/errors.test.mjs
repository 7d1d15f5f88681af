// Errors say what is wrong in a form the interface can translate: the field, a
// message key and its parameters, beside the English message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server, token, site;

before(async () => {
  server = await startServer();
  token = await server.login('admin');
  const r = await server.request('POST', '/api/v1/sites', { token, body: { name: 'TRC Lipa', code: 'LIP', kind: 'temporary_reception_centre', capacity: 10 } });
  site = r.body;
});
after(async () => { await server.stop(); });

test('a_too_long_name_names_the_field_the_key_and_the_limit', async () => {
  const r = await server.request('POST', '/api/v1/persons', { token, body: {
    given_name: 'A'.repeat(500), family_name: 'Ahmadi', sex: 'M', site_id: site.id } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'given_name');
  assert.equal(r.body.error.key, 'too_long');
  assert.match(r.body.error.params.max, /^\d+$/);
  assert.match(r.body.error.message, /longer than/);
});

test('a_missing_field_and_an_unknown_field_carry_their_keys', async () => {
  let r = await server.request('POST', '/api/v1/sites', { token, body: { code: 'BIR', kind: 'temporary_reception_centre', capacity: 5 } });
  assert.equal(r.status, 400);
  assert.deepEqual([r.body.error.field, r.body.error.key], ['name', 'required']);
  r = await server.request('POST', '/api/v1/sites', { token, body: { name: 'X', code: 'BIR', kind: 'temporary_reception_centre', capacity: 5, colour: 'red' } });
  assert.deepEqual([r.body.error.field, r.body.error.key], ['colour', 'unknown_field']);
});

test('malformed_json_gives_line_and_column_as_parameters', async () => {
  const r = await server.request('POST', '/api/v1/sites', { token, raw: '{"name": ', headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.key, 'malformed_json');
  assert.equal(r.body.error.params.line, '1');
});

test('an_error_without_a_key_has_no_key_member', async () => {
  const r = await server.request('GET', '/api/v1/persons/nope', { token });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.key, undefined);
});
