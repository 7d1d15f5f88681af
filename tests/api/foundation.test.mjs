// The foundation over HTTP: what a reception centre does in a day, through the real
// server, and what must be refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, haven, PG_URL, pgRestore } from './harness.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ demo: true, people: 200 });
  admin = await srv.login('admin');
});
after(async () => { await srv.stop(); });

const person = (siteId, extra = {}) => ({
  given_name: 'Qudratullah', family_name: 'Ghaznawi', native_name: 'قدرت‌الله غزنوی', sex: 'M',
  birth_date: '1999-03-14', birth_date_precision: 'exact', citizenship: 'AF',
  languages: ['fa', 'ps'], phone: '+387 61 555 123', site_id: siteId, ...extra,
});

test('health answers without a session', async () => {
  const r = await srv.request('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.deepEqual(r.body.failing, []);
});

test('login sets an HttpOnly SameSite=Strict cookie and the token works as bearer', async () => {
  const r = await srv.request('POST', '/api/v1/session', { body: { username: 'admin', password: srv.logins.admin.password } });
  assert.equal(r.status, 201);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /haven_session=/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const me = await srv.request('GET', '/api/v1/me', { token: r.body.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.username, 'admin');
  assert.ok(me.body.permissions.includes('site.write'));
  const out = await srv.request('DELETE', '/api/v1/session', { token: r.body.token });
  assert.equal(out.status, 204);
  const after = await srv.request('GET', '/api/v1/me', { token: r.body.token });
  assert.equal(after.status, 401);
  assert.equal(after.body.error.code, 'unauthenticated');
});

test('a day at the desk: site, registration, check-in, occupancy, check-out', async () => {
  const site = await srv.request('POST', '/api/v1/sites', { token: admin, body: { name: 'TRC Test', municipality: 'Bihać', kind: 'temporary_reception_centre', capacity: 50, active: true } });
  assert.equal(site.status, 201);
  const siteId = site.body.id;
  const reg = await srv.request('POST', '/api/v1/persons', { token: admin, body: person(siteId) });
  assert.equal(reg.status, 201);
  assert.match(reg.body.reg_no, /^TRC-\d\d-000001$/);
  assert.deepEqual(reg.body.candidates, []);
  const stay = await srv.request('POST', '/api/v1/stays', { token: admin, body: { person_id: reg.body.id, site_id: siteId, bed: 'C2-07' } });
  assert.equal(stay.status, 201);
  let occ = await srv.request('GET', `/api/v1/sites/${siteId}/occupancy`, { token: admin });
  assert.equal(occ.status, 200);
  assert.equal(occ.body.present, 1);
  assert.equal(occ.body.beds_free, 49);
  assert.equal(occ.body.days.length, 30);
  assert.equal(occ.body.days.at(-1).arrivals, 1);
  const twice = await srv.request('POST', '/api/v1/stays', { token: admin, body: { person_id: reg.body.id, site_id: siteId } });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.field, 'person_id');
  const out = await srv.request('POST', `/api/v1/stays/${stay.body.id}/checkout`, { token: admin, body: { reason: 'moved_on' } });
  assert.equal(out.status, 200);
  assert.equal(out.body.checkout_reason, 'moved_on');
  occ = await srv.request('GET', `/api/v1/sites/${siteId}/occupancy`, { token: admin });
  assert.equal(occ.body.present, 0);
  assert.equal(occ.body.days.at(-1).departures, 1);
  const profile = await srv.request('GET', `/api/v1/persons/${reg.body.id}`, { token: admin });
  assert.equal(profile.body.stays.length, 1);
  assert.equal(profile.body.current_stay, null);
  // The same man again, another spelling order: the answer points at him.
  const again = await srv.request('POST', '/api/v1/persons', { token: admin, body: person(siteId, { given_name: 'GHAZNAWI', family_name: 'Qudratullah', birth_date: '1999-01-01', birth_date_precision: 'year', native_name: null }) });
  assert.equal(again.status, 201);
  assert.equal(again.body.candidates[0].id, reg.body.id);
  assert.ok(again.body.candidates[0].reasons.length > 0);
  const found = await srv.request('GET', '/api/v1/persons?q=ghaznawi&limit=5', { token: admin });
  assert.ok(found.body.items.some((p) => p.id === reg.body.id));
  const byNumber = await srv.request('GET', `/api/v1/persons?q=${reg.body.reg_no}`, { token: admin });
  assert.equal(byNumber.body.items[0].id, reg.body.id);
});

test('bad requests get 400 naming the field and change no row', async () => {
  const sites = await srv.request('GET', '/api/v1/sites', { token: admin });
  const siteId = sites.body.items[0].id;
  const before = await srv.request('GET', '/api/v1/audit?limit=1', { token: admin });
  const cases = [
    [{ ...person(siteId), birth_date: '2001-02-30' }, 'birth_date'],
    [{ ...person(siteId), citizenship: 'XX' }, 'citizenship'],
    [{ ...person(siteId), sex: 7 }, 'sex'],
    [{ ...person(siteId), favourite_colour: 'blue' }, 'favourite_colour'],
    [{ ...person(siteId), family_name: 'x'.repeat(101) }, 'family_name'],
    [{ ...person(siteId), languages: ['zz'] }, 'languages'],
  ];
  for (const [body, field] of cases) {
    const r = await srv.request('POST', '/api/v1/persons', { token: admin, body });
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.body.error.code, 'invalid');
    assert.equal(r.body.error.field, field);
  }
  const malformed = await srv.request('POST', '/api/v1/persons', { token: admin, raw: '{"given_name":', headers: { 'Content-Type': 'application/json' } });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.field, 'body');
  const badUtf8 = await srv.request('POST', '/api/v1/persons', { token: admin, raw: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), headers: { 'Content-Type': 'application/json' } });
  assert.equal(badUtf8.status, 400);
  const negative = await srv.request('POST', '/api/v1/sites', { token: admin, body: { name: 'X', kind: 'other', capacity: -5 } });
  assert.equal(negative.status, 400);
  assert.equal(negative.body.error.field, 'capacity');
  const wrongType = await srv.request('POST', '/api/v1/sites', { token: admin, raw: 'name=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(wrongType.status, 415);
  const huge = await srv.request('POST', '/api/v1/persons', { token: admin, raw: JSON.stringify({ given_name: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'Content-Type': 'application/json' } });
  assert.equal(huge.status, 413);
  const afterAudit = await srv.request('GET', '/api/v1/audit?limit=1', { token: admin });
  assert.equal(afterAudit.body.items[0].seq, before.body.items[0].seq, 'no write was audited');
});

test('a registrar of one site gets 404 for another site\'s people and 403 for admin work', async () => {
  const registrar = await srv.login('registrar'); // Lipa only
  const sites = (await srv.request('GET', '/api/v1/sites', { token: admin })).body.items;
  const lipa = sites.find((s) => s.code === 'LIP');
  const usivak = sites.find((s) => s.code === 'USI');
  const theirs = await srv.request('POST', '/api/v1/persons', { token: admin, body: person(usivak.id, { given_name: 'Omid', family_name: 'Karimi' }) });
  const r = await srv.request('GET', `/api/v1/persons/${theirs.body.id}`, { token: registrar });
  assert.equal(r.status, 404);
  const list = await srv.request('GET', `/api/v1/persons?q=karimi&limit=200`, { token: registrar });
  assert.ok(!list.body.items.some((p) => p.id === theirs.body.id));
  const write = await srv.request('POST', '/api/v1/persons', { token: registrar, body: person(usivak.id) });
  assert.equal(write.status, 404);
  assert.equal(write.body.error.field, 'site_id');
  const own = await srv.request('POST', '/api/v1/persons', { token: registrar, body: person(lipa.id, { given_name: 'Ali', family_name: 'Rahimi' }) });
  assert.equal(own.status, 201);
  const siteList = await srv.request('GET', '/api/v1/sites', { token: registrar });
  assert.deepEqual(siteList.body.items.map((s) => s.code), ['LIP']);
  const users = await srv.request('GET', '/api/v1/users', { token: registrar });
  assert.equal(users.status, 403);
  assert.equal(users.body.error.code, 'forbidden');
});

test('cookie-authenticated writes need our own Origin', async () => {
  const login = await srv.request('POST', '/api/v1/session', { body: { username: 'registrar', password: srv.logins.registrar.password } });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const sites = (await srv.request('GET', '/api/v1/sites', { headers: { Cookie: cookie } })).body.items;
  const body = person(sites[0].id, { given_name: 'Cookie', family_name: 'Test' });
  const none = await srv.request('POST', '/api/v1/persons', { headers: { Cookie: cookie }, body });
  assert.equal(none.status, 403);
  const evil = await srv.request('POST', '/api/v1/persons', { headers: { Cookie: cookie, Origin: 'http://evil.example' }, body });
  assert.equal(evil.status, 403);
  const ours = await srv.request('POST', '/api/v1/persons', { headers: { Cookie: cookie, Origin: srv.base }, body });
  assert.equal(ours.status, 201);
});

test('failed logins are rate-limited with 429', async () => {
  // Three free failures per (account, address), then a delay (tests/api/security_auth.test.mjs).
  for (let i = 0; i < 3; i++) {
    const r = await srv.request('POST', '/api/v1/session', { body: { username: 'viewer', password: 'not the password' } });
    assert.equal(r.status, 401);
  }
  const r = await srv.request('POST', '/api/v1/session', { body: { username: 'viewer', password: srv.logins.viewer.password } });
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, 'rate_limited');
  assert.ok(r.headers.get('retry-after'));
});

