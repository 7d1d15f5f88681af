// Group sessions over HTTP: recording a session with anonymous counts, registered
// attendees adding up, the kind's permission, site scoping and monthly figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let server;
const tok = {};
let lipa, usivak, people;

before(async () => {
  server = await startServer({ demo: true, people: 150 });
  for (const u of ['admin', 'registrar', 'registrar.usivak', 'protection', 'statistician', 'trainer', 'viewer']) {
    tok[u] = await server.login(u);
  }
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  usivak = sites.body.items.find((s) => s.code === 'USI').id;
  const res = await server.request('GET', `/api/v1/sites/${lipa}/residents?limit=5`, { token: tok.registrar });
  people = res.body.items.map((r) => r.person.id);
  assert.ok(people.length >= 3);
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });

const base = () => ({
  kind: 'legal_information', topic: 'Asylum procedure', site_id: lipa,
  starts_at: new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
  facilitator: 'Vaša prava BiH', language: 'ps', interpreter: 'Farid', interpreted_languages: ['bs'],
});

test('a session with counts and attendees adds up', async () => {
  const created = await call('POST', '/api/v1/sessions', 'registrar', {
    ...base(), counts: [{ sex: 'M', age_group: '18-59', count: 5 }, { sex: 'F', age_group: '12-17', count: 1 }],
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  assert.equal(created.body.attendance.total, 6);
  const one = await call('POST', `/api/v1/sessions/${id}/attendees`, 'registrar', { person_id: people[0] });
  assert.equal(one.status, 201, one.text);
  const many = await call('POST', `/api/v1/sessions/${id}/attendees`, 'registrar', { person_ids: [people[0], people[1], people[2]] });
  assert.equal(many.status, 201, many.text);
  assert.equal(many.body.added, 2);
  assert.equal(many.body.attendance.registered, 3);
  assert.equal(many.body.attendance.total, 9);
  const again = await call('POST', `/api/v1/sessions/${id}/attendees`, 'registrar', { person_id: people[1] });
  assert.equal(again.status, 409);
  const removed = await call('DELETE', `/api/v1/sessions/${id}/attendees/${people[1]}`, 'registrar');
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.body.attendance.total, 8);
  const counts = await call('PUT', `/api/v1/sessions/${id}/counts`, 'registrar', { counts: [{ sex: 'X', age_group: 'unknown', count: 2 }] });
  assert.equal(counts.status, 200, counts.text);
  assert.equal(counts.body.attendance.total, 4);
  const got = await call('GET', `/api/v1/sessions/${id}`, 'viewer');
  assert.equal(got.status, 200);
  assert.equal(got.body.attendees.length, 2);
  assert.deepEqual(got.body.interpreted_languages, ['bs']);
  const mine = await call('GET', `/api/v1/persons/${people[0]}/sessions`, 'registrar');
  assert.ok(mine.body.items.some((s) => s.id === id));
  const audit = await call('GET', `/api/v1/audit?entity=group_session&id=${id}`, 'admin');
  assert.deepEqual(audit.body.items.map((i) => i.action).filter((a) => a !== 'read').sort(),
    ['attend', 'attend', 'counts', 'create', 'unattend']);
});

test('bad input is refused naming the field', async () => {
  const r = await call('POST', '/api/v1/sessions', 'registrar', { ...base(), counts: [{ sex: 'M', age_group: 'teen', count: 1 }] });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'counts[0].age_group');
  const lang = await call('POST', '/api/v1/sessions', 'registrar', { ...base(), language: 'zz-top' });
  assert.equal(lang.body.error.field, 'language');
});

test('the kind decides who records: psychosocial groups are the protection team\'s', async () => {
  const r = await call('POST', '/api/v1/sessions', 'registrar', { ...base(), kind: 'psychosocial_group' });
  assert.equal(r.status, 403);
  const ok = await call('POST', '/api/v1/sessions', 'protection', { ...base(), kind: 'psychosocial_group' });
  assert.equal(ok.status, 201, ok.text);
  const stats = await call('GET', '/api/v1/sessions', 'statistician');
  assert.equal(stats.status, 403);
});

