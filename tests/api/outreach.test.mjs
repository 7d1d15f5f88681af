// Outreach over HTTP: locations and visits made with ids from the phone, sent again and
// again by an outbox, created once; a replay under changed rules comes back as an
// error to fix; transports checked at the desk; figures per month.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer } from './harness.mjs';

let srv, team, desk, deskUsivak, viewer, sites;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  srv = await startServer({ demo: true, people: 30 });
  team = await srv.login('outreach');
  desk = await srv.login('registrar');
  deskUsivak = await srv.login('registrar.usivak');
  viewer = await srv.login('viewer');
  sites = (await srv.request('GET', '/api/v1/sites', { token: team })).body.items;
});
after(async () => { await srv.stop(); });

const post = (path, body, token = team) => srv.request('POST', path, { token, body });
const get = (path, token = team) => srv.request('GET', path, { token });
const site = (code) => sites.find((s) => s.code === code).id;

function location(name, extra = {}) {
  return { id: randomUUID(), name, kind: 'squat', municipality: 'Bihać', latitude: 44.8169, longitude: 15.8708, ...extra };
}

function visit(locationId, extra = {}) {
  return {
    id: randomUUID(), location_id: locationId, visited_on: today, team: ['Mirza', 'Ajla'],
    people: [{ nationality: 'AF', sex: 'M', age_group: 'adult', count: 12 }, { nationality: 'MA', sex: 'M', age_group: 'minor', count: 2 }],
    services: { food: 14, water: 14, first_aid: 1 },
    transports: [{ site_id: site('LIP'), people: 3 }],
    ...extra,
  };
}

test('a location sent twice is created once; the same id with another body is 409', async () => {
  const body = location('Old hotel Sedra');
  const first = await post('/api/v1/outreach/locations', body);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.body.id, body.id);
  const again = await post('/api/v1/outreach/locations', body);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.body, first.body);
  // The same record with its keys in another order is the same body.
  const reordered = Object.fromEntries(Object.entries(body).reverse());
  assert.equal((await post('/api/v1/outreach/locations', reordered)).status, 200);
  const other = await post('/api/v1/outreach/locations', { ...body, name: 'Something else' });
  assert.equal(other.status, 409);
  assert.equal(other.body.error.field, 'id');
  const list = await get('/api/v1/outreach/locations');
  assert.equal(list.body.items.filter((l) => l.id === body.id).length, 1);
  assert.equal(list.body.items.find((l) => l.id === body.id).name, 'Old hotel Sedra');
});

test('locations are checked: kind, coordinates in the region, a UUID from the client', async () => {
  const bad = [
    [{ ...location('x'), kind: 'castle' }, 'kind'],
    [{ ...location('x'), latitude: 51.5 }, 'latitude'],
    [{ ...location('x'), longitude: 'east' }, 'longitude'],
    [{ ...location('x'), id: 'not-a-uuid' }, 'id'],
    [{ ...location('   ') }, 'name'],
  ];
  for (const [body, field] of bad) {
    const r = await post('/api/v1/outreach/locations', body);
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.body.error.field, field);
  }
  assert.equal((await post('/api/v1/outreach/locations', location('by a viewer'), viewer)).status, 403);
});

test('a visit replayed by the outbox is applied exactly once', async () => {
  const loc = (await post('/api/v1/outreach/locations', location('Bus station Bihać', { kind: 'bus_station' }))).body;
  const body = visit(loc.id, { registration_numbers: [] });
  const first = await post('/api/v1/outreach/visits', body);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.body.people_total, 14);
  assert.equal(first.body.transports.length, 1);
  for (let i = 0; i < 3; i++) {
    const r = await post('/api/v1/outreach/visits', body);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, first.body);
  }
  const list = await get(`/api/v1/outreach/visits?location=${loc.id}`);
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].people, 14);
  const changed = await post('/api/v1/outreach/visits', { ...body, notes: 'edited on the phone after sending' });
  assert.equal(changed.status, 409);
  const transports = await get(`/api/v1/outreach/transports?site=${site('LIP')}&pending=1`, desk);
  assert.equal(transports.body.items.filter((t) => t.visit_id === body.id).length, 1);
});

test('a visit kept offline while its location was closed comes back as an error to fix', async () => {
  const loc = (await post('/api/v1/outreach/locations', location('Squat near Velika Kladuša', { municipality: 'Velika Kladuša' }))).body;
  const sent = visit(loc.id);
  assert.equal((await post('/api/v1/outreach/visits', sent)).status, 201);
  const waiting = visit(loc.id); // entered on a phone with no network
  const closed = await srv.request('PATCH', `/api/v1/outreach/locations/${loc.id}`, { token: team, body: { active: false } });
  assert.equal(closed.status, 200);
  assert.equal(closed.body.active, false);
  // The visit that was never stored is checked under today's rules...
  const r = await post('/api/v1/outreach/visits', waiting);
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'location_id');
  assert.match(r.body.error.message, /closed/);
  assert.equal((await get(`/api/v1/outreach/visits/${waiting.id}`)).status, 404);
  // ...while the one stored before is still answered as stored.
  assert.equal((await post('/api/v1/outreach/visits', sent)).status, 200);
  // The user fixes it (another location), and the same id goes through.
  const other = (await post('/api/v1/outreach/locations', location('Train station Bihać', { kind: 'train_station' }))).body;
  const fixed = await post('/api/v1/outreach/visits', { ...waiting, location_id: other.id });
  assert.equal(fixed.status, 201, fixed.text);
});