test('unknown endpoints and ids are 404 with the error shape', async () => {
  const r = await srv.request('GET', '/api/v1/nothing', { token: admin });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
  const p = await srv.request('GET', '/api/v1/persons/not-an-id', { token: admin });
  assert.equal(p.status, 404);
});

test('every write is audited and the chain verifies; backup opens and verifies', async () => {
  const audit = await srv.request('GET', '/api/v1/audit?entity=site&limit=50', { token: admin });
  assert.equal(audit.status, 200);
  assert.ok(audit.body.items.some((e) => e.action === 'create' && e.actor_name === 'admin'));
  const v = haven(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /intact: \d+ entries/);
  const copy = `${srv.dir}/copy.db`;
  const b = haven(['backup', '--db', srv.db, '--out', copy]);
  assert.equal(b.status, 0, b.stderr);
  // On PostgreSQL the backup is pg_dump's: it verifies once restored into a database.
  const restored = PG_URL ? pgRestore(copy, srv.db) : copy;
  const rv = haven(['audit', 'verify', '--db', restored]);
  assert.equal(rv.status, 0, rv.stderr);
});

test('the dashboard summary adds up the sites', async () => {
  const s = await srv.request('GET', '/api/v1/summary', { token: admin });
  assert.equal(s.status, 200);
  assert.equal(s.body.present, s.body.sites.reduce((n, x) => n + x.present, 0));
  assert.equal(s.body.days.length, 30);
  assert.ok(s.body.top_citizenships.length > 0);
});

