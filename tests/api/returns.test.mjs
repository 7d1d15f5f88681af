// Return cases over HTTP: a case walked from intention to arrived, every refused
// transition a 409 that names the missing step and changes nothing, the details each
// step needs, permissions and site scoping, lists with filters, and counselling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
const tok = {};
let lipa, usivak, lipaPeople, usivakPeople, arrivedCase;

before(async () => {
  server = await startServer({ demo: true, people: 300 });
  for (const u of ['admin', 'counsellor', 'registrar', 'protection', 'viewer']) tok[u] = await server.login(u);
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  usivak = sites.body.items.find((s) => s.code === 'USI').id;
  const residents = async (site) => (await server.request('GET', `/api/v1/sites/${site}/residents?limit=200`, { token: tok.admin }))
    .body.items.map((r) => r.person.id);
  // People on no return case of the demo.
  const free = async (ids) => {
    const out = [];
    for (const id of ids) {
      const r = await server.request('GET', `/api/v1/returns?person=${id}&state=open`, { token: tok.admin });
      if (r.body.total === 0) out.push(id);
      if (out.length >= 6) break;
    }
    return out;
  };
  lipaPeople = await free(await residents(lipa));
  usivakPeople = await free(await residents(usivak));
  assert.ok(lipaPeople.length >= 5 && usivakPeople.length >= 1, `${lipaPeople.length} ${usivakPeople.length}`);
  // A counsellor of Lipa only.
  const made = await server.request('POST', '/api/v1/users', {
    token: tok.admin, body: { username: 'counsellor.lipa', role: 'counsellor', sites: [lipa], password: 'correct horse battery' },
  });
  assert.equal(made.status, 201, made.text);
  tok['counsellor.lipa'] = await server.login('counsellor.lipa', 'correct horse battery');
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });

const steps = [
  ['eligibility_checked', undefined],
  ['documents_requested', { embassy: 'Embassy of the Kingdom of Morocco, Sarajevo', document_type: 'laissez_passer' }],
  ['documents_issued', { embassy: 'Embassy of the Kingdom of Morocco, Sarajevo', document_type: 'laissez_passer' }],
  ['fit_to_travel', { medical_clearance: 'fit' }],
  ['travel_booked', { itinerary: 'SJJ-IST-CMN', escort: 'none' }],
  ['departed', { departure_date: new Date().toISOString().slice(0, 10) }],
  ['arrived', { arrival_confirmed_by: 'IOM Rabat', arrival_date: new Date().toISOString().slice(0, 10) }],
];

test('a counsellor walks a family case from intention to arrived', async () => {
  const created = await call('POST', '/api/v1/returns', 'counsellor.lipa', {
    person_id: lipaPeople[0], destination_country: 'MA', destination_place: 'Oujda', travellers: [lipaPeople[1]],
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.state, 'intention');
  assert.equal(created.body.travellers.length, 2);
  assert.equal(created.body.site_id, lipa);
  const id = created.body.id;
  arrivedCase = id;
  for (const [to, details] of steps) {
    const r = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor.lipa', { to, details });
    assert.equal(r.status, 200, `${to}: ${r.text}`);
    assert.equal(r.body.state, to);
  }
  const got = await call('GET', `/api/v1/returns/${id}`, 'counsellor.lipa');
  assert.equal(got.body.history.length, 8);
  assert.deepEqual(got.body.next, []);
  assert.equal(got.body.history[7].details.arrival_confirmed_by, 'IOM Rabat');
  const audit = await call('GET', `/api/v1/audit?entity=return_case&id=${id}`, 'admin');
  assert.equal(audit.body.items.filter((i) => i.action === 'transition').length, 7);
  assert.equal(audit.body.items.filter((i) => i.action === 'create').length, 1);
});

test('every refused transition is a 409 naming the missing step, and changes nothing', async () => {
  const created = await call('POST', '/api/v1/returns', 'counsellor', { person_id: lipaPeople[2], destination_country: 'TR' });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  const skip = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to: 'travel_booked', details: steps[4][1] });
  assert.equal(skip.status, 409);
  assert.equal(skip.body.error.key, 'returns_step_missing');
  assert.equal(skip.body.error.params.missing, 'eligibility_checked');
  assert.match(skip.body.error.message, /eligibility_checked is missing/);
  const missing = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to: 'eligibility_checked' });
  assert.equal(missing.status, 200);
  const detail = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to: 'documents_requested', details: { embassy: 'x' } });
  assert.equal(detail.status, 400);
  assert.equal(detail.body.error.field, 'details.document_type');
  const back = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to: 'intention' });
  assert.equal(back.status, 409);
  assert.equal(back.body.error.key, 'returns_transition_back');
  const cancel = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to: 'cancelled', details: { reason: 'No travel document can be obtained' } });
  assert.equal(cancel.status, 200, cancel.text);
  for (const to of ['documents_requested', 'withdrawn', 'arrived']) {
    const r = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to, details: { reason: 'x' } });
    assert.equal(r.status, 409, to);
    assert.equal(r.body.error.key, 'returns_case_closed');
  }
  const after = await call('GET', `/api/v1/returns/${id}`, 'counsellor');
  assert.equal(after.body.state, 'cancelled');
  assert.equal(after.body.history.length, 3);
});

