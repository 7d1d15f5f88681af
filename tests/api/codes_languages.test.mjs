// GET /api/v1/codes/languages: the language picker of the registration desk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server, token;
before(async () => {
  server = await startServer({ demo: true, people: 20 });
  token = await server.login('registrar');
});
after(async () => { await server.stop(); });

test('languages_are_named_in_english_by_default_and_include_dari', async () => {
  const r = await server.request('GET', '/api/v1/codes/languages', { token });
  assert.equal(r.status, 200);
  const byCode = Object.fromEntries(r.body.items.map((l) => [l.code, l.name]));
  assert.equal(byCode.ps, 'Pashto');
  assert.equal(byCode.prs, 'Dari');
  assert.equal(byCode.ar, 'Arabic');
  assert.ok(r.body.items.length > 100);
  assert.equal(new Set(r.body.items.map((l) => l.code)).size, r.body.items.length, 'no duplicates');
  for (const l of r.body.items) assert.notEqual(l.name, l.code, `${l.code} has a name`);
});

test('languages_are_named_in_the_requested_language', async () => {
  const bs = await server.request('GET', '/api/v1/codes/languages?lang=bs', { token });
  const sr = await server.request('GET', '/api/v1/codes/languages?lang=sr-Cyrl', { token });
  const name = (r, c) => r.body.items.find((l) => l.code === c).name;
  assert.equal(name(bs, 'ar'), 'arapski');
  assert.equal(name(sr, 'ar'), 'арапски');
});

test('every_listed_language_is_accepted_at_registration', async () => {
  const r = await server.request('GET', '/api/v1/codes/languages', { token });
  const codes = r.body.items.map((l) => l.code);
  const sites = await server.request('GET', '/api/v1/sites', { token });
  const body = { given_name: 'Test', family_name: 'Languages', sex: 'M', citizenship: 'unknown',
    site_id: sites.body.items[0].id, languages: ['prs', 'ary', 'kmr'] };
  const reg = await server.request('POST', '/api/v1/persons', { token, body });
  assert.equal(reg.status, 201, reg.text);
  for (let i = 0; i < codes.length; i += 10) {
    const p = await server.request('PATCH', `/api/v1/persons/${reg.body.id}`,
      { token, body: { languages: codes.slice(i, i + 10) } });
    assert.equal(p.status, 200, `${codes.slice(i, i + 10)}: ${p.text}`);
  }
});

test('languages_need_a_session', async () => {
  const r = await server.request('GET', '/api/v1/codes/languages');
  assert.equal(r.status, 401);
});
