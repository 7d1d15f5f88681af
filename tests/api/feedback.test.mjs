// Complaints and feedback over HTTP, satisfaction surveys, and the PSEA channel: a
// report recorded by anyone is read by the PSEA focal point only, and no other role
// finds a trace of it through any endpoint, list, export, audit view or error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startServer, haven } from './harness.mjs';

const MARKER = 'NUMBAT-5519 offered food for sex';
let server;
const tok = {};
let lipa, reportId;
const ROLES = ['admin', 'registrar', 'protection', 'counsellor', 'interp', 'statistician', 'viewer', 'storekeeper', 'complaints', 'psea', 'trainer'];

before(async () => {
  server = await startServer({ demo: true, people: 120 });
  for (const u of ROLES) tok[u] = await server.login(u);
  const sites = await server.request('GET', '/api/v1/sites', { token: tok.admin });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
});

after(async () => { await server?.stop(); });

const call = (method, path, who, body) => server.request(method, path, { token: tok[who], body });

test('a complaint is recorded at the desk, handled, and the loop closed', async () => {
  const r = await call('POST', '/api/v1/feedback', 'registrar', {
    site_id: lipa, channel: 'box', category: 'wash', anonymous: true, language: 'fa', summary: 'No hot water in container 12',
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.state, 'received');
  assert.ok(r.body.ack_due < r.body.response_due);
  const id = r.body.id;
  assert.equal((await call('POST', `/api/v1/feedback/${id}/actions`, 'registrar', { action: 'acknowledge' })).status, 403);
  assert.equal((await call('POST', `/api/v1/feedback/${id}/actions`, 'complaints', { action: 'acknowledge' })).status, 200);
  const told = await call('POST', `/api/v1/feedback/${id}/actions`, 'complaints', { action: 'close', text: 'Boiler fixed', loop: 'told_person' });
  assert.equal(told.status, 400);
  assert.equal(told.body.error.field, 'loop');
  const closed = await call('POST', `/api/v1/feedback/${id}/actions`, 'complaints', { action: 'close', text: 'Boiler fixed', loop: 'posted_publicly' });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.body.state, 'closed');
  const overdue = await call('GET', '/api/v1/feedback?overdue=1&limit=500', 'complaints');
  assert.ok(overdue.body.items.every((i) => i.overdue));
  const fig = await call('GET', '/api/v1/feedback/figures', 'viewer');
  assert.equal(fig.status, 200);
  assert.equal(fig.body.overdue, overdue.body.total);
  const csv = await server.request('GET', '/api/v1/feedback/export', { token: tok.complaints });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.ok(csv.text.startsWith('id,site_id,received_at'));
});

test('survey answers and results per site', async () => {
  const r = await call('POST', '/api/v1/surveys/responses', 'registrar', { form: 'satisfaction', site_id: lipa, answers: { food: 5, informed: true, priority: 'health' } });
  assert.equal(r.status, 201, r.text);
  const bad = await call('POST', '/api/v1/surveys/responses', 'registrar', { form: 'satisfaction', site_id: lipa, answers: { food: 6 } });
  assert.equal(bad.body.error.field, 'answers.food');
  const res = await call('GET', `/api/v1/surveys/results?site=${lipa}`, 'viewer');
  assert.equal(res.status, 200, res.text);
  assert.ok(res.body.responses >= 1);
  assert.ok(res.body.questions.food.mean >= 1);
});

