// Distributions over HTTP: stock that never goes negative under 16 concurrent
// distributions of the last items, the entitlement refused and then overridden with a
// reason, bulk meals, transfers, reports and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
const tok = {};
let lipa, blazuj, usivak, people, catalogue;

before(async () => {
  server = await startServer({ demo: true, people: 150 });
  for (const u of ['admin', 'registrar', 'registrar.usivak', 'storekeeper', 'protection', 'viewer', 'statistician']) {
    tok[u] = await server.login(u);
  }
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  blazuj = sites.body.items.find((s) => s.code === 'BLA').id;
  usivak = sites.body.items.find((s) => s.code === 'USI').id;
  const res = await server.request('GET', `/api/v1/sites/${lipa}/residents?limit=50`, { token: tok.registrar });
  people = res.body.items.map((r) => r.person);
  assert.ok(people.length >= 2);
  catalogue = (await server.request('GET', '/api/v1/distributions/items', { token: tok.registrar })).body;
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });
const itemId = (code) => catalogue.items.find((i) => i.code === code).id;
const stockOf = async (site, id) => {
  const r = await call('GET', `/api/v1/distributions/stock?site=${site}`, 'storekeeper');
  const row = r.body.items.find((x) => x.item_id === id);
  assert.equal(row.quantity, row.ledger_sum, 'stock equals its ledger');
  return row.quantity;
};

test('16 concurrent distributions of the last 5 items: 5 given, 11 refused, stock 0', async () => {
  const created = await call('POST', '/api/v1/distributions/items', 'storekeeper', {
    code: 'torch', name_en: 'Torch', name_bs: 'Baterijska lampa', name_sr: 'Батеријска лампа',
    category: 'nfi', unit: 'piece', per: 'person', low_stock: 2,
  });
  assert.equal(created.status, 201, created.text);
  const torch = created.body.id;
  const recv = await call('POST', '/api/v1/distributions/stock/movements', 'storekeeper',
    { site_id: lipa, item_id: torch, kind: 'receipt', quantity: 5 });
  assert.equal(recv.status, 201, recv.text);
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => call('POST', '/api/v1/distributions', 'registrar', {
    person_id: people[i % people.length].id, site_id: lipa, items: [{ item_id: torch }],
  })));
  const statuses = results.map((r) => r.status).sort();
  assert.equal(statuses.filter((s) => s === 201).length, 5, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 11, statuses.join(','));
  for (const r of results.filter((x) => x.status === 409)) assert.equal(r.body.error.key, 'out_of_stock');
  assert.equal(await stockOf(lipa, torch), 0);
  const given = await call('GET', `/api/v1/distributions?item=${torch}&limit=500`, 'admin');
  assert.equal(given.body.total, 5);
  const ledger = await call('GET', `/api/v1/distributions/stock/ledger?site=${lipa}&item=${torch}`, 'storekeeper');
  assert.equal(ledger.body.items.reduce((n, l) => n + l.delta, 0), 0);
  assert.ok(ledger.body.items.every((l) => l.balance >= 0));
  const stock = await call('GET', `/api/v1/distributions/stock?site=${lipa}`, 'viewer');
  assert.equal(stock.body.items.find((x) => x.item_id === torch).low, true);
});

test('a second hygiene kit inside 30 days is refused, then given with a reason (audited)', async () => {
  const kit = itemId('hygiene_kit');
  const adult = people.find((p) => p.birth_date && p.birth_date < '2005-01-01') || people[0];
  const before = await stockOf(lipa, kit);
  // The demo may already have given this person a kit; the first call makes sure.
  await call('POST', '/api/v1/distributions', 'registrar', { person_id: adult.id, site_id: lipa, items: [{ item_id: kit }] });
  const ent = await call('GET', `/api/v1/persons/${adult.id}/entitlements?site=${lipa}`, 'registrar');
  assert.equal(ent.status, 200, ent.text);
  const line = ent.body.items.find((i) => i.item.code === 'hygiene_kit');
  assert.equal(line.entitled, false);
  assert.equal(line.reason, 'received_recently');
  const mid = await stockOf(lipa, kit);
  const refused = await call('POST', '/api/v1/distributions', 'registrar', { person_id: adult.id, site_id: lipa, items: [{ item_id: kit }] });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.key, 'not_entitled');
  assert.equal(refused.body.error.field, 'items[0]');
  assert.equal(await stockOf(lipa, kit), mid, 'a refusal changes nothing');
  const given = await call('POST', '/api/v1/distributions', 'registrar', {
    person_id: adult.id, site_id: lipa, items: [{ item_id: kit }], reason: 'first kit stolen in the dormitory',
  });
  assert.equal(given.status, 201, given.text);
  assert.deepEqual(given.body.overrides, ['hygiene_kit']);
  assert.ok(before - (await stockOf(lipa, kit)) >= 1);
  const overrides = await call('GET', `/api/v1/distributions?overrides=1&person=${adult.id}`, 'admin');
  assert.ok(overrides.body.items.some((d) => d.reason === 'first kit stolen in the dormitory'));
  const audit = await call('GET', `/api/v1/audit?entity=distribution&id=${given.body.ids[0]}`, 'admin');
  assert.equal(audit.body.items[0].action, 'give_override');
  assert.ok(!JSON.stringify(audit.body).includes('stolen'), 'the audit names no free text');
});

