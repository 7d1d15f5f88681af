// GET /api/v1/stays, the list behind the dashboard's figures: each figure of the
// summary equals the total of the list behind it; filters are validated; a user sees
// only the stays at their own sites.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv, admin, registrar;
before(async () => {
  srv = await startServer({ demo: true, people: 300 });
  admin = await srv.login('admin');
  registrar = await srv.login('registrar');
});
after(async () => { await srv.stop(); });

const list = (token, query) => srv.request('GET', `/api/v1/stays?${new URLSearchParams(query)}`, { token });

function ymd(d) { return d.toISOString().slice(0, 10); }
const today = new Date();
const from = ymd(new Date(today.getTime() - 29 * 86400000));
const to = ymd(today);

test('the dashboard figures equal the totals of the lists behind them', async () => {
  const sum = (await srv.request('GET', `/api/v1/summary?from=${from}&to=${to}`, { token: admin })).body;
  assert.ok(sum.arrivals > 0 && sum.departures > 0, 'the demo data has arrivals and departures');
  const arrivals = await list(admin, { arrived_from: from, arrived_to: to, limit: 1 });
  assert.equal(arrivals.status, 200);
  assert.equal(arrivals.body.total, sum.arrivals);
  assert.equal(arrivals.body.items.length, 1);
  const departures = await list(admin, { departed_from: from, departed_to: to });
  assert.equal(departures.body.total, sum.departures);
  for (const s of departures.body.items) {
    assert.ok(s.checked_out_at >= `${from}T00:00:00Z`, s.checked_out_at);
  }
  for (const c of sum.top_citizenships) {
    const r = await list(admin, { arrived_from: from, arrived_to: to, citizenship: c.citizenship, limit: 1 });
    assert.equal(r.body.total, c.arrivals, c.citizenship);
  }
  const present = await list(admin, { open: 'true', limit: 1 });
  assert.equal(present.body.total, sum.present);
  for (const site of sum.sites) {
    const r = await list(admin, { site: site.id, open: 'true', limit: 1 });
    assert.equal(r.body.total, site.present, site.name);
  }
});

test('an item is the stay with its site name and a person summary; pages do not overlap', async () => {
  const first = await list(admin, { limit: 20 });
  const second = await list(admin, { limit: 20, offset: 20 });
  assert.equal(first.body.total, second.body.total);
  assert.equal(first.body.items.length, 20);
  const item = first.body.items[0];
  for (const k of ['id', 'person_id', 'site_id', 'site_name', 'checked_in_at', 'person']) assert.ok(k in item, k);
  for (const k of ['id', 'reg_no', 'given_name', 'family_name', 'citizenship', 'birth_date_precision']) assert.ok(k in item.person, k);
  const ids = new Set(first.body.items.map((s) => s.id));
  for (const s of second.body.items) assert.ok(!ids.has(s.id), 'a stay on two pages');
  const times = first.body.items.map((s) => s.checked_in_at);
  assert.deepEqual(times, [...times].sort().reverse(), 'newest check-in first');
  const closed = await list(admin, { open: 'false', limit: 50 });
  assert.ok(closed.body.items.every((s) => s.checked_out_at));
});

test('every parameter is validated and named in the error', async () => {
  const bad = [
    [{ arrived_from: '2024-02-30' }, 'arrived_from', /arrived_from must be a date YYYY-MM-DD/],
    [{ arrived_to: '12.5.2024' }, 'arrived_to', /YYYY-MM-DD/],
    [{ arrived_from: '2024-05-02', arrived_to: '2024-05-01' }, 'arrived_from', /not be after arrived_to/],
    [{ departed_from: 'x' }, 'departed_from', /date/],
    [{ departed_to: '2024-13-01' }, 'departed_to', /date/],
    [{ citizenship: 'Afghan' }, 'citizenship', /ISO 3166/],
    [{ open: 'yes' }, 'open', /true or false/],
    [{ limit: '0' }, 'limit', /1 to 500/],
    [{ limit: '501' }, 'limit', /1 to 500/],
    [{ offset: '-1' }, 'offset', /offset/],
  ];
  for (const [query, field, message] of bad) {
    const r = await list(admin, query);
    assert.equal(r.status, 400, JSON.stringify(query));
    assert.equal(r.body.error.code, 'invalid');
    assert.equal(r.body.error.field, field, JSON.stringify(query));
    assert.match(r.body.error.message, message);
  }
  const unknown = await list(admin, { site: '01900000-0000-7000-8000-000000000000' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.field, 'site');
});

test('a registrar lists only the stays at their own sites', async () => {
  const me = (await srv.request('GET', '/api/v1/me', { token: registrar })).body;
  const all = (await srv.request('GET', '/api/v1/sites', { token: admin })).body.items;
  const mine = (await srv.request('GET', '/api/v1/sites', { token: registrar })).body.items;
  assert.ok(mine.length < all.length, `${me.username} has fewer sites than admin`);
  const r = await list(registrar, { limit: 500 });
  assert.equal(r.status, 200);
  const ids = new Set(mine.map((s) => s.id));
  assert.ok(r.body.items.every((s) => ids.has(s.site_id)));
  const other = all.find((s) => !ids.has(s.id));
  const refused = await list(registrar, { site: other.id });
  assert.equal(refused.status, 404);
  const viewerless = await list(await srv.login('statistician'), {});
  assert.equal(viewerless.status, 403, 'statistics users see figures, not people');
});