test('permissions and sites: need to know', async () => {
  const body = { person_id: usivakPeople[0], destination_country: 'PK' };
  assert.equal((await call('POST', '/api/v1/returns', 'registrar', body)).status, 403);
  assert.equal((await call('GET', '/api/v1/returns', 'protection')).status, 403);
  assert.equal((await call('GET', '/api/v1/returns', 'viewer')).status, 403);
  const other = await call('POST', '/api/v1/returns', 'counsellor.lipa', body);
  assert.equal(other.status, 400);
  assert.equal(other.body.error.field, 'person_id');
  const usi = await call('POST', '/api/v1/returns', 'counsellor', body);
  assert.equal(usi.status, 201, usi.text);
  assert.equal((await call('GET', `/api/v1/returns/${usi.body.id}`, 'counsellor.lipa')).status, 404);
  const list = await call('GET', '/api/v1/returns?limit=500', 'counsellor.lipa');
  assert.ok(list.body.items.every((c) => c.site_id === lipa));
  assert.equal((await call('GET', `/api/v1/returns/${usi.body.id}`, 'admin')).status, 200);
});

test('lists filter by state, destination and overdue; bad filters name the field', async () => {
  const c = await call('POST', '/api/v1/returns', 'counsellor', { person_id: lipaPeople[3], destination_country: 'DZ' });
  assert.equal(c.status, 201, c.text);
  const dz = await call('GET', `/api/v1/returns?destination=DZ&state=intention&site=${lipa}`, 'counsellor');
  assert.ok(dz.body.items.some((i) => i.id === c.body.id));
  assert.ok(dz.body.items.every((i) => i.destination_country === 'DZ' && i.state === 'intention'));
  const overdue = await call('GET', '/api/v1/returns?overdue=true', 'counsellor');
  assert.equal(overdue.status, 200);
  assert.ok(overdue.body.items.every((i) => i.overdue));
  assert.ok(!overdue.body.items.some((i) => i.id === c.body.id));
  const bad = await call('GET', '/api/v1/returns?state=asleep', 'counsellor');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'state');
  assert.equal((await call('GET', '/api/v1/returns?overdue=maybe', 'counsellor')).body.error.field, 'overdue');
});

test('individual counselling sessions are recorded and listed', async () => {
  const r = await call('POST', '/api/v1/returns/counselling', 'counsellor', {
    person_id: lipaPeople[4], language: 'ar', interpreter: 'Samir', topics: ['avrr_programme', 'reintegration'], outcome: 'considering',
  });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.body.topics, ['avrr_programme', 'reintegration']);
  assert.equal(r.body.mode, 'in_person');
  const bad = await call('POST', '/api/v1/returns/counselling', 'counsellor', {
    person_id: lipaPeople[4], language: 'ar', topics: ['weather'], outcome: 'considering',
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'topics[0]');
  const list = await call('GET', `/api/v1/returns/counselling?person=${lipaPeople[4]}`, 'counsellor');
  assert.equal(list.body.items.length >= 1, true);
  assert.equal(list.body.items[0].outcome, 'considering');
  assert.equal((await call('POST', '/api/v1/returns/counselling', 'registrar', r.body)).status, 403);
});

test('a reintegration plan after arrival, and monitoring visits with a score', async () => {
  const q = await call('GET', '/api/v1/returns/monitoring-questions', 'counsellor');
  assert.ok(q.body.questions.length >= 5);
  const plan = await call('POST', `/api/v1/returns/${arrivedCase}/plan`, 'counsellor.lipa', {
    kind: 'business', budget_eur: 2500, modality: 'in_kind', partner: 'IOM Rabat', note: 'Small grocery shop',
  });
  assert.equal(plan.status, 201, plan.text);
  assert.deepEqual(plan.body.plan.due.map((d) => d.month), [3, 6, 12]);
  const again = await call('POST', `/api/v1/returns/${arrivedCase}/plan`, 'counsellor.lipa', {
    kind: 'housing', budget_eur: 1, modality: 'cash', partner: 'x',
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.key, 'returns_plan_exists');
  const answers = Object.fromEntries(q.body.questions.map((x) => [x.id, 2]));
  const today = new Date().toISOString().slice(0, 10);
  const v = await call('POST', `/api/v1/returns/${arrivedCase}/plan/visits`, 'counsellor.lipa', { month: 3, visited_on: today, answers });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.body.plan.visits[0].score, 100);
  const due = await call('GET', '/api/v1/returns/visits', 'counsellor.lipa');
  assert.deepEqual(due.body.items.filter((d) => d.case_id === arrivedCase).map((d) => d.month), [6, 12]);
  assert.equal((await call('GET', '/api/v1/returns/visits?overdue=true', 'counsellor.lipa')).status, 200);
});