test('bulk meals to everyone present, transfers, and stock that stays non-negative', async () => {
  const meal = itemId('meal');
  const before = await stockOf(lipa, meal);
  const bulk = await call('POST', '/api/v1/distributions/bulk', 'registrar', { site_id: lipa, item_id: meal, quantity: 1, note: 'lunch' });
  assert.equal(bulk.status, 201, bulk.text);
  assert.equal(before - (await stockOf(lipa, meal)), bulk.body.quantity);
  const bag = itemId('sleeping_bag');
  const have = await stockOf(lipa, bag);
  const tooMany = await call('POST', '/api/v1/distributions/stock/movements', 'storekeeper',
    { site_id: lipa, item_id: bag, kind: 'transfer', quantity: have + 1, to_site_id: blazuj });
  assert.equal(tooMany.status, 409);
  assert.equal(await stockOf(lipa, bag), have);
  const moved = await call('POST', '/api/v1/distributions/stock/movements', 'storekeeper',
    { site_id: lipa, item_id: bag, kind: 'transfer', quantity: 1, to_site_id: blazuj });
  assert.equal(moved.status, 201, moved.text);
  assert.equal(await stockOf(lipa, bag), have - 1);
});

test('who may do what', async () => {
  const kit = itemId('hygiene_kit');
  const body = { site_id: lipa, item_id: kit, kind: 'receipt', quantity: 1 };
  assert.equal((await call('POST', '/api/v1/distributions/stock/movements', 'registrar', body)).status, 403);
  assert.equal((await call('POST', '/api/v1/distributions', 'viewer', { person_id: people[0].id, site_id: lipa, items: [{ item_id: kit }] })).status, 403);
  assert.equal((await call('GET', '/api/v1/distributions/stock', 'statistician')).status, 403);
  // Another site's desk can neither give at Lipa nor see its people.
  const other = await call('POST', '/api/v1/distributions', 'registrar.usivak', { person_id: people[0].id, site_id: usivak, items: [{ item_id: kit }] });
  assert.equal(other.status, 400);
  assert.equal(other.body.error.field, 'person_id');
  const ent = await call('GET', `/api/v1/persons/${people[0].id}/entitlements?site=${lipa}`, 'registrar.usivak');
  assert.equal(ent.status, 404);
  // Flags are the medical staff's.
  assert.equal((await call('PUT', `/api/v1/persons/${people[0].id}/distribution-flags/special_diet`, 'registrar', {})).status, 403);
  const flag = await call('PUT', `/api/v1/persons/${people[0].id}/distribution-flags/special_diet`, 'protection', {});
  assert.equal(flag.status, 200, flag.text);
});

test('reports: per site, month and item; nobody forgotten', async () => {
  const rep = await call('GET', `/api/v1/distributions/report?site=${lipa}`, 'viewer');
  assert.equal(rep.status, 200, rep.text);
  const list = await call('GET', `/api/v1/distributions?site=${lipa}&limit=1`, 'viewer');
  assert.equal(rep.body.rows.reduce((n, r) => n + r.distributions, 0), list.body.total);
  const nothing = await call('GET', `/api/v1/distributions/nothing-received?site=${lipa}&days=30`, 'registrar');
  assert.equal(nothing.status, 200, nothing.text);
  assert.ok(nothing.body.present >= nothing.body.items.length);
  const bad = await call('GET', '/api/v1/distributions/report?from=2024-02-30', 'viewer');
  assert.equal(bad.status, 400);
});
