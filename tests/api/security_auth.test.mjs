// Issue #10, accounts and need to know over HTTP: the login delay per (account, address),
// the password rule and changing one's own password, access to protection and PSEA data
// as a reasoned and audited grant, the audit view without protection facts, and hidden
// candidates at the desk (docs/security-auth.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
const tok = {};
let lipa, borici;

before(async () => {
  // The server trusts 127.0.0.1 as its proxy, so that X-Forwarded-For can play the
  // clients of different addresses.
  server = await startServer({ demo: true, people: 200, serveArgs: ['--trusted-proxy', '127.0.0.1'] });
  for (const u of ['admin', 'registrar', 'protection', 'psea']) tok[u] = await server.login(u);
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  borici = sites.body.items.find((s) => s.code === 'BOR').id;
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body, headers) =>
  server.request(method, path, { token: typeof who === 'string' && tok[who] ? tok[who] : who, body, headers });
const loginFrom = (address, username, password) => server.request('POST', '/api/v1/session', {
  body: { username, password: password ?? server.logins[username].password },
  headers: { 'X-Forwarded-For': address },
});

test('failures slow the guessing address for that account only, not the real user', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await loginFrom('10.20.0.1', 'viewer', 'wrong password guess');
    assert.equal(r.status, 401);
  }
  // The right password from the guesser's address now waits (a delay, not 15 minutes)...
  const waits = await loginFrom('10.20.0.1', 'viewer');
  assert.equal(waits.status, 429);
  assert.equal(waits.body.error.key, 'login_wait');
  const seconds = Number(waits.headers.get('retry-after'));
  assert.ok(seconds >= 1 && seconds <= 30, `Retry-After ${seconds}`);
  // ...from another address the right password logs in at once...
  assert.equal((await loginFrom('10.20.0.2', 'viewer')).status, 201);
  // ...and another account behind the same router is not concerned at all.
  assert.equal((await loginFrom('10.20.0.1', 'counsellor')).status, 201);
});

