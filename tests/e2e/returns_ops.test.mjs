// The return pages beyond the case, in the browser: the return dashboard with its
// charts (offline Chart.js), a readmission request recorded and answered, a
// forced-return operation reported with its checklist and a finding followed up, grant
// instalments on a case (the planner cannot approve their own). axe-core on each page,
// in English, Bosnian and Serbian Cyrillic, and the dashboard at a phone's width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

let server, b, token, lipa, person;

before(async () => {
  server = await startServer({ demo: true, people: 40 });
  token = await server.login('counsellor');
  const registrar = await server.login('registrar');
  const sites = await server.request('GET', '/api/v1/sites', { token });
  lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  const r = await server.request('POST', '/api/v1/persons', {
    token: registrar,
    body: { given_name: 'Rashid', family_name: 'Baloch', sex: 'M', birth_date: '1989-03-03', citizenship: 'PK', site_id: lipa, check_in: true },
  });
  assert.equal(r.status, 201, r.text);
  person = r.body.id;
  b = await openBrowser(server.base);
  await login(b.page, server, 'counsellor');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

const today = () => new Date().toISOString().slice(0, 10);

test('the_return_dashboard_draws_its_charts_in_three_languages_and_on_a_phone', async () => {
  const { page, errors } = b;
  await page.goto('/returns/dashboard');
  await page.locator('#dash-kpis').waitFor();
  await page.locator('canvas[role="img"]').first().waitFor();
  assert.ok(await page.locator('canvas[role="img"]').count() >= 1);
  await checkA11y(page, 'return dashboard');
  await screenshot(page, 'returns-dashboard');
  for (const [loc, title] of [['bs', 'Pregled povrataka'], ['sr-Cyrl', 'Преглед повратака']]) {
    await page.locator('#locale-select').selectOption(loc);
    await page.locator('h1', { hasText: title }).waitFor();
    await checkA11y(page, `return dashboard ${loc}`);
  }
  await page.locator('#locale-select').selectOption('en');
  await page.locator('h1', { hasText: 'Return dashboard' }).waitFor();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.reload();
  await page.locator('#dash-kpis').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
  await checkA11y(page, 'return dashboard on a phone');
  await screenshot(page, 'returns-dashboard-phone');
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors, []);
});

test('a_readmission_request_is_recorded_and_answered', async () => {
  const { page, errors } = b;
  await page.goto('/returns/readmissions');
  await page.locator('#readm-new-form').waitFor();
  await page.locator('#new-agreement').selectOption('BA-RS');
  await page.locator('#new-requesting').selectOption('RS');
  await page.locator('#new-requested').selectOption('BA');
  await page.locator('#new-reference').fill('MUP-RS 44/26');
  await page.locator('#new-site').selectOption(lipa);
  await page.locator('#new-given').fill('Zahid');
  await page.locator('#new-family').fill('Hussain');
  await page.locator('#new-citizenship').fill('PK');
  await page.locator('#new-submit').click();
  await page.locator('#readm-list tbody tr', { hasText: 'MUP-RS 44/26' }).waitFor();
  await checkA11y(page, 'readmissions');
  const mine = page.locator('#readm-list tbody tr', { hasText: 'MUP-RS 44/26' });
  await mine.locator('button[data-to="accepted"]').click();
  await page.locator('#readm-move-form').waitFor();
  await page.locator('#readm-submit').click();
  await mine.filter({ hasText: 'Accepted' }).waitFor();
  await mine.locator('button[data-to="handed_over"]').click();
  await page.locator('#readm-crossing').fill('Rača');
  await page.locator('#readm-submit').click();
  await page.locator('#readm-status').selectOption('');
  await mine.filter({ hasText: 'Rača' }).waitFor();
  await screenshot(page, 'returns-readmissions');
  await page.locator('#locale-select').selectOption('sr-Cyrl');
  await page.locator('h1', { hasText: 'Захтеви за реадмисију' }).waitFor();
  await checkA11y(page, 'readmissions sr-Cyrl');
  await page.locator('#locale-select').selectOption('en');
  await page.locator('h1', { hasText: 'Readmission requests' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a_monitor_reports_a_forced_return_and_follows_up_a_finding', async () => {
  const { page, errors } = b;
  await page.goto('/returns/operations');
  await page.locator('#op-form').waitFor();
  await page.locator('#op-route').fill('Sarajevo – Istanbul – Islamabad');
  await page.locator('#op-dest').fill('PK');
  await page.locator('#op-returnees').fill('7');
  await page.locator('#op-escorts').fill('15');
  await page.locator('#op-monitors').fill('A. Hadžić; M. Petrović');
  await page.locator('#op-site').selectOption(lipa);
  await checkA11y(page, 'operations');
  await page.locator('#op-submit').click();
  await page.locator('#report-form').waitFor();
  await page.locator('#check-interpreter').selectOption('no');
  await page.locator('#report-text').fill('Orderly operation; no interpreter at boarding.');
  await checkA11y(page, 'operation report form');
  await page.locator('#report-submit').click();
  await page.locator('#checklist').waitFor();
  await page.locator('#finding-text').fill('No interpreter at boarding');
  await page.locator('#finding-rec').fill('Book an interpreter for every operation');
  await page.locator('#finding-submit').click();
  await page.locator('#findings li').first().waitFor();
  await page.locator('#findings li form button[type="submit"]').click();
  await page.locator('#findings .follow-up', { hasText: 'Implemented' }).waitFor();
  await checkA11y(page, 'operation with findings');
  await screenshot(page, 'returns-operation');
  assert.deepEqual(errors, []);
});

test('grant_instalments_are_planned_and_approved_by_another_person', async () => {
  const { page, errors } = b;
  const c = await server.request('POST', '/api/v1/returns', { token, body: { person_id: person, destination_country: 'PK' } });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id;
  for (const [to, details] of [['eligibility_checked'], ['documents_requested', { embassy: 'Embassy of Pakistan', document_type: 'passport' }],
    ['documents_issued', { embassy: 'Embassy of Pakistan', document_type: 'passport' }], ['fit_to_travel', { medical_clearance: 'fit' }],
    ['travel_booked', { itinerary: 'SJJ-IST-ISB', escort: 'none' }], ['departed', { departure_date: today() }]]) {
    const r = await server.request('POST', `/api/v1/returns/${id}/transitions`, { token, body: { to, details } });
    assert.equal(r.status, 200, r.text);
  }
  const p = await server.request('POST', `/api/v1/returns/${id}/plan`, { token, body: { kind: 'business', budget_eur: 1500, modality: 'cash', partner: 'IOM Islamabad' } });
  assert.equal(p.status, 201, p.text);
  await page.goto(`/returns/cases/${id}`);
  await page.locator('#instalment-form').waitFor();
  await page.locator('#inst-amount').fill('2000');
  await page.locator('#inst-submit').click();
  await page.locator('#instalment-form .field-error:not([hidden])').waitFor();
  assert.match(await page.locator('#instalment-form').textContent(), /budget/);
  await page.locator('#inst-amount').fill('750.50');
  await page.locator('#inst-description').fill('Tools for a repair shop');
  await page.locator('#inst-submit').click();
  await page.locator('#instalments tbody tr').first().waitFor();
  await page.locator('#instalments button', { hasText: 'Approve' }).click();
  await page.locator('#instalment-error:not([hidden])').waitFor();
  assert.match(await page.locator('#instalment-error').textContent(), /Someone other than who planned/);
  await checkA11y(page, 'instalments');
  await screenshot(page, 'returns-instalments');
  // The refusals above (400 over budget, 409 four eyes) are the browser's own console lines.
  assert.deepEqual(errors.filter((e) => !/status of (400|409)/.test(e)), []);
});
