// The desk's candidate check (issue 11): every earlier record whose names agree and
// whose birth data is compatible is listed however common the name, ranked by score,
// with a total, "more" and the number of namesakes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv, admin, site;
const crowd = [];
before(async () => {
  srv = await startServer({ demo: true, people: 120 });
  admin = await srv.login('admin');
  const sites = await srv.request('GET', '/api/v1/sites', { token: admin });
  site = sites.body.items[0].id;
  // A common name: forty earlier "Mohammad Hussaini", born 1940..1979 (year only).
  for (let y = 1940; y < 1980; y++) {
    crowd.push(await register({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: `${y}-01-01` }));
  }
});
after(async () => { await srv.stop(); });

async function register(p) {
  const r = await srv.request('POST', '/api/v1/persons', { token: admin,
    body: { sex: 'M', citizenship: 'AF', birth_date_precision: 'year', site_id: site, ...p } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function candidates(p, query = '') {
  const r = await srv.request('POST', `/api/v1/persons/candidates${query}`, { token: admin,
    body: { sex: 'M', citizenship: 'AF', birth_date_precision: 'year', ...p } });
  assert.equal(r.status, 200, r.text);
  return r.body;
}

test('"HUSAINI Muhamed" 1990 lists "Mohammad Hussaini" 1990 (year only), straight and crossed', async () => {
  const first = await register({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: '1990-01-01' });
  const straight = await candidates({ given_name: 'Muhamed', family_name: 'HUSAINI', birth_date: '1990-01-01' });
  assert.ok(straight.items.some((c) => c.id === first.id), JSON.stringify(straight));
  assert.equal(straight.items[0].id, first.id, 'the same year ranks first');
  const crossed = await candidates({ given_name: 'HUSAINI', family_name: 'Muhamed', birth_date: '1990-01-01' });
  const c = crossed.items.find((x) => x.id === first.id);
  assert.ok(c, JSON.stringify(crossed));
  assert.ok(c.reason_codes.includes('names_swapped'), c.reason_codes.join());
  assert.ok(straight.namesakes >= 41, `namesakes ${straight.namesakes}`);
  // A full date in the same year is compatible with a year-only one.
  const full = await candidates({ given_name: 'Muhamed', family_name: 'Husaini', birth_date: '1990-07-12', birth_date_precision: 'exact' });
  assert.ok(full.items.some((x) => x.id === first.id));
});

test('registering the identical common-name record twice lists the first', async () => {
  const a = await register({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: '1995-01-01' });
  const b = await register({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: '1995-01-01' });
  assert.ok(b.candidates.some((c) => c.id === a.id), JSON.stringify(b.candidates));
  const again = await srv.request('GET', `/api/v1/persons/${b.id}/candidates`, { token: admin });
  assert.equal(again.status, 200);
  assert.ok(again.body.items.some((c) => c.id === a.id));
  assert.ok(!again.body.items.some((c) => c.id === b.id), 'not its own candidate');
  for (const c of again.body.items) assert.ok(c.score >= 0 && c.score <= 1);
});

test('"Ahmed Rezaei 1990" lists "Ahmad Rezai 1990-03-04"', async () => {
  const a = await register({ given_name: 'Ahmad', family_name: 'Rezai', birth_date: '1990-03-04', birth_date_precision: 'exact', citizenship: 'IR' });
  const r = await candidates({ given_name: 'Ahmed', family_name: 'Rezaei', birth_date: '1990-01-01', citizenship: 'IR' });
  assert.ok(r.items.some((c) => c.id === a.id), JSON.stringify(r));
});

test('a crowded name: the first 20 best first, the total, "more", and a larger page', async () => {
  const r = await candidates({ given_name: 'Mohammad', family_name: 'Hussaini' }); // no birth date
  assert.equal(r.items.length, 20);
  assert.equal(r.limit, 20);
  assert.ok(r.total >= 43, `total ${r.total}`);
  assert.equal(r.more, true);
  assert.ok(r.namesakes >= 43);
  const scores = r.items.map((c) => c.score);
  assert.deepEqual(scores, [...scores].sort((x, y) => y - x), 'best first');
  const all = await candidates({ given_name: 'Mohammad', family_name: 'Hussaini' }, '?limit=200');
  assert.equal(all.items.length, all.total);
  assert.equal(all.more, false);
  for (const p of crowd) assert.ok(all.items.some((c) => c.id === p.id), `crowd member ${p.reg_no} missing`);
});

test('birth data that cannot be the same person is not listed for its name alone', async () => {
  const r = await candidates({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: '2012-05-06', birth_date_precision: 'exact' });
  for (const c of r.items) assert.ok(c.score >= 0.05, `${c.given_name} ${c.birth_date} listed at ${c.score}`);
  assert.ok(r.namesakes >= 43, 'but the namesakes are counted');
  // An estimated age is compatible within two years.
  const est = await candidates({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: '1981-01-01', birth_date_precision: 'estimated' }, '?limit=200');
  const years = est.items.filter((c) => c.family_name === 'Hussaini').map((c) => Number(c.birth_date.slice(0, 4)));
  assert.ok(years.includes(1979), years.join());
  for (const c of est.items) {
    const y = Number(c.birth_date.slice(0, 4));
    if (y < 1979 || y > 1983) assert.ok(c.score >= 0.05, `${c.birth_date} listed at ${c.score}`);
  }
});

test('limit is validated', async () => {
  for (const q of ['?limit=0', '?limit=201', '?limit=x']) {
    const r = await srv.request('POST', `/api/v1/persons/candidates${q}`, { token: admin, body: { given_name: 'A', family_name: 'B' } });
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.field, 'limit');
  }
});
