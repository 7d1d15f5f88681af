// Outreach in the browser, on a phone-sized screen: a visit and a survey entered with
// the network switched off survive a reload and arrive exactly once when it is back; a
// survey refused by changed rules comes back to the user to fix; the map loads with no
// request beyond the Haven server; an XLSForm workbook is imported, filled and exported;
// logging out wipes what the device kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { startServer, BIN } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

const PHONE = { width: 390, height: 844 };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAKE_XLSX = join(dirname(BIN), 'make_xlsx');
const work = mkdtempSync(join(tmpdir(), 'haven-outreach-e2e-'));
let server, token, flowId;

// A real .xlsx written by libxlsxwriter from sheets given as JSON.
function workbook(name, sheets) {
  const path = join(work, name);
  execFileSync(MAKE_XLSX, [path], { input: JSON.stringify(sheets) });
  return path;
}

async function api(method, path, body, raw) {
  const r = await server.request(method, path, raw ? { token, raw, headers: { 'Content-Type': XLSX } } : { token, body });
  return r;
}

before(async () => {
  server = await startServer({ demo: true, people: 40 });
  token = await server.login('outreach');
  flowId = (await api('GET', '/api/v1/outreach/forms')).body.items.find((f) => f.form_id === 'flow_monitoring').id;
});
after(async () => { await server.stop(); });

async function waitForWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
}

test('a visit and a survey entered offline arrive exactly once when the network is back', async () => {
  const b = await openBrowser(server.base, { viewport: PHONE });
  const { page, context, errors } = b;
  try {
    await login(page, server, 'outreach');
    await page.goto('/outreach/');
    await waitForWorker(page);
    // Open the pages once online: the phone keeps the form and the lists.
    await page.goto('/outreach/forms');
    await page.locator('#forms-list [data-form="flow_monitoring"]').waitFor();
    await page.goto('/outreach/visits/new');
    await page.locator('#visit-location option:nth-child(2)').waitFor({ state: 'attached' });
    await checkA11y(page, 'visit form');
    await screenshot(page, 'outreach-visit');

    await context.setOffline(true);
    await page.reload();
    await page.locator('#offline-notice').waitFor();
    await page.locator('#visit-location').selectOption({ index: 2 });
    const place = await page.locator('#visit-location option:checked').innerText();
    await page.locator('#visit-people input[data-sex="M"][data-age="adult"]').fill('7');
    await page.locator('#visit-people input[data-sex="M"][data-age="minor"]').fill('2');
    await page.locator('#svc-food').fill('9');
    await page.locator('#visit-notes').fill('E2E offline visit under the bridge');
    await page.locator('#visit-save').click();
    await page.locator('#visit-saved').waitFor();

    await page.goto(`/outreach/forms/${flowId}/fill`);
    await page.locator('#fill-form').waitFor();
    await page.getByLabel('Bihać bus station').check();
    await page.locator('[data-question="consent"]').getByLabel('Yes').check();
    await page.locator('[data-question="sex"]').getByLabel('Man', { exact: true }).check();
    await page.locator('[data-question="age"] input').fill('12');
    await page.locator('[data-question="nationality"]').getByLabel('Morocco').check();
    await page.locator('[data-question="group_size"] input').fill('0');
    assert.equal(await page.locator('[data-question="with_children"]').isHidden(), true, 'not relevant with nobody else in the group');
    await page.locator('[data-question="needs"]').getByLabel('Food').check();
    await page.locator('[data-question="needs"]').getByLabel('Something else').check();
    await page.locator('[data-question="needs_other"] input').fill('E2E offline need: a phone charger');
    await page.locator('[data-question="destination"]').getByLabel('Italy').check();
    await page.locator('#fill-save').click();
    // The form's own constraint, in the form's words, before anything is saved.
    assert.match(await page.locator('[data-question="age"] .field-error').innerText(), /children are not interviewed alone/);
    await page.locator('[data-question="age"] input').fill('23');
    await page.locator('#fill-save').click();
    await page.locator('#fill-saved').waitFor();
    await screenshot(page, 'outreach-survey');

    // Reloaded with no network: both wait on the phone.
    await page.goto('/outreach/');
    await page.reload();
    await page.locator('#outbox li[data-status="pending"]').nth(1).waitFor();
    assert.equal(await page.locator('#outbox li').count(), 2);
    await checkA11y(page, 'outreach overview offline');
    await screenshot(page, 'outreach-outbox-offline');

    await context.setOffline(false);
    await page.locator('#outbox-count').filter({ hasText: /Nothing waits/ }).waitFor({ timeout: 20000 });
    const visits = (await api('GET', '/api/v1/outreach/visits?limit=500')).body.items;
    const mine = [];
    for (const v of visits.filter((x) => place.startsWith(x.location_name))) {
      const full = (await api('GET', `/api/v1/outreach/visits/${v.id}`)).body;
      if (full.notes === 'E2E offline visit under the bridge') mine.push(full);
    }
    assert.equal(mine.length, 1);
    assert.equal(mine[0].people_total, 9);
    const subs = (await api('GET', `/api/v1/outreach/forms/${flowId}/submissions?limit=1000`)).body.items
      .filter((s) => s.data.needs_other === 'E2E offline need: a phone charger');
    assert.equal(subs.length, 1);
    assert.equal(subs[0].data.age, 23);
    assert.equal(subs[0].data.with_children, undefined);
    // A second flush (another tab, a lost answer) changes nothing.
    await page.evaluate(() => import('/js/outbox.js').then((m) => m.flush()));
    assert.equal((await api('GET', `/api/v1/outreach/forms/${flowId}/submissions?limit=1000`)).body.items
      .filter((s) => s.data.needs_other === 'E2E offline need: a phone charger').length, 1);
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(e)), []);
  } finally {
    await b.browser.close();
  }
});

