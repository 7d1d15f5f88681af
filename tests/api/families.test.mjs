// Families and tracing over HTTP: a family registered together in one request (new and
// earlier-registered members), bad input that changes nothing, another site's desk that
// sees nothing, the whole family checked in and transferred in one action, and a tracing
// request that finds a relative registered later at a site the officer does not have,
// disclosed to the asker only with consent; tracing is closed to every other role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
const tok = {};
const site = {};

before(async () => {
  server = await startServer({ demo: true, people: 10 });
  for (const u of ['admin', 'registrar', 'registrar.usivak', 'protection', 'counsellor', 'viewer']) tok[u] = await server.login(u);
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  for (const s of sites.body.items) site[s.code] = s.id;
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });

async function register(who, siteId, given, family, birth) {
  const r = await call('POST', '/api/v1/persons', who, { given_name: given, family_name: family, sex: 'M', citizenship: 'AF', birth_date: birth, site_id: siteId });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

async function count(path, who) { return (await call('GET', path, who)).body.total; }

test('a family is registered together, shown on the profile, and moved as one', async () => {
  const head = await register('registrar', site.LIP, 'Qasim', 'Wardakzai', '1980-03-01');
  const r = await call('POST', '/api/v1/families', 'registrar', {
    site_id: site.LIP,
    members: [
      { person_id: head, relation: 'head' },
      { relation: 'spouse', person: { given_name: 'Farida', family_name: 'Wardakzai', sex: 'F', citizenship: 'AF', birth_date: '1984-07-07' } },
      { relation: 'child', person: { given_name: 'Nilab', family_name: 'Wardakzai', sex: 'F', citizenship: 'AF', birth_date: '2016-01-09' } },
    ],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.name, 'Wardakzai');
  assert.equal(r.body.members.length, 3);
  assert.equal(r.body.registered.length, 2);
  assert.ok(r.body.registered.every((x) => /^LIP-/.test(x.reg_no)));
  assert.deepEqual(r.body.members.map((m) => m.minor), [false, false, true]);
  const id = r.body.id;
  const prof = await call('GET', `/api/v1/persons/${head}/family`, 'viewer');
  assert.equal(prof.status, 200, prof.text);
  assert.equal(prof.body.family.id, id);
  // One action checks in every member, each with their own stay.
  const inn = await call('POST', `/api/v1/families/${id}/check-in`, 'registrar', { site_id: site.LIP, beds: { [head]: 'A-1' } });
  assert.equal(inn.status, 201, inn.text);
  assert.equal(inn.body.stays.length, 3);
  assert.equal(new Set(inn.body.stays.map((s) => s.id)).size, 3);
  assert.ok(inn.body.family.members.every((m) => m.current_stay && m.current_stay.site_id === site.LIP));
  // The Lipa desk has no Ušivak: a transfer there is refused and nothing moves.
  const far = await call('POST', `/api/v1/families/${id}/transfer`, 'registrar', { site_id: site.USI });
  assert.ok([400, 404].includes(far.status), far.text);
  const still = await call('GET', `/api/v1/families/${id}`, 'registrar');
  assert.ok(still.body.members.every((m) => m.current_stay && m.current_stay.site_id === site.LIP));
  const moved = await call('POST', `/api/v1/families/${id}/transfer`, 'admin', { site_id: site.USI, note: 'space for families' });
  assert.equal(moved.status, 200, moved.text);
  assert.ok(moved.body.family.members.every((m) => m.current_stay.site_id === site.USI));
  assert.equal(moved.body.checked_out.length, 3);
  // Now the Ušivak desk sees the family too, and checks it out in one action.
  const out = await call('POST', `/api/v1/families/${id}/check-out`, 'registrar.usivak', { reason: 'moved_on' });
  assert.equal(out.status, 200, out.text);
  assert.ok(out.body.family.members.every((m) => m.current_stay === null));
  const audit = await call('GET', `/api/v1/audit?entity=family&entity_id=${id}`, 'admin');
  assert.equal(audit.status, 200, audit.text);
  const actions = audit.body.items.map((i) => i.action);
  for (const a of ['create', 'add_member', 'check_in', 'transfer', 'check_out']) assert.ok(actions.includes(a), `${a} audited`);
});

test('bad input names the field and changes nothing', async () => {
  const before = await count('/api/v1/families?limit=200', 'admin');
  const child = await register('registrar', site.LIP, 'Omid', 'Sarwari', '2012-02-02');
  const self = await call('POST', '/api/v1/families', 'registrar', { site_id: site.LIP, members: [{ person_id: child, relation: 'child', guardian_person_id: child }] });
  assert.equal(self.status, 400);
  assert.equal(self.body.error.field, 'members.0.guardian_person_id');
  assert.equal(self.body.error.key, 'family_self_relation');
  const adult = await register('registrar', site.LIP, 'Reza', 'Sarwari', '1975-02-02');
  const flag = await call('POST', '/api/v1/families', 'registrar', { site_id: site.LIP, members: [{ person_id: adult, relation: 'head', separation: 'unaccompanied' }] });
  assert.equal(flag.status, 400);
  assert.equal(flag.body.error.field, 'members.0.separation');
  const reg = await call('POST', '/api/v1/families', 'registrar', { site_id: site.LIP, members: [
    { person_id: adult, relation: 'head' },
    { relation: 'child', person: { given_name: 'Zia', family_name: 'Sarwari', sex: 'M', citizenship: 'Afghanistan' } }] });
  assert.equal(reg.status, 400);
  assert.equal(reg.body.error.field, 'members.1.person.citizenship');
  const ctl = await call('POST', '/api/v1/families', 'registrar', { site_id: site.LIP, name: 'A\u0007B', members: [{ person_id: adult, relation: 'head' }] });
  assert.equal(ctl.status, 400);
  assert.equal(ctl.body.error.field, 'name');
  assert.equal(await count('/api/v1/families?limit=200', 'admin'), before);
  // An unaccompanied child, linked to the guardian appointed for them.
  const ok = await call('POST', '/api/v1/families', 'registrar', { site_id: site.LIP, members: [{ person_id: child, relation: 'child', separation: 'unaccompanied', guardian_person_id: adult }] });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.members[0].separation, 'unaccompanied');
  const again = await call('POST', `/api/v1/families/${ok.body.id}/members`, 'registrar', { person_id: child, relation: 'sibling' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.key, 'family_member_taken');
});

test("another site's desk does not see the family; a counsellor may read but not write", async () => {
  const p = await register('registrar', site.LIP, 'Karim', 'Haidari', '1991-01-01');
  const r = await call('POST', '/api/v1/families', 'registrar', { site_id: site.LIP, members: [{ person_id: p, relation: 'head' }] });
  assert.equal(r.status, 201, r.text);
  assert.equal((await call('GET', `/api/v1/families/${r.body.id}`, 'registrar.usivak')).status, 404);
  const list = await call('GET', '/api/v1/families?limit=200', 'registrar.usivak');
  assert.ok(!list.body.items.some((f) => f.id === r.body.id));
  assert.equal((await call('GET', `/api/v1/families/${r.body.id}`, 'counsellor')).status, 200);
  assert.equal((await call('PATCH', `/api/v1/families/${r.body.id}`, 'counsellor', { name: 'x' })).status, 403);
});

test('a tracing request finds a relative registered later at another site; disclosure waits for consent', async () => {
  const asker = await register('registrar', site.LIP, 'Hamid', 'Noorzai', '1988-08-08');
  const req = await call('POST', '/api/v1/tracing', 'protection', {
    site_id: site.LIP, asker_person_id: asker, relation: 'sibling',
    sought: { given_name: 'Jawid', family_name: 'Noorzai', sex: 'M', birth_date: '1993-03-03', citizenship: 'AF' },
    last_seen_place: 'Šid, Serbian side', last_seen_date: '2026-09-20', circumstances: 'separated during a push-back',
  });
  assert.equal(req.status, 201, req.text);
  const id = req.body.id;
  assert.equal(req.body.status, 'open');
  // Registered later at Blažuj, a site the protection officer does not have.
  const found = await register('admin', site.BLA, 'Javid', 'Noorzai', '1993-03-03');
  const got = await call('GET', `/api/v1/tracing/${id}`, 'protection');
  assert.equal(got.status, 200, got.text);
  const m = got.body.matches.find((x) => x.person_id === found);
  assert.ok(m, JSON.stringify(got.body.matches));
  assert.equal(m.state, 'proposed');
  assert.ok(!got.body.matches.some((x) => x.person_id === asker));
  const conf = await call('POST', `/api/v1/tracing/${id}/matches/${m.id}`, 'protection', { decision: 'confirm' });
  assert.equal(conf.status, 200, conf.text);
  assert.equal(conf.body.status, 'found');
  assert.equal(conf.body.disclosure.may_tell_asker, false);
  assert.ok(!('tell_asker' in conf.body.disclosure));
  const refused = await call('POST', `/api/v1/tracing/${id}/consent`, 'protection', { consent: 'refused' });
  assert.equal(refused.body.disclosure.may_tell_asker, false);
  const given = await call('POST', `/api/v1/tracing/${id}/consent`, 'protection', { consent: 'given', note: 'agreed by phone' });
  assert.equal(given.status, 200, given.text);
  assert.equal(given.body.disclosure.tell_asker.given_name, 'Javid');
  const closed = await call('POST', `/api/v1/tracing/${id}/close`, 'protection', { status: 'reunited' });
  assert.equal(closed.body.status, 'reunited');
  // Need to know: no other role, the administrator included, reaches tracing.
  for (const who of ['admin', 'registrar', 'counsellor', 'viewer']) {
    assert.equal((await call('GET', `/api/v1/tracing/${id}`, who)).status, 403, who);
    assert.equal((await call('GET', '/api/v1/tracing', who)).status, 403, who);
  }
  const bad = await call('POST', '/api/v1/tracing', 'protection', { site_id: site.LIP, asker_name: 'Mother', relation: 'child', sought: { given_name: 'Ali' }, last_seen_place: 'Bihać' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'sought.family_name');
});
