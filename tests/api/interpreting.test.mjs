// Interpreting over HTTP: interpreters and requests, a scheduling run through the API
// and the command line, the interpreter's own view with confirmation, permissions, and
// the iCalendar feed parsed back (CRLF, folding, escaping) and revoked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, haven } from './harness.mjs';

let server;
const tok = {};
let lipa, borici, interpUserId, day;

// The first Monday at least three weeks ahead (UTC), as YYYY-MM-DD: after the demo's
// week of requests.
function nextMonday() {
  const d = new Date(Date.now() + 21 * 86400e3);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

before(async () => {
  server = await startServer({ demo: true, people: 20 });
  for (const u of ['admin', 'interp_coord', 'registrar']) tok[u] = await server.login(u);
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  borici = sites.body.items.find((s) => s.code === 'BOR').id;
  // An interpreter's own account (the demo's "interp" is linked to a demo interpreter).
  const password = 'correct horse battery staple';
  const user = await server.request('POST', '/api/v1/users', { token: tok.admin,
    body: { username: 'ahmad.k', display_name: 'Ahmad K.', role: 'interp', sites: [], password } });
  assert.equal(user.status, 201, user.text);
  interpUserId = user.body.id;
  tok.interp = await server.login('ahmad.k', password);
  day = nextMonday();
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });

const request = (language, extra = {}) => ({
  site_id: lipa, unit: 'Asylum department', language, earliest: `${day}T06:00:00Z`,
  latest: `${day}T12:00:00Z`, duration_minutes: 60, modes: ['in_person'], priority: 3,
  kind: 'asylum_interview', ...extra,
});

// Unfolds an iCalendar text into its logical lines, checking CRLF and the fold width.
function parseIcs(text) {
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    assert.ok(Buffer.byteLength(line) <= 75, `line longer than 75 octets: ${line}`);
    assert.ok(!line.includes('\n') && !line.includes('\r'), 'bare line ending');
  }
  const logical = [];
  for (const line of physical) {
    if (line.startsWith(' ')) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  const events = [];
  let cur = null;
  for (const line of logical) {
    const i = line.indexOf(':');
    const name = line.slice(0, i), value = line.slice(i + 1);
    if (name === 'BEGIN' && value === 'VEVENT') cur = {};
    else if (name === 'END' && value === 'VEVENT') { events.push(cur); cur = null; }
    else if (cur) cur[name] = value.replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1');
  }
  return { logical, events };
}

test('coordinator adds interpreters and requests; bad input names the field', async () => {
  const tz = 'Europe/Sarajevo';
  let r = await call('POST', '/api/v1/interp/interpreters', 'interp_coord', {
    name: 'Ahmad K.', gender: 'M', time_zone: tz, user_id: interpUserId, sites: [lipa, borici],
    languages: [{ code: 'ti', level: 'native' }, { code: 'so', level: 'fluent' }],
    weekly: [{ day: 1, from: '09:00', to: '10:00' }], remote: ['video'],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.feed_active, false);
  r = await call('POST', '/api/v1/interp/interpreters', 'interp_coord', {
    name: 'Zoran M.', gender: 'M', time_zone: tz, sites: [lipa],
    languages: [{ code: 'ti', level: 'working' }], weekly: [{ day: 1, from: '09:00', to: '10:00' }],
  });
  assert.equal(r.status, 201, r.text);
  r = await call('POST', '/api/v1/interp/interpreters', 'interp_coord', {
    name: 'X', gender: 'M', time_zone: 'Mars/Olympus', languages: [{ code: 'ar', level: 'native' }],
  });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'time_zone');
  assert.equal(r.body.error.key, 'interp_time_zone');

  r = await call('POST', '/api/v1/interp/requests', 'interp_coord', request('ti'));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.assignment, null);
  r = await call('POST', '/api/v1/interp/requests', 'interp_coord', request('so', { person_id: null }));
  assert.equal(r.status, 201, r.text);
  r = await call('POST', '/api/v1/interp/requests', 'interp_coord', request('xx-nope'));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'language');
  r = await call('POST', '/api/v1/interp/requests', 'interp_coord', request('fa', { kind: 'gbv_interview' }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.key, 'interp_gbv_gender');
  const list = await call('GET', `/api/v1/interp/requests?from=${day}&to=${day}`, 'interp_coord');
  assert.equal(list.body.items.length, 2);
});

