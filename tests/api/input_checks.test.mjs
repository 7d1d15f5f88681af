// The smaller input checks of issue #10, through the real server: a break-glass reason
// of spaces, registrations dated before 1970 or before the birth date, names made only
// of invisible characters, and LIKE wildcards in the site board's search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv, admin, siteId;
before(async () => {
  srv = await startServer();
  admin = await srv.login('admin');
  const site = await srv.request('POST', '/api/v1/sites', { token: admin, body: { name: 'TRC Input', municipality: 'Bihać', kind: 'temporary_reception_centre', capacity: 50, active: true } });
  assert.equal(site.status, 201, site.text);
  siteId = site.body.id;
});
after(async () => { await srv.stop(); });

const person = (extra = {}) => ({
  given_name: 'Qudratullah', family_name: 'Ghaznawi', sex: 'M', birth_date: '1999-03-14',
  citizenship: 'AF', site_id: siteId, ...extra,
});
const register = (body) => srv.request('POST', '/api/v1/persons', { token: admin, body });

async function refused(r, field) {
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.field, field, r.text);
}

test('names made only of zero-width or direction-control characters are refused', async () => {
  const invisible = ['\u200b\u200b\u200b', '\u202e\u202c', '\u2066\u2069\u200e\u200f', '\ufeff \u2060', '\u00a0\u3000', '\u034f'];
  for (const name of invisible) {
    await refused(await register(person({ family_name: name })), 'family_name');
    await refused(await register(person({ given_name: name })), 'given_name');
    await refused(await register(person({ native_name: name })), 'native_name');
  }
  // A name with a zero-width non-joiner inside (Persian) is a real name.
  const ok = await register(person({ native_name: 'قدرت\u200cالله', check_in: true }));
  assert.equal(ok.status, 201, ok.text);
  // And a correction cannot make a name invisible either.
  const fix = await srv.request('PATCH', `/api/v1/persons/${ok.body.id}`, { token: admin, body: { family_name: '\u200b\u200d' } });
  await refused(fix, 'family_name');
});

test('a registration dated 1970 or before the birth date is refused', async () => {
  await refused(await register(person({ registered_at: '1970-01-01T00:00:00Z' })), 'registered_at');
  await refused(await register(person({ registered_at: '1969-12-31T23:00:00Z' })), 'registered_at');
  const before = await register(person({ registered_at: '1999-03-13T12:00:00Z' }));
  await refused(before, 'registered_at');
  assert.match(before.body.error.message, /before birth_date/);
  const same = await register(person({ registered_at: '1999-03-14T12:00:00Z' }));
  assert.equal(same.status, 201, same.text);
  // A correction cannot move the birth date after the registration either.
  const later = await srv.request('PATCH', `/api/v1/persons/${same.body.id}`, { token: admin, body: { birth_date: '1999-03-15' } });
  await refused(later, 'birth_date');
  const earlier = await srv.request('PATCH', `/api/v1/persons/${same.body.id}`, { token: admin, body: { birth_date: '1999-03-01' } });
  assert.equal(earlier.status, 200, earlier.text);
});

test('residents?q=% and q=_ match no one; a real name still matches', async () => {
  for (const name of ['Amina', 'Bilal', 'Zahra']) {
    const r = await register(person({ given_name: name, family_name: 'Rahimi', check_in: true }));
    assert.equal(r.status, 201, r.text);
  }
  const board = (q) => srv.request('GET', `/api/v1/sites/${siteId}/residents?q=${encodeURIComponent(q)}`, { token: admin });
  const all = await board('rahimi');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.items.length, 3);
  for (const q of ['%', '_', '%%', '___', 'r%i', 'ra_imi', '\\']) {
    const r = await board(q);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.items.length, 0, `q=${q} matched ${r.body.items.length}`);
  }
  assert.equal((await board('amina')).body.items.length, 1);
});

test('a break-glass reason of spaces or invisible characters is refused', async () => {
  const reg = await register(person({ given_name: 'Break', family_name: 'Glass' }));
  assert.equal(reg.status, 201, reg.text);
  for (const reason of [' '.repeat(40), '\u200b'.repeat(30), '\t\t\t\t\t\t\t\t\t\t\t\t', 'x         ', 'a\u200bb\u200bc\u200bd']) {
    const r = await srv.request('POST', '/api/v1/protection/break-glass', { token: admin, body: { person_id: reg.body.id, reason } });
    await refused(r, 'reason');
  }
  const ok = await srv.request('POST', '/api/v1/protection/break-glass', { token: admin, body: { person_id: reg.body.id, reason: 'Ombudsman request 44/2023' } });
  assert.equal(ok.status, 201, ok.text);
});