test('visits are checked: counts, services and transports within the people met', async () => {
  const loc = (await post('/api/v1/outreach/locations', location('Roadside Ključ', { kind: 'roadside' }))).body;
  const cases = [
    [{ people: [] }, 'people'],
    [{ people: [{ nationality: 'ZZ', sex: 'M', age_group: 'adult', count: 1 }] }, 'people'],
    [{ people: [{ nationality: 'AF', sex: 'M', age_group: 'adult', count: 0 }] }, 'people'],
    [{ services: { food: 15 } }, 'services'],
    [{ services: { cake: 1 } }, 'services'],
    [{ transports: [{ site_id: site('LIP'), people: 15 }] }, 'transports'],
    [{ visited_on: '2999-01-01' }, 'visited_on'],
    [{ team: [] }, 'team'],
    [{ registration_numbers: ['LIP-23-999999'] }, 'registration_numbers'],
    [{ location_id: randomUUID() }, 'location_id'],
  ];
  for (const [extra, field] of cases) {
    const r = await post('/api/v1/outreach/visits', visit(loc.id, extra));
    assert.equal(r.status, 400, `${JSON.stringify(extra)}: ${r.text}`);
    assert.equal(r.body.error.field, field, JSON.stringify(extra));
  }
});

test('registered people are named by registration number within the team\'s sites', async () => {
  const loc = (await post('/api/v1/outreach/locations', location('Border area Izačić', { kind: 'border_area' }))).body;
  const person = (await get(`/api/v1/persons?site=${site('LIP')}&limit=1`, desk)).body.items[0];
  const r = await post('/api/v1/outreach/visits', visit(loc.id, { people: [], services: {}, transports: [], registration_numbers: [person.reg_no.toLowerCase()] }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.people_total, 1);
  assert.deepEqual(r.body.registration_numbers, [person.reg_no]);
});

test('the desk of the destination checks the arrival once; another centre does not see it', async () => {
  const loc = (await post('/api/v1/outreach/locations', location('Station Cazin'))).body;
  const v = (await post('/api/v1/outreach/visits', visit(loc.id))).body;
  const t = v.transports[0];
  assert.equal((await post(`/api/v1/outreach/transports/${t.id}/arrival`, { arrived: 3 }, deskUsivak)).status, 404);
  assert.equal((await post(`/api/v1/outreach/transports/${t.id}/arrival`, { arrived: 4 }, desk)).status, 400);
  const ok = await post(`/api/v1/outreach/transports/${t.id}/arrival`, { arrived: 2, note: 'one went on alone' }, desk);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.arrived, 2);
  assert.equal(ok.body.checked_by, 'registrar');
  const again = await post(`/api/v1/outreach/transports/${t.id}/arrival`, { arrived: 3 }, desk);
  assert.equal(again.status, 409);
  const visible = await get('/api/v1/outreach/transports', deskUsivak);
  assert.equal(visible.body.items.filter((x) => x.id === t.id).length, 0);
  assert.equal((await get('/api/v1/outreach/transports', team)).status, 403);
});

test('figures of the month add up the visits', async () => {
  const f = await get(`/api/v1/outreach/figures?month=${today.slice(0, 7)}`, viewer);
  assert.equal(f.status, 200, f.text);
  const visits = (await get(`/api/v1/outreach/visits?month=${today.slice(0, 7)}&limit=500`)).body.items;
  assert.equal(f.body.totals.visits, visits.length);
  assert.equal(f.body.totals.people, visits.reduce((n, v) => n + v.people, 0));
  const groups = Object.values(f.body.totals.by_sex_age).reduce((a, b) => a + b, 0);
  assert.equal(groups + f.body.totals.registered, f.body.totals.people);
  const admin = await srv.login('admin', srv.logins.admin.password);
  const transports = (await get('/api/v1/outreach/transports', admin)).body.items.filter((t) => t.visited_on.startsWith(today.slice(0, 7)));
  assert.equal(f.body.totals.arrived, transports.reduce((n, t) => n + (t.arrived ?? 0), 0));
  assert.equal(f.body.totals.transported, transports.reduce((n, t) => n + t.people, 0));
  const perLocation = f.body.locations.reduce((n, l) => n + l.people, 0);
  assert.equal(perLocation, f.body.totals.people);
  assert.equal(f.body.months.at(-1).month, today.slice(0, 7));
  assert.equal((await get('/api/v1/outreach/figures?month=2023-13', viewer)).status, 400);
});

test('every write is audited, naming fields and never the answers', async () => {
  const admin = await srv.login('admin', srv.logins.admin.password);
  const loc = (await post('/api/v1/outreach/locations', location('Audited squat', { notes: 'people sleep in the cellar' }))).body;
  const audit = await get(`/api/v1/audit?entity=outreach_location&id=${loc.id}`, admin);
  assert.equal(audit.status, 200, audit.text);
  assert.equal(audit.body.items.length, 1);
  assert.doesNotMatch(JSON.stringify(audit.body), /cellar/);
});
