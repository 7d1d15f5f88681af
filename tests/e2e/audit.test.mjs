// The audit log in the browser: an administrator finds that protection files were opened
// (search by actor, action, record type, dates; pages) without learning which (need to
// know, docs/security-auth.md); beside the file and the case "who saw this" says so, in
// three languages; a protection officer sees neither.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

let server, b, personId, caseId;

before(async () => {
  server = await startServer({ demo: true, people: 60 });
  const token = await server.login('protection');
  const sites = await server.request('GET', '/api/v1/sites', { token });
  const lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  const people = await server.request('GET', `/api/v1/persons?site=${lipa}&limit=200`, { token });
  personId = people.body.items.find((p) => p.registration_site_id === lipa).id;
  // The protection officer opens the file and a case: two audited reads.
  let r = await server.request('GET', `/api/v1/persons/${personId}/protection`, { token });
  assert.equal(r.status, 200);
  r = await server.request('POST', '/api/v1/protection/cases', { token, body: { person_id: personId, site_id: lipa } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  caseId = r.body.id;
  r = await server.request('GET', `/api/v1/protection/cases/${caseId}`, { token });
  assert.equal(r.status, 200);
  b = await openBrowser(server.base);
  await login(b.page, server, 'admin');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

const cells = (page) => page.locator('#audit-log tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.innerText)));

test('admin_searches_the_audit_log_by_actor_action_record_and_date', async () => {
  const { page, errors } = b;
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await page.locator('#audit-log tbody tr').first().waitFor();
  await checkA11y(page, 'audit page');

  // Pages: Older goes back in time, Newer returns to the first page.
  const firstSeq = await page.locator('#audit-log tbody tr').first().getAttribute('data-seq');
  assert.equal(await page.locator('#audit-newer').isDisabled(), true);
  await page.locator('#audit-older').click();
  await page.getByText('Page 2,').waitFor();
  const olderSeq = Number(await page.locator('#audit-log tbody tr').first().getAttribute('data-seq'));
  assert.ok(olderSeq < Number(firstSeq));
  await page.locator('#audit-newer').click();
  await page.getByText('Page 1,').waitFor();
  assert.equal(await page.locator('#audit-log tbody tr').first().getAttribute('data-seq'), firstSeq);

  // Who opened protection files: part of the login, the action, the record type.
  await page.getByLabel('Who').fill('PROTEC');
  await page.getByLabel('Action').selectOption('read');
  await page.getByLabel('Record type').fill('protection_file');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#audit-log tbody tr').length === 1);
  const [row] = await cells(page);
  assert.equal(row[1], 'protection');
  assert.equal(row[2], 'Read');
  assert.equal(row[3], 'Protection record (details are need to know)');
  assert.equal(row[4], '—');
  assert.doesNotMatch(await page.locator('#audit-log').innerText(), new RegExp(personId));
  assert.match(page.url(), /actor=PROTEC&action=read&entity=protection_file/);
  await screenshot(page, 'audit');

  // Dates: today finds it, tomorrow finds nothing, an end before the start is refused at the field.
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await page.getByLabel('From').fill(today);
  await page.getByLabel('To').fill(today);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#audit-log tbody tr').length === 1);
  await page.getByLabel('From').fill(tomorrow);
  await page.getByLabel('To').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#audit-none').getByText('No audit entries match this search.').waitFor();
  assert.equal(await page.locator('#audit-log').isVisible(), false);
  await page.getByLabel('From').fill(tomorrow);
  await page.getByLabel('To').fill(today);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#audit-to-error').getByText('Enter an end date that is a date, on or after the start date.').waitFor();
  assert.equal(await page.getByLabel('To').getAttribute('aria-invalid'), 'true');

  // The address keeps the search; Clear shows everything again.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#audit-log tbody tr').length === 50);
  // The refused range is the one failed request chromium logs.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  errors.length = 0;
});

test('admin_is_told_who_saw_a_protection_file_is_need_to_know_in_three_languages', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${personId}/protection`);
  await page.locator('#glass-form').waitFor();
  const panel = page.locator('#who-saw');
  await panel.getByRole('heading', { name: 'Who saw this' }).waitFor();
  await panel.locator('#who-saw-need-to-know').waitFor();
  assert.match(await panel.innerText(), /need to know/);
  assert.equal(await panel.locator('table').count(), 0);
  await checkA11y(page, 'who saw this');

  // After break-glass the administrator reads the file and the case; the case page says
  // the same, in Bosnian and Serbian too.
  await page.locator('#glass-reason').fill('Data protection officer review 12/2026');
  await page.locator('#glass-submit').click();
  await page.locator('#glass-form').waitFor({ state: 'detached' });
  await page.goto(`/protection/cases/${caseId}`);
  await page.locator('#who-saw-need-to-know').waitFor();
  await page.locator('#who-saw').scrollIntoViewIfNeeded();
  await screenshot(page, 'who-saw-this');
  await page.locator('#locale-select').selectOption('bs');
  await page.getByRole('heading', { name: 'Ko je ovo vidio' }).waitFor();
  assert.match(await page.locator('#who-saw').innerText(), /samo za one kojima je potrebna/);
  await page.locator('#locale-select').selectOption('sr-Cyrl');
  await page.getByRole('heading', { name: 'Ко је ово видео' }).waitFor();
  assert.match(await page.locator('#who-saw').innerText(), /само за оне којима је потребна/);
  await page.locator('#locale-select').selectOption('en');
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  assert.deepEqual(errors, []);
});

test('a_protection_officer_has_no_audit_page_nor_who_saw_this', async () => {
  const o = await openBrowser(server.base);
  try {
    await login(o.page, server, 'protection');
    await o.page.goto(`/protection/cases/${caseId}`);
    await o.page.locator('#case-h').waitFor();
    assert.equal(await o.page.locator('#who-saw').count(), 0);
    assert.equal(await o.page.getByRole('link', { name: 'Audit log' }).count(), 0);
    await o.page.goto('/audit');
    await o.page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    assert.deepEqual(o.errors, []);
  } finally {
    await o.browser.close();
  }
});