test('a survey refused by rules changed meanwhile comes back to be fixed', async () => {
  const sheets = {
    survey: [['type', 'name', 'label', 'required', 'constraint', 'constraint_message'],
      ['integer', 'people', 'People at the point', 'yes', '. >= 0', 'Cannot be negative'],
      ['select_one yn', 'water', 'Is there drinking water?', 'yes']],
    choices: [['list_name', 'name', 'label'], ['yn', 'yes', 'Yes'], ['yn', 'no', 'No']],
    settings: [['form_title', 'form_id', 'version'], ['Point check', 'point_check', '1']],
  };
  const form = (await api('POST', '/api/v1/outreach/forms', null, readFileSync(workbook('point1.xlsx', sheets)))).body;
  const b = await openBrowser(server.base, { viewport: PHONE });
  const { page, context } = b;
  try {
    await login(page, server, 'outreach');
    await page.goto('/outreach/forms');
    await waitForWorker(page);
    await page.locator('[data-form="point_check"]').waitFor();
    await context.setOffline(true);
    await page.goto(`/outreach/forms/${form.id}/fill`);
    await page.locator('[data-question="people"] input').fill('4');
    await page.locator('[data-question="water"]').getByLabel('No').check();
    await page.locator('#fill-save').click();
    await page.locator('#fill-saved').waitFor();
    // Meanwhile the coordinator tightens the rule: at least 5 people.
    sheets.survey[1][4] = '. >= 5';
    sheets.survey[1][5] = 'Count only groups of five or more';
    assert.equal((await api('POST', '/api/v1/outreach/forms', null, readFileSync(workbook('point2.xlsx', sheets)))).status, 201);
    await page.goto('/outreach/');
    await context.setOffline(false);
    const item = page.locator('#outbox li[data-status="error"]');
    await item.waitFor({ timeout: 20000 });
    assert.match(await item.innerText(), /five or more/);
    await screenshot(page, 'outreach-outbox-error');
    await item.getByRole('link', { name: 'Fix' }).click();
    await page.locator('[data-question="people"] .field-error').filter({ hasText: /five or more/ }).waitFor();
    await page.locator('[data-question="people"] input').fill('6');
    await page.locator('#fill-save').click();
    await page.locator('#outbox-count').filter({ hasText: /Nothing waits/ }).waitFor({ timeout: 20000 });
    const subs = (await api('GET', `/api/v1/outreach/forms/${form.id}/submissions`)).body.items;
    assert.equal(subs.length, 1);
    assert.equal(subs[0].data.people, 6);
    assert.equal(subs[0].version, 2);
  } finally {
    await b.browser.close();
  }
});

test('the map loads with no request beyond the Haven server', async () => {
  const b = await openBrowser(server.base, { viewport: PHONE });
  const { page, errors } = b;
  const elsewhere = [];
  page.on('request', (r) => { if (!r.url().startsWith(server.base) && !r.url().startsWith('data:')) elsewhere.push(r.url()); });
  try {
    await login(page, server, 'outreach');
    await page.goto('/outreach/map');
    await page.locator('#outreach-map[data-ready]').waitFor();
    assert.ok(Number(await page.locator('#outreach-map').getAttribute('data-ready')) >= 70);
    assert.equal(await page.locator('#outreach-map canvas').count(), 1, 'boundaries and locations are drawn');
    assert.ok(await page.locator('#map-table tbody tr').count() > 10, 'visited locations are listed');
    await page.waitForTimeout(500);
    assert.deepEqual(elsewhere, []);
    await checkA11y(page, 'outreach map');
    await screenshot(page, 'outreach-map');
    assert.deepEqual(errors, []);
  } finally {
    await b.browser.close();
  }
});