test('staff of another site neither see nor touch a session', async () => {
  const created = await call('POST', '/api/v1/sessions', 'registrar', base());
  const id = created.body.id;
  const r = await call('GET', `/api/v1/sessions/${id}`, 'registrar.usivak');
  assert.equal(r.status, 404);
  const w = await call('POST', `/api/v1/sessions/${id}/attendees`, 'registrar.usivak', { person_id: people[0] });
  assert.equal(w.status, 404);
  const list = await call('GET', '/api/v1/sessions?limit=500', 'registrar.usivak');
  assert.ok(list.body.items.every((s) => s.site_id === usivak));
  const wrongSite = await call('POST', '/api/v1/sessions', 'registrar.usivak', base());
  assert.equal(wrongSite.status, 400);
  assert.equal(wrongSite.body.error.field, 'site_id');
});

test('kinds, filters and monthly figures', async () => {
  const kinds = await call('GET', '/api/v1/sessions/kinds', 'trainer');
  assert.ok(kinds.body.kinds.some((k) => k.code === 'return_information' && k.owner === 'returns'));
  assert.ok(kinds.body.age_groups.some((g) => g.code === '60+'));
  const ret = await call('GET', '/api/v1/sessions?owner=returns&limit=500', 'admin');
  assert.ok(ret.body.total > 0);
  assert.ok(ret.body.items.every((s) => s.kind === 'return_information'));
  const list = await call('GET', `/api/v1/sessions?site=${lipa}&kind=legal_information&limit=500`, 'admin');
  const fig = await call('GET', `/api/v1/sessions/figures?site=${lipa}`, 'admin');
  assert.equal(fig.status, 200, fig.text);
  const legal = fig.body.months.filter((m) => m.kind === 'legal_information');
  assert.equal(legal.reduce((n, m) => n + m.sessions, 0), list.body.total);
  assert.equal(legal.reduce((n, m) => n + m.total, 0), list.body.items.reduce((n, s) => n + s.attendance.total, 0));
  const bad = await call('GET', '/api/v1/sessions?from=2024-13-01', 'admin');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'from');
});

test('a training for officials: participants, evaluation, certificates as PDF', async () => {
  const created = await call('POST', '/api/v1/trainings', 'trainer', {
    title: 'Camp coordination and camp management', kind: 'training', starts_on: '2024-05-14', ends_on: '2024-05-15', venue: 'TRC Lipa',
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  assert.equal((await call('POST', '/api/v1/trainings', 'registrar', { title: 'x' })).status, 403);
  for (const [name, sex] of [['Amela Hodžić', 'F'], ['Ненад Петровић', 'M']]) {
    const p = await call('POST', `/api/v1/trainings/${id}/participants`, 'trainer', { name, sex, organisation: 'SFA', country: 'BA' });
    assert.equal(p.status, 201, p.text);
  }
  const agenda = await call('POST', `/api/v1/trainings/${id}/agenda`, 'trainer', { day: '2024-05-14', time: '09:00', title: 'Roles in a centre' });
  assert.equal(agenda.status, 201, agenda.text);
  const ev = await call('POST', `/api/v1/trainings/${id}/evaluations`, 'trainer', { answers: { relevance: 4, comment: 'Useful' } });
  assert.equal(ev.status, 201, ev.text);
  assert.equal(ev.body.figures.female, 1);
  const pdf = await server.request('GET', `/api/v1/trainings/${id}/certificates`, { token: tok.trainer });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.ok(pdf.text.startsWith('%PDF'));
  const viewer = await call('GET', `/api/v1/trainings/${id}`, 'viewer');
  assert.equal(viewer.status, 200);
  assert.ok(viewer.body.participants.every((p) => p.certificate_no));
  const fig = await call('GET', '/api/v1/trainings/figures?from=2024-05-01&to=2024-05-31', 'viewer');
  assert.equal(fig.body.totals.participants, 2);
});
