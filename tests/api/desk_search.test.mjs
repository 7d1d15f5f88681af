// Search at the desk (issue 11): spelling and script variants through the matcher's
// normalisation and skeletons, and partial registration numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv, admin, site, hussaini, huseini, other;
before(async () => {
  srv = await startServer({ demo: true, people: 60 });
  admin = await srv.login('admin');
  site = (await srv.request('GET', '/api/v1/sites', { token: admin })).body.items[0].id;
  hussaini = await register({ given_name: 'Mohammad', family_name: 'Hussaini', check_in: true, bed: 'Q-17' });
  huseini = await register({ given_name: 'Mohamed', family_name: 'Huseini' });
  other = await register({ given_name: 'Jawad', family_name: 'Karimi' });
});
after(async () => { await srv.stop(); });

async function register(p) {
  const r = await srv.request('POST', '/api/v1/persons', { token: admin,
    body: { sex: 'M', citizenship: 'AF', birth_date: '1990-01-01', birth_date_precision: 'year', site_id: site, ...p } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function search(q) {
  const r = await srv.request('GET', `/api/v1/persons?${new URLSearchParams({ q, limit: '200' })}`, { token: admin });
  assert.equal(r.status, 200, r.text);
  return r.body.items.map((p) => p.id);
}

test('"Husaini" finds "Hussaini" and "Huseini"; a prefix still works', async () => {
  const ids = await search('Husaini');
  assert.ok(ids.includes(hussaini.id), 'Hussaini');
  assert.ok(ids.includes(huseini.id), 'Huseini');
  assert.ok(!ids.includes(other.id));
  assert.ok((await search('Hussa')).includes(hussaini.id), 'prefix');
});

test('"Мохамед Хусеини" (Cyrillic) finds Mohamed Huseini and Mohammad Hussaini', async () => {
  const ids = await search('Мохамед Хусеини');
  assert.ok(ids.includes(huseini.id));
  assert.ok(ids.includes(hussaini.id));
  assert.ok(!ids.includes(other.id));
  assert.ok((await search('HUSAINI Muhamed')).includes(hussaini.id), 'crossed order and another spelling');
});

test('digits of a registration number find the person; so does its start', async () => {
  const digits = hussaini.reg_no.replace(/\D/g, '');
  assert.ok((await search(digits)).includes(hussaini.id), digits);
  const tail = hussaini.reg_no.split('-').pop(); // "000123"
  assert.ok((await search(tail)).includes(hussaini.id), tail);
  const start = hussaini.reg_no.slice(0, -2);
  const ids = await search(start);
  assert.ok(ids.includes(hussaini.id), start);
  assert.ok((await search('0000000000')).length === 0, 'digits nobody has');
});

test('the site board finds residents by spelling variant', async () => {
  const r = await srv.request('GET', `/api/v1/sites/${site}/residents?q=Husaini`, { token: admin });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.items.some((s) => s.person.id === hussaini.id), JSON.stringify(r.body.items.map((s) => s.person.family_name)));
  const none = await srv.request('GET', `/api/v1/sites/${site}/residents?q=Karimi`, { token: admin });
  assert.ok(!none.body.items.some((s) => s.person.id === hussaini.id));
});