test('passwords: the rule for new ones, and changing one\'s own', async () => {
  // The rule, where an administrator sets one.
  for (const [password, key] of [['short pass', 'password_short'], ['password1234', 'password_common'],
    ['amra.test2026', 'password_username']]) {
    const r = await call('POST', '/api/v1/users', 'admin', { username: 'amra.test', role: 'viewer', password });
    assert.equal(r.status, 400, password);
    assert.equal(r.body.error.field, 'password');
    assert.equal(r.body.error.key, key);
  }
  const made = await call('POST', '/api/v1/users', 'admin', { username: 'amra.test', role: 'viewer', password: 'first long passphrase' });
  assert.equal(made.status, 201, made.text);
  const first = await server.login('amra.test', 'first long passphrase');
  const second = await server.login('amra.test', 'first long passphrase');
  const change = (body, token = first) => call('POST', '/api/v1/me/password', token, body);
  let r = await change({ current_password: 'not it at all', new_password: 'second long passphrase' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'current_password');
  r = await change({ current_password: 'first long passphrase', new_password: 'qwerty123456' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'new_password');
  r = await change({ current_password: 'first long passphrase' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'new_password');
  r = await change({ current_password: 'first long passphrase', new_password: 'second long passphrase' });
  assert.equal(r.status, 204, r.text);
  // This session goes on, the other one ended, only the new password logs in.
  assert.equal((await call('GET', '/api/v1/me', first)).status, 200);
  assert.equal((await call('GET', '/api/v1/me', second)).status, 401);
  assert.equal((await loginFrom('10.30.0.1', 'amra.test', 'first long passphrase')).status, 401);
  assert.equal((await loginFrom('10.30.0.1', 'amra.test', 'second long passphrase')).status, 201);
  const audit = await call('GET', `/api/v1/audit?entity=user&id=${made.body.id}`, 'admin');
  assert.ok(audit.body.items.some((i) => i.action === 'password_changed' && i.actor_name === 'amra.test'));
  assert.ok(!audit.text.includes('passphrase'));
});

test('access to protection data is a reasoned grant, audited and listed for protection staff', async () => {
  const body = { username: 'gbv.worker', role: 'protection', sites: [lipa], password: 'a long enough passphrase' };
  let r = await call('POST', '/api/v1/users', 'admin', body);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'access_reason');
  r = await call('POST', '/api/v1/users', 'admin', { ...body, access_reason: '             ' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'access_reason');
  r = await call('POST', '/api/v1/users', 'admin', { ...body, access_reason: 'GBV caseworker replacing Lejla at Lipa' });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  // A viewer promoted to protection officer is a grant too.
  const viewer = await call('POST', '/api/v1/users', 'admin', { username: 'later.officer', role: 'viewer', password: 'a long enough passphrase' });
  r = await call('PATCH', `/api/v1/users/${viewer.body.id}`, 'admin', { role: 'protection', sites: [borici] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'access_reason');
  r = await call('PATCH', `/api/v1/users/${viewer.body.id}`, 'admin', { role: 'protection', sites: [borici], access_reason: 'covers Borići in December' });
  assert.equal(r.status, 200, r.text);

  const grants = await call('GET', '/api/v1/protection/access-grants', 'protection');
  assert.equal(grants.status, 200);
  const mine = grants.body.items.find((g) => g.entity_id === id);
  assert.equal(mine.action, 'protection.access_granted');
  assert.equal(mine.actor_name, 'admin');
  assert.equal(mine.detail.username, 'gbv.worker');
  assert.deepEqual(mine.detail.sites, [lipa]);
  assert.equal(mine.detail.reason, 'GBV caseworker replacing Lejla at Lipa');
  assert.ok(grants.body.items.some((g) => g.entity_id === viewer.body.id && g.detail.reason === 'covers Borići in December'));
  // The demo accounts were granted too, with the reason the demo gives.
  assert.ok(grants.body.items.some((g) => g.detail.username === 'protection'));
  assert.equal((await call('GET', '/api/v1/protection/access-grants', 'registrar')).status, 403);

  // PSEA: the same, listed for the PSEA focal points only.
  r = await call('POST', '/api/v1/users', 'admin', { username: 'psea.two', role: 'psea', sites: [lipa], password: 'a long enough passphrase' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'access_reason');
  r = await call('POST', '/api/v1/users', 'admin', { username: 'psea.two', role: 'psea', sites: [lipa], password: 'a long enough passphrase', access_reason: 'second focal point for Lipa' });
  assert.equal(r.status, 201, r.text);
  const psea = await call('GET', '/api/v1/psea/access-grants', 'psea');
  assert.equal(psea.status, 200);
  assert.ok(psea.body.items.some((g) => g.detail.username === 'psea.two' && g.action === 'psea.access_granted'));
  assert.equal((await call('GET', '/api/v1/psea/access-grants', 'protection')).status, 403);
});

test('the audit view does not tell the admin who was referred to which provider', async () => {
  const people = await call('GET', `/api/v1/persons?site=${lipa}&limit=200`, 'registrar');
  const person = people.body.items.find((p) => p.registration_site_id === lipa).id;
  const providers = await call('GET', `/api/v1/protection/providers?site=${lipa}`, 'protection');
  const provider = providers.body.items.find((p) => p.service_type === 'gbv') ?? providers.body.items[0];
  // Only what the referral wrote: the person's own stays and family are not secrets.
  const last = (await call('GET', '/api/v1/audit?limit=1', 'admin')).body.items[0].seq;
  let r = await call('POST', `/api/v1/persons/${person}/consents`, 'protection', { kind: 'referral', provider_id: provider.id, given: true, method: 'verbal' });
  assert.equal(r.status, 201, r.text);
  r = await call('POST', '/api/v1/protection/referrals', 'protection', { person_id: person, provider_id: provider.id, site_id: lipa, reason: 'WOMBAT-93 needs support' });
  assert.equal(r.status, 201, r.text);
  const referral = r.body.id;
  for (const path of ['/api/v1/audit?limit=1000', '/api/v1/audit?entity=protection_referral', '/api/v1/audit?entity=protection_consent']) {
    const a = await call('GET', path, 'admin');
    assert.equal(a.status, 200);
    for (const secret of [person, provider.id, referral, 'WOMBAT']) {
      const leaks = a.body.items.filter((i) => i.seq > last && i.entity !== 'person' && JSON.stringify(i).includes(secret));
      assert.deepEqual(leaks, [], `${path} leaks ${secret}`);
    }
  }
  const a = await call('GET', '/api/v1/audit?entity=protection_referral', 'admin');
  const entry = a.body.items.find((i) => i.action === 'change');
  assert.ok(entry, a.text);
  assert.equal(entry.entity, 'protection');
  assert.equal(entry.actor_name, 'protection');
  assert.equal(entry.entity_id, '');
  assert.deepEqual(entry.detail, {});
  assert.equal(entry.redacted, true);
  assert.equal((await call('GET', `/api/v1/audit?entity=protection_referral&id=${referral}`, 'admin')).status, 403);
});

test('a candidate at a site the registrar cannot see is a score and a reference only', async () => {
  const newcomer = {
    given_name: 'Zarghuna', family_name: 'Mirwaisi', sex: 'F', birth_date: '1994-07-02',
    birth_date_precision: 'exact', citizenship: 'AF', languages: ['ps'], site_id: borici,
  };
  const reg = await call('POST', '/api/v1/persons', 'admin', newcomer);
  assert.equal(reg.status, 201, reg.text);
  const r = await call('POST', '/api/v1/persons/candidates', 'registrar', { ...newcomer, site_id: lipa });
  assert.equal(r.status, 200, r.text);
  const hidden = r.body.items.filter((c) => !c.visible);
  assert.equal(hidden.length, 1, r.text);
  assert.deepEqual(Object.keys(hidden[0]).sort(), ['reference', 'score', 'visible']);
  assert.match(hidden[0].reference, /^C-[A-Za-z0-9]{12}$/);
  for (const secret of [reg.body.id, reg.body.reg_no, 'Zarghuna', 'Mirwaisi', 'reasons']) {
    assert.ok(!r.text.includes(secret), `candidates show ${secret}`);
  }
  // The same person keeps the same reference.
  const again = await call('POST', '/api/v1/persons/candidates', 'registrar', { ...newcomer, site_id: lipa });
  assert.equal(again.body.items.find((c) => !c.visible).reference, hidden[0].reference);
  // The registrar cannot open it; a supervisor who sees the person can, and it is audited.
  const ref = hidden[0].reference;
  assert.equal((await call('GET', `/api/v1/candidate-refs/${ref}`, 'registrar')).status, 404);
  assert.equal((await call('GET', '/api/v1/candidate-refs/C-nonexistent', 'admin')).status, 404);
  const opened = await call('GET', `/api/v1/candidate-refs/${ref}`, 'admin');
  assert.equal(opened.status, 200, opened.text);
  assert.equal(opened.body.person_id, reg.body.id);
  assert.equal(opened.body.reg_no, reg.body.reg_no);
  const audit = await call('GET', `/api/v1/audit?entity=candidate_ref&id=${ref}`, 'admin');
  assert.ok(audit.body.items.some((i) => i.action === 'read' && i.actor_name === 'admin'));
});