test('an XLSForm workbook is imported in the browser, filled and exported in Kobo\'s layout', async () => {
  const bad = workbook('bad.xlsx', {
    survey: [['type', 'name', 'label'], ['begin repeat', 'kids', 'Children'], ['integer', 'age', 'Age'], ['end repeat', '', '']],
    settings: [['form_id'], ['bad_form']],
  });
  const good = workbook('shelter.xlsx', {
    survey: [['type', 'name', 'label::English (en)', 'label::Bosnian (bs)', 'required', 'relevant'],
      ['begin group', 'site', 'The site', 'Mjesto', '', ''],
      ['select_multiple items', 'missing', 'What is missing?', 'Šta nedostaje?', 'yes', ''],
      ['integer', 'blankets', 'Blankets needed', 'Potrebno ćebadi', '', "selected(${missing}, 'blankets')"],
      ['end group', '', '', '', '', '']],
    choices: [['list_name', 'name', 'label::English (en)', 'label::Bosnian (bs)'],
      ['items', 'blankets', 'Blankets', 'Ćebad'], ['items', 'tents', 'Tents', 'Šatori'], ['items', 'stoves', 'Stoves', 'Peći']],
    settings: [['form_title', 'form_id', 'version'], ['Shelter check', 'shelter_check', '2024-01']],
  });
  const b = await openBrowser(server.base, { viewport: PHONE });
  const { page } = b;
  try {
    await login(page, server, 'outreach');
    await page.goto('/outreach/forms');
    await page.locator('#form-file').setInputFiles(bad);
    await page.locator('#form-import-submit').click();
    await page.locator('#form-problems').waitFor();
    assert.match(await page.locator('#form-problems').innerText(), /survey\s+2\s+type\s+repeat groups are not supported/);
    await page.locator('#form-file').setInputFiles(good);
    await page.locator('#form-import-submit').click();
    await page.locator('#form-imported').waitFor();
    await checkA11y(page, 'surveys');
    await screenshot(page, 'outreach-forms');
    await page.locator('[data-form="shelter_check"] a', { hasText: 'Fill in' }).click();
    await page.locator('#fill-form').waitFor();
    await page.locator('[data-question="missing"]').getByLabel('Blankets').check();
    await page.locator('[data-question="missing"]').getByLabel('Stoves').check();
    await page.locator('[data-question="blankets"] input').fill('40');
    await checkA11y(page, 'survey form');
    await page.locator('#fill-save').click();
    await page.locator('#fill-saved').waitFor();
    await page.goto('/outreach/');
    await page.locator('#outbox-count').filter({ hasText: /Nothing waits/ }).waitFor({ timeout: 20000 });
    await page.goto('/outreach/forms');
    await page.locator('[data-form="shelter_check"] a', { hasText: 'Results' }).click();
    await page.locator('#form-count').filter({ hasText: /^1 answer;/ }).waitFor();
    const csvHref = await page.locator('#export-csv').getAttribute('href');
    const csv = await (await page.request.get(csvHref)).text();
    const [head, row] = csv.trim().split('\r\n');
    assert.equal(head, '"site/missing";"site/missing/blankets";"site/missing/tents";"site/missing/stoves";"site/blankets";"_id";"_uuid";"_submission_time";"_validation_status";"_notes";"_status";"_submitted_by";"__version__";"_tags";"_index"');
    assert.match(row, /^"blankets stoves";"1";"0";"1";"40";"1";"[0-9a-f-]{36}";"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d";"";"";"submitted_via_web";"outreach";"2024-01";"";"1"$/);
    const xlsx = await page.request.get(await page.locator('#export-xlsx').getAttribute('href'));
    assert.equal(xlsx.headers()['content-type'], XLSX);
    assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');
    await page.locator('#export-csv').waitFor();
    await screenshot(page, 'outreach-results');
  } finally {
    await b.browser.close();
  }
});

test('the overview and the desk\'s arrivals, and logging out wipes the device', async () => {
  const b = await openBrowser(server.base, { viewport: PHONE });
  const { page } = b;
  try {
    await login(page, server, 'outreach');
    await page.goto('/outreach/');
    await page.locator('#kpi-people').waitFor();
    await checkA11y(page, 'outreach overview');
    await screenshot(page, 'outreach-overview');
    assert.ok((await page.evaluate(() => indexedDB.databases())).some((d) => d.name === 'haven-offline'), 'kept before logout');
    await page.locator('#logout').click();
    await page.getByLabel('Username').waitFor();
    assert.deepEqual((await page.evaluate(() => indexedDB.databases())).map((d) => d.name), [], 'wiped at logout');
    // The worker's cache holds the interface's files only, never an answer of the API.
    const kept = await page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
      return urls;
    });
    assert.deepEqual(kept.filter((u) => u.includes('/api/')), []);
  } finally {
    await b.browser.close();
  }
  const desk = await openBrowser(server.base);
  try {
    await login(desk.page, server, 'registrar');
    await desk.page.goto('/outreach/arrivals');
    await desk.page.locator('h1').waitFor();
    await checkA11y(desk.page, 'arrivals');
  } finally {
    await desk.browser.close();
  }
});
