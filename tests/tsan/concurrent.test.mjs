// Many clients at once against haven built with ThreadSanitizer (build-tsan/haven,
// `make build-tsan`): registrations that double the match index (so that the registry
// retrains it on its own thread while queries and additions go on), searches,
// candidate checks, merges, check-ins and occupancy, protection screenings (the
// process's key), logins and failed logins (sessions, the rate limiter) and the
// connection pool, all through the real server over loopback. ThreadSanitizer reports
// any data race on the server's stderr and makes it exit 66: the server must stop
// cleanly with nothing reported. Run by ctest as tsan/concurrent (label tsan).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

const BIN = process.env.HAVEN_BIN;
if (!BIN || !existsSync(BIN)) {
  throw new Error(`HAVEN_BIN (${BIN}) is missing: build the ThreadSanitizer tree with 'make build-tsan'`);
}
// Every report counts (exit status 66 at the end); halt_on_error would hide later ones.
process.env.TSAN_OPTIONS = process.env.TSAN_OPTIONS ??
  'halt_on_error=0:exitcode=66:second_deadlock_stack=1:history_size=4';
const { startServer } = await import('../api/harness.mjs');

const DEMO_PEOPLE = 40; // the index is trained at start on these (fewer than 50: prior)
const CLIENTS = 12;
const ROUNDS = 8; // registrations per client: 40 + 96, less 12 merged, > 2 x 40

let srv, admin, registrar, protection, sites;
before(async () => {
  srv = await startServer({ demo: true, people: DEMO_PEOPLE, serveArgs: ['--threads', '8'] });
  [admin, registrar, protection] = await Promise.all(
    ['admin', 'registrar', 'protection'].map((u) => srv.login(u)));
  sites = (await srv.request('GET', '/api/v1/sites', { token: registrar })).body.items;
});
after(async () => { await srv.stop(); }); // fails with the report if TSan saw a race

const given = ['Mohammad', 'Muhamed', 'Ahmad', 'Ali', 'Hassan', 'Husein', 'Omid', 'Karim'];
const family = ['Ahmadi', 'Rahimi', 'Hussaini', 'Karimi', 'Sultani', 'Wardak', 'Noori', 'Haidari'];

function person(c, r, siteId) {
  return {
    given_name: given[(c + r) % given.length], family_name: family[(c * 3 + r) % family.length],
    sex: 'M', birth_date: `199${c % 10}-0${1 + (r % 9)}-1${r % 10}`, citizenship: 'AF',
    site_id: siteId,
  };
}

const ok = (r, ...statuses) => {
  assert.ok(statuses.includes(r.status), `${r.status} ${r.text}`);
  return r;
};

// One client: a registrar's day at the desk, with reads in between.
async function client(c) {
  const site = sites[c % sites.length];
  const mine = [];
  for (let r = 0; r < ROUNDS; r++) {
    const body = person(c, r, site.id);
    const [reg] = await Promise.all([
      srv.request('POST', '/api/v1/persons', { token: admin, body }),
      srv.request('POST', '/api/v1/persons/candidates', { token: registrar, body }),
      srv.request('GET', `/api/v1/persons?q=${encodeURIComponent(body.family_name.slice(0, 4))}&limit=20`, { token: registrar }),
      srv.request('GET', `/api/v1/sites/${site.id}/occupancy`, { token: registrar }),
    ]);
    ok(reg, 201);
    mine.push(reg.body.id);
    const id = reg.body.id;
    await Promise.all([
      srv.request('GET', `/api/v1/persons/${id}/candidates`, { token: admin }).then((x) => ok(x, 200)),
      srv.request('GET', `/api/v1/persons/${id}`, { token: admin }).then((x) => ok(x, 200)),
      srv.request('POST', '/api/v1/stays', { token: admin, body: { person_id: id, site_id: site.id } }).then((x) => ok(x, 201)),
      srv.request('POST', `/api/v1/persons/${id}/screenings`, { token: protection, body: { site_id: site.id, answers: { child_status: 'adult', violence: r % 2 === 0 } } })
        .then((x) => ok(x, 201, 404)), // 404: a site the officer does not work at
    ]);
  }
  // Two of this client's records are the same man: merge them while others register.
  const merged = await srv.request('POST', `/api/v1/persons/${mine[0]}/merge`, { token: admin, body: { other_id: mine[1] } });
  ok(merged, 200, 409); // 409: both checked in (a rule of merging), also fine under load
  return mine.length;
}

// Wrong passwords from one address for one made-up user: the rate limiter's writes.
async function guesser() {
  for (let i = 0; i < 6; i++) {
    const r = await srv.request('POST', '/api/v1/session', { body: { username: 'nobody', password: `guess-${i}` } });
    ok(r, 401, 429);
  }
  // and real logins meanwhile: new sessions while others are used
  const t = await srv.login('registrar');
  ok(await srv.request('GET', '/api/v1/me', { token: t }), 200);
}

test('concurrent registrations, searches, candidates, merges, screenings and logins race-free', async () => {
  const counts = await Promise.all([
    ...Array.from({ length: CLIENTS }, (_, c) => client(c)),
    guesser(), guesser(),
  ]);
  const registered = counts.slice(0, CLIENTS).reduce((a, b) => a + b, 0);
  // The registry retrains when the index has doubled since the last training: from 40
  // at start, at 80 records (merged records leave the index), so once during the run,
  // on its own thread while the other clients go on.
  assert.ok(DEMO_PEOPLE + registered - CLIENTS >= 2 * DEMO_PEOPLE, `only ${registered} registrations`);
  const found = await srv.request('GET', '/api/v1/persons?q=ahmadi&limit=200', { token: admin });
  assert.equal(found.status, 200);
  assert.ok(found.body.items.length > 0);
  assert.doesNotMatch(srv.stderr, /ThreadSanitizer/);
});

// The HTTP layer's own shared state (harden-http): the connection guard's list (its
// lock), the body budget (atomic), the login threads' queue and the hash bound (their
// locks), the static files' cache (its lock), /healthz's probe (its lock).
test('the HTTP layer under many clients at once: files, health, early refusals, logins', async () => {
  const files = ['/js/app.js', '/css/app.css', '/i18n/en.json', '/', '/favicon.svg'];
  const body = 'x'.repeat(200 * 1024);
  await Promise.all(Array.from({ length: 16 }, async (_, c) => {
    for (let r = 0; r < 6; r++) {
      const f = await fetch(srv.base + files[(c + r) % files.length], { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(f.status, 200);
      await f.arrayBuffer();
      ok(await srv.request('GET', '/healthz'), 200);
      // refused at the headers (no session) and answered after the budget (bad JSON)
      const anon = await srv.request('POST', '/api/v1/persons', { raw: body, headers: { 'Content-Type': 'application/json' } }).catch(() => null);
      if (anon) ok(anon, 401);
      ok(await srv.request('POST', '/api/v1/persons', { token: registrar, raw: body, headers: { 'Content-Type': 'application/json' } }), 400, 503);
    }
    if (c % 4 === 0) await srv.login('registrar');
  }));
  assert.doesNotMatch(srv.stderr, /ThreadSanitizer/);
});