test('the schedule serves both where first-come serves one; roles are kept apart', async () => {
  let r = await call('POST', '/api/v1/interp/schedule', 'interp', { from: day, to: day });
  assert.equal(r.status, 403);
  r = await call('POST', '/api/v1/interp/schedule', 'interp_coord', { from: day, to: 'soon' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'to');
  r = await call('POST', '/api/v1/interp/schedule', 'interp_coord', { from: day, to: day, time_limit: 5 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.served, 2);
  assert.equal(r.body.greedy_served, 1);
  assert.equal(r.body.status, 'optimal');
  assert.deepEqual(r.body.unserved, []);
  const as = await call('GET', `/api/v1/interp/assignments?from=${day}&to=${day}`, 'interp_coord');
  assert.equal(as.body.items.length, 2);
  const so = as.body.items.find((a) => a.language === 'so');
  assert.equal(so.interpreter_name, 'Ahmad K.');
  assert.equal((await call('GET', '/api/v1/interp/assignments', 'registrar')).status, 403);
  assert.equal((await call('GET', '/api/v1/interp/my/assignments', 'interp_coord')).status, 403);
});

test('the interpreter sees and confirms their own assignment; a re-run keeps it', async () => {
  let r = await call('GET', '/api/v1/interp/my/assignments', 'interp');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.items.length, 1);
  const mine = r.body.items[0];
  r = await call('POST', `/api/v1/interp/my/assignments/${mine.id}/answer`, 'interp', { status: 'maybe' });
  assert.equal(r.status, 400);
  r = await call('POST', `/api/v1/interp/my/assignments/${mine.id}/answer`, 'interp', { status: 'confirmed' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'confirmed');

  // The command line re-plans the period: the confirmed assignment stays as it is.
  const cli = haven(['interp', 'schedule', '--db', server.db, '--from', day, '--to', day, '--time-limit', '5']);
  assert.equal(cli.status, 0, cli.stderr);
  const run = JSON.parse(cli.stdout);
  assert.equal(run.served, 2);
  // With Ahmad's Somali hour kept, first-come now serves both as well.
  assert.match(cli.stderr, /2 of 2 requests served \(first-come: 2\), solver optimal/);
  r = await call('GET', '/api/v1/interp/my/assignments', 'interp');
  assert.equal(r.body.items[0].id, mine.id);
  assert.equal(r.body.items[0].status, 'confirmed');

  assert.equal(haven(['interp', 'schedule', '--help']).status, 0);
  assert.match(haven(['interp', 'schedule', '--help']).stdout, /--from DATE --to DATE/);
  assert.equal(haven(['interp', 'schedule', '--db', server.db, '--from', day]).status, 2);
});

test('the calendar feed is RFC 5545 text at a secret URL and can be revoked', async () => {
  let r = await call('POST', '/api/v1/interp/my/feed', 'interp');
  assert.equal(r.status, 201, r.text);
  const path = r.body.path;
  assert.match(path, /^\/api\/v1\/interp\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
  const feed = await server.request('GET', path);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  const { logical, events } = parseIcs(feed.text);
  assert.equal(logical[0], 'BEGIN:VCALENDAR');
  assert.equal(logical.at(-1), 'END:VCALENDAR');
  assert.ok(logical.includes('VERSION:2.0'));
  assert.ok(logical.some((l) => l.startsWith('PRODID:')));
  assert.equal(events.length, 1);
  const ev = events[0];
  const mine = (await call('GET', '/api/v1/interp/my/assignments', 'interp')).body.items[0];
  assert.equal(ev.DTSTART, mine.starts_at.replace(/[-:]/g, ''));
  assert.equal(ev.DTEND, mine.ends_at.replace(/[-:]/g, ''));
  assert.equal(ev.UID, `${mine.id}@haven`);
  assert.equal(ev.STATUS, 'CONFIRMED');
  assert.match(ev.SUMMARY, /Somali/);
  assert.match(ev.DESCRIPTION, /^Requested by: Asylum department\nSite: /);

  // A coordinator can also issue one; it replaces the interpreter's own.
  const ahmad = (await call('GET', '/api/v1/interp/interpreters', 'interp_coord')).body.items.find((i) => i.name === 'Ahmad K.');
  assert.equal(ahmad.feed_active, true);
  r = await call('POST', `/api/v1/interp/interpreters/${ahmad.id}/feed`, 'interp_coord');
  assert.equal(r.status, 201);
  const newPath = r.body.path;
  assert.equal((await server.request('GET', path)).status, 404);
  assert.equal((await server.request('GET', newPath)).status, 200);
  r = await call('DELETE', '/api/v1/interp/my/feed', 'interp');
  assert.equal(r.status, 200);
  assert.equal((await server.request('GET', newPath)).status, 404);
  const audit = await call('GET', `/api/v1/audit?entity=interp_feed&id=${ahmad.id}`, 'admin');
  assert.deepEqual(audit.body.items.map((e) => e.action).sort(), ['issue', 'issue', 'revoke']);
});

// Monday and Friday of last week (UTC): the demo has it done, confirmed.
function lastWeek() {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 7);
  const fri = new Date(d);
  fri.setUTCDate(d.getUTCDate() + 4);
  return [d.toISOString().slice(0, 10), fri.toISOString().slice(0, 10)];
}

test('no-shows: recorded once after the start, audited, counted in the hours report', async () => {
  const [from, to] = lastWeek();
  const hours = async () => (await call('GET', `/api/v1/interp/reports/hours?from=${from}&to=${to}`, 'interp_coord')).body;
  const before = await hours();
  assert.ok(before.total.assignments > 0, 'the demo week is done');
  const list = (await call('GET', `/api/v1/interp/assignments?from=${from}&to=${to}`, 'interp_coord')).body.items;
  const a = list.find((x) => x.no_show === null && x.status === 'confirmed');
  assert.ok(a, 'an assignment without a no-show');
  const path = `/api/v1/interp/assignments/${a.id}/no-show`;

  let r = await call('POST', path, 'interp_coord', { who: 'driver', reason: 'no_notice' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'who');
  r = await call('POST', path, 'interp_coord', { who: 'interpreter', reason: 'other' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'note');
  r = await call('POST', path, 'registrar', { who: 'interpreter', reason: 'illness' });
  assert.equal(r.status, 403);
  r = await call('POST', path, 'interp_coord', { who: 'interpreter', reason: 'illness', note: 'called in sick at 9' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.no_show.who, 'interpreter');
  assert.equal(r.body.no_show.reason, 'illness');
  assert.equal(r.body.locked, true);
  r = await call('POST', path, 'interp_coord', { who: 'client', reason: 'no_notice' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.key, 'interp_noshow_recorded');
  const audit = await call('GET', `/api/v1/audit?entity=interp_assignment&id=${a.id}`, 'admin');
  assert.deepEqual(audit.body.items.map((e) => e.action).filter((x) => x === 'no_show'), ['no_show']);

  // Not yet started: nobody can have failed to come.
  const future = (await call('GET', `/api/v1/interp/assignments?from=${day}`, 'interp_coord')).body.items[0];
  assert.ok(future);
  r = await call('POST', `/api/v1/interp/assignments/${future.id}/no-show`, 'interp_coord', { who: 'client', reason: 'no_notice' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.key, 'interp_noshow_early');

  // The report moves the assignment from the hours to the interpreter's no-shows.
  const after = await hours();
  assert.equal(after.total.assignments, before.total.assignments - 1);
  assert.equal(after.total.interpreter_no_shows, before.total.interpreter_no_shows + 1);
  const who = after.interpreter_no_shows.find((x) => x.interpreter_id === a.interpreter_id);
  assert.ok(who && who.no_shows >= 1);
  const person = (await call('GET', `/api/v1/interp/interpreters/${a.interpreter_id}`, 'interp_coord')).body;
  assert.ok(person.no_shows.last_90_days >= 1);

  // Recorded on the wrong assignment: withdrawn with a reason, the hours come back.
  r = await call('POST', `${path}/withdraw`, 'interp_coord', { reason: ' ' });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'reason');
  r = await call('POST', `${path}/withdraw`, 'interp_coord', { reason: 'recorded on the wrong assignment' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.no_show, null);
  const restored = await hours();
  assert.equal(restored.total.assignments, before.total.assignments);
  assert.equal(restored.total.interpreter_no_shows, before.total.interpreter_no_shows);
  r = await call('POST', `${path}/withdraw`, 'interp_coord', { reason: 'twice' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.key, 'interp_noshow_none');
  const trail = await call('GET', `/api/v1/audit?entity=interp_assignment&id=${a.id}`, 'admin');
  assert.ok(trail.body.items.some((e) => e.action === 'no_show_withdrawn'));
});

test('hours report: bad input names the field; CSV is the table', async () => {
  const [from, to] = lastWeek();
  let r = await call('GET', `/api/v1/interp/reports/hours?to=${to}`, 'interp_coord');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'from');
  r = await call('GET', `/api/v1/interp/reports/hours?from=${to}&to=${from}&format=json`, 'interp_coord');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'to');
  r = await call('GET', `/api/v1/interp/reports/hours?from=${from}&to=${to}&format=xml`, 'interp_coord');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'format');
  r = await call('GET', `/api/v1/interp/reports/hours?from=${from}&to=${to}`, 'registrar');
  assert.equal(r.status, 403);
  const json = (await call('GET', `/api/v1/interp/reports/hours?from=${from}&to=${to}`, 'interp_coord')).body;
  const sum = json.rows.reduce((n, x) => n + x.minutes, 0);
  assert.equal(sum, json.total.minutes);
  assert.equal(json.by_language.reduce((n, x) => n + x.assignments, 0), json.total.assignments);
  r = await call('GET', `/api/v1/interp/reports/hours?from=${from}&to=${to}&format=csv`, 'interp_coord');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="interpreting-hours.csv"/);
  const lines = r.text.trim().split('\r\n');
  assert.equal(lines[0], 'month,site,language,assignments,hours,interpreter_no_shows,client_no_shows');
  assert.equal(lines.length - 1, json.rows.length);
  const first = json.rows[0];
  assert.equal(lines[1], `"${first.month}","${first.site_name}","${first.language}",${first.assignments},${first.hours.toFixed(2)},${first.interpreter_no_shows},${first.client_no_shows}`);
});