test('a PSEA report: recorded by the registrar, then out of reach for all but the focal point', async () => {
  const r = await call('POST', '/api/v1/psea/reports', 'registrar', {
    site_id: lipa, channel: 'in_person', summary: MARKER, alleged: 'NUMBAT kitchen worker', language: 'ps',
  });
  assert.equal(r.status, 201, r.text);
  reportId = r.body.id;
  assert.ok(!r.text.includes('NUMBAT'));
  // The recorder has lost access.
  assert.equal((await call('GET', `/api/v1/psea/reports/${reportId}`, 'registrar')).status, 403);
  const read = await call('GET', `/api/v1/psea/reports/${reportId}`, 'psea');
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.summary, MARKER);
  const step = await call('POST', `/api/v1/psea/reports/${reportId}/steps`, 'psea', { state: 'assessed', note: 'NUMBAT note' });
  assert.equal(step.status, 200, step.text);
  const trail = await call('GET', `/api/v1/psea/reports/${reportId}/audit`, 'psea');
  assert.ok(trail.body.items.some((i) => i.action === 'record'));
  assert.ok(trail.body.items.some((i) => i.action === 'read'));
});

test('every endpoint, every role but the focal point: no trace of the report', async () => {
  const routes = JSON.parse(haven(['routes']).stdout);
  let checked = 0;
  for (const who of ROLES.filter((r) => r !== 'psea')) {
    for (const route of routes.filter((x) => x.permission && x.method === 'GET')) {
      const path = route.path.replaceAll('{}', reportId) + (route.path.includes('?') ? '&' : '?') + `site=${lipa}&limit=500`;
      const res = await server.request('GET', path, { token: tok[who] });
      assert.ok(!res.text.includes('NUMBAT'), `${who} GET ${route.path} shows the report`);
      // An error may echo the id the request sent; an answer must not know it.
      if (res.status < 400) assert.ok(!res.text.includes(reportId), `${who} GET ${route.path} names the report id`);
      else {
        const other = await server.request('GET', path.replaceAll(reportId, '01900000-0000-7000-8000-000000000000'), { token: tok[who] });
        assert.equal(other.status, res.status, `${who} GET ${route.path}: the report's id answers differently`);
      }
      checked++;
    }
    for (const path of [`/api/v1/psea/reports/${reportId}`, `/api/v1/psea/reports/${reportId}/audit`, '/api/v1/psea/reports']) {
      assert.equal((await call('GET', path, who)).status, 403, `${who} ${path}`);
    }
    const step = await call('POST', `/api/v1/psea/reports/${reportId}/steps`, who, { state: 'closed' });
    assert.equal(step.status, 403, `${who} step`);
  }
  assert.ok(checked > 200);
  // The admin's audit view, paged through to the start, never names it.
  let cursor = '';
  for (;;) {
    const page = await call('GET', `/api/v1/audit?limit=1000${cursor}`, 'admin');
    assert.ok(!page.text.includes(reportId) && !page.text.includes('psea_report'));
    if (!page.body.next_cursor) break;
    cursor = `&cursor=${page.body.next_cursor}`;
  }
});

test('a focal point of another site, or the focal point who recorded it, gets 404 like a missing report', async () => {
  const own = await call('POST', '/api/v1/psea/reports', 'psea', { site_id: lipa, summary: 'NUMBAT own report' });
  assert.equal(own.status, 201);
  const r = await call('GET', `/api/v1/psea/reports/${own.body.id}`, 'psea');
  assert.equal(r.status, 404);
  const missing = await call('GET', '/api/v1/psea/reports/01900000-0000-7000-8000-000000000000', 'psea');
  assert.equal(missing.status, 404);
  assert.equal(r.body.error.message.replace(own.body.id, 'X'), missing.body.error.message.replace('01900000-0000-7000-8000-000000000000', 'X'));
  const list = await call('GET', '/api/v1/psea/reports', 'psea');
  assert.ok(!list.body.items.some((i) => i.id === own.body.id));
});

test('the database file holds no report text', () => {
  haven(['audit', 'verify', '--db', server.db]);
  for (const f of readdirSync(server.dir).filter((n) => n.startsWith('haven.db'))) {
    const bytes = readFileSync(`${server.dir}/${f}`);
    assert.ok(!bytes.includes('NUMBAT'), `${f} holds report text`);
  }
});