test('a registrar merges a duplicate, undoes it, and marks another pair as different people', async () => {
  const registrar = await srv.login('registrar');
  const lipa = (await srv.request('GET', '/api/v1/sites', { token: registrar })).body.items[0];
  const first = await srv.request('POST', '/api/v1/persons', { token: registrar, body: person(lipa.id, { given_name: 'Sardar', family_name: 'Wardaki', birth_date: '1991-06-01' }) });
  const second = await srv.request('POST', '/api/v1/persons', { token: registrar, body: person(lipa.id, { given_name: 'WARDAKI', family_name: 'Sardar', birth_date: '1991-01-01', birth_date_precision: 'year' }) });
  assert.equal(second.body.candidates[0].id, first.body.id);
  const merged = await srv.request('POST', `/api/v1/persons/${first.body.id}/merge`, { token: registrar, body: { other_id: second.body.id } });
  assert.equal(merged.status, 200);
  assert.deepEqual(merged.body.merged, [second.body.id]);
  const gone = await srv.request('GET', '/api/v1/persons?q=wardaki', { token: registrar });
  assert.deepEqual(gone.body.items.map((p) => p.id), [first.body.id]);
  const undo = await srv.request('POST', `/api/v1/persons/${first.body.id}/unmerge`, { token: registrar, body: { other_id: second.body.id } });
  assert.equal(undo.status, 200);
  assert.deepEqual(undo.body.merged, []);
  const distinct = await srv.request('POST', `/api/v1/persons/${first.body.id}/distinct`, { token: registrar, body: { other_id: second.body.id } });
  assert.equal(distinct.status, 204);
  const cands = await srv.request('GET', `/api/v1/persons/${first.body.id}/candidates`, { token: registrar });
  assert.ok(!cands.body.items.some((c) => c.id === second.body.id));
  const counsellor = await srv.login('counsellor');
  const refused = await srv.request('POST', `/api/v1/persons/${first.body.id}/merge`, { token: counsellor, body: { other_id: second.body.id } });
  assert.equal(refused.status, 403);
});
