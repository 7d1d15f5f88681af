// Return work over HTTP beyond the case: the departure checks the travellers out of
// their stays; readmission requests with their deadline and answers (409 for a move the
// status does not allow, nothing changed); forced-return monitoring with the checklist,
// findings and follow-up; grant instalments approved by a second person; the
// dashboard's figures; permissions for each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server, lipa;
const tok = {};
let people = [];

before(async () => {
  server = await startServer({ demo: true, people: 30 });
  for (const u of ['admin', 'counsellor', 'registrar', 'viewer']) tok[u] = await server.login(u);
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  // People of our own, checked in at Lipa: the demo's are on its cases.
  for (const [given, sex] of [['Tariq', 'M'], ['Nadia', 'F'], ['Samir', 'M'], ['Hina', 'F']]) {
    const r = await server.request('POST', '/api/v1/persons', {
      token: tok.registrar,
      body: { given_name: given, family_name: 'Qureshi', sex, birth_date: '1991-05-05', citizenship: 'PK', site_id: lipa, check_in: true },
    });
    assert.equal(r.status, 201, r.text);
    people.push(r.body.id);
  }
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

const steps = [
  ['eligibility_checked', undefined],
  ['documents_requested', { embassy: 'Embassy of Pakistan, Sarajevo', document_type: 'passport' }],
  ['documents_issued', { embassy: 'Embassy of Pakistan, Sarajevo', document_type: 'passport' }],
  ['fit_to_travel', { medical_clearance: 'fit' }],
  ['travel_booked', { itinerary: 'SJJ-IST-ISB', escort: 'none' }],
  ['departed', { departure_date: today() }],
];

let departedCase;

test('the departure checks the person out of their stay, in the same step', async () => {
  const created = await call('POST', '/api/v1/returns', 'counsellor', { person_id: people[0], destination_country: 'PK' });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  departedCase = id;
  const before = await call('GET', `/api/v1/persons/${people[0]}`, 'admin');
  assert.ok(before.body.current_stay, 'checked in before');
  const stayId = before.body.current_stay.id;
  for (const [to, details] of steps) {
    const r = await call('POST', `/api/v1/returns/${id}/transitions`, 'counsellor', { to, details });
    assert.equal(r.status, 200, `${to}: ${r.text}`);
  }
  const after = await call('GET', `/api/v1/persons/${people[0]}`, 'admin');
  assert.equal(after.body.current_stay, null);
  const stay = after.body.stays.find((s) => s.id === stayId);
  assert.equal(stay.checkout_reason, 'returned');
  const audit = await call('GET', `/api/v1/audit?entity=stay&id=${stayId}`, 'admin');
  assert.equal(audit.body.items.filter((i) => i.action === 'check_out').length, 1);
});

test('grant instalments: within budget, approved by a second person, then paid', async () => {
  const plan = await call('POST', `/api/v1/returns/${departedCase}/plan`, 'counsellor',
    { kind: 'business', budget_eur: 2000, modality: 'cash', partner: 'IOM Islamabad' });
  assert.equal(plan.status, 201, plan.text);
  const over = await call('POST', `/api/v1/returns/${departedCase}/plan/instalments`, 'counsellor',
    { amount: 2500, currency: 'EUR', due_on: today() });
  assert.equal(over.status, 400);
  assert.equal(over.body.error.field, 'amount');
  const add = await call('POST', `/api/v1/returns/${departedCase}/plan/instalments`, 'counsellor',
    { amount: 1200.5, currency: 'EUR', due_on: today(), description: 'Shop fittings' });
  assert.equal(add.status, 201, add.text);
  const inst = add.body.plan.instalments[0];
  assert.equal(inst.amount, 1200.5);
  const path = `/api/v1/returns/${departedCase}/plan/instalments/${inst.id}`;
  const early = await call('POST', path, 'counsellor', { action: 'pay' });
  assert.equal(early.status, 409);
  const self = await call('POST', path, 'counsellor', { action: 'approve' });
  assert.equal(self.status, 409);
  assert.equal(self.body.error.key ?? self.body.error.code, self.body.error.key ? 'returns_instalment_four_eyes' : self.body.error.code);
  const approved = await call('POST', path, 'admin', { action: 'approve' });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.body.plan.instalments[0].status, 'approved');
  const paid = await call('POST', path, 'counsellor', { action: 'pay', reference: 'BANK-1' });
  assert.equal(paid.status, 200, paid.text);
  assert.equal(paid.body.plan.paid_eur, 1200.5);
  const viewer = await call('POST', path, 'viewer', { action: 'cancel', reason: 'x' });
  assert.equal(viewer.status, 403);
});

test('readmission: the deadline comes from the agreement, a wrong move is 409 and changes nothing', async () => {
  const bad = await call('POST', '/api/v1/returns/readmissions', 'counsellor',
    { agreement: 'BA-RS', requesting_state: 'BA', requested_state: 'HR', requested_on: daysAgo(20), persons: [{ person_id: people[1] }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'requested_state');
  const made = await call('POST', '/api/v1/returns/readmissions', 'counsellor', {
    agreement: 'BA-RS', requesting_state: 'BA', requested_state: 'RS', requested_on: daysAgo(20), reference: 'MS-77/25',
    persons: [{ person_id: people[1] }, { given_name: 'Imran', family_name: 'Ali', sex: 'M', citizenship: 'PK' }],
  });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.body.deadline, daysAgo(5));
  assert.equal(made.body.overdue, true);
  const id = made.body.id;
  const overdue = await call('GET', '/api/v1/returns/readmissions?overdue=true', 'counsellor');
  assert.ok(overdue.body.items.some((r) => r.id === id));
  const wrong = await call('POST', `/api/v1/returns/readmissions/${id}/status`, 'counsellor', { to: 'handed_over', border_crossing: 'Rača' });
  assert.equal(wrong.status, 409);
  const same = await call('GET', `/api/v1/returns/readmissions/${id}`, 'counsellor');
  assert.equal(same.body.status, 'pending');
  const ok = await call('POST', `/api/v1/returns/readmissions/${id}/status`, 'counsellor', { to: 'accepted', outcome: 'Accepted both' });
  assert.equal(ok.status, 200, ok.text);
  const handed = await call('POST', `/api/v1/returns/readmissions/${id}/status`, 'counsellor', { to: 'handed_over', border_crossing: 'Rača' });
  assert.equal(handed.status, 200, handed.text);
  assert.equal(handed.body.handover_on, today());
  assert.equal((await call('GET', '/api/v1/returns/readmissions', 'registrar')).status, 403);
  const agreements = await call('GET', '/api/v1/returns/readmission-agreements', 'counsellor');
  assert.ok(agreements.body.agreements.find((a) => a.code === 'EU-BA').answer_days > 0);
});

test('forced-return monitoring: report with the checklist, findings followed up', async () => {
  const checklist = await call('GET', '/api/v1/returns/operation-checklist', 'counsellor');
  assert.equal(checklist.status, 200);
  const made = await call('POST', '/api/v1/returns/operations', 'counsellor', {
    date: daysAgo(2), kind: 'charter_flight', route: 'Sarajevo - Istanbul - Islamabad', destination_country: 'PK',
    returnees: 9, escorts: 20, monitors: ['Ombudsman office: A. Hadžić'], site_id: lipa,
  });
  assert.equal(made.status, 201, made.text);
  const id = made.body.id;
  const answers = Object.fromEntries(checklist.body.items.map((i) => [i.id, 'yes']));
  delete answers.informed;
  const missing = await call('POST', `/api/v1/returns/operations/${id}/report`, 'counsellor', { checklist: answers, report: 'Orderly' });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'checklist.informed');
  answers.informed = 'not_observed';
  const reported = await call('POST', `/api/v1/returns/operations/${id}/report`, 'counsellor', { checklist: answers, report: 'Orderly' });
  assert.equal(reported.status, 200, reported.text);
  const again = await call('POST', `/api/v1/returns/operations/${id}/report`, 'counsellor', { checklist: answers, report: 'Again' });
  assert.equal(again.status, 409);
  const finding = await call('POST', `/api/v1/returns/operations/${id}/findings`, 'counsellor',
    { finding: 'No interpreter at boarding', severity: 'concern', recommendation: 'Book an interpreter for every operation' });
  assert.equal(finding.status, 201, finding.text);
  const fid = finding.body.findings[0].id;
  const follow = await call('POST', `/api/v1/returns/operations/${id}/findings/${fid}`, 'counsellor', { follow_up: 'in_progress', note: 'Raised with SFA' });
  assert.equal(follow.status, 200, follow.text);
  assert.equal(follow.body.findings_open, 1);
  assert.equal((await call('GET', '/api/v1/returns/operations', 'viewer')).status, 403);
});

test('the dashboard counts cases by state and departures per month by destination', async () => {
  const r = await call('GET', '/api/v1/returns/dashboard?months=6', 'counsellor');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.months.length, 6);
  assert.ok(r.body.by_state.departed >= 1);
  const month = today().slice(0, 7);
  assert.ok(r.body.departures.some((d) => d.month === month && d.destination === 'PK' && d.count >= 1));
  assert.ok(r.body.readmissions.by_status.handed_over >= 1);
  assert.equal((await call('GET', '/api/v1/returns/dashboard?months=99', 'counsellor')).status, 400);
  assert.equal((await call('GET', '/api/v1/returns/dashboard', 'registrar')).status, 403);
});
