// The Statistics page: a statistician computes the month from the demo data, checks the
// rules, finds the export links, imports a neighbour's file (and a broken one), and
// compares the two administrations; other roles do not see the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot, navTo } from './browser.mjs';

let server, stat, registrar, token;
const now = new Date();
const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;

before(async () => {
  server = await startServer({ demo: true, people: 300 });
  token = await server.login('statistician');
  [stat, registrar] = await Promise.all([openBrowser(server.base), openBrowser(server.base)]);
  await login(stat.page, server, 'statistician');
  await login(registrar.page, server, 'registrar');
});
after(async () => {
  for (const b of [stat, registrar]) await b?.browser.close();
  await server.stop();
});

test('statistician_computes_checks_exports_imports_and_compares', async () => {
  const { page, errors } = stat;
  await navTo(page, 'Statistics');
  await page.locator('main h1', { hasText: 'Statistics' }).waitFor();
  await page.getByLabel('Period').fill(period);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('#stats-empty').waitFor();

  await page.getByRole('button', { name: 'Compute from case data' }).click();
  const arr = page.locator('#stats-table tr[data-indicator="ARR"]');
  await arr.waitFor();
  assert.ok(Number((await arr.locator('td.total').innerText()).replace(/,/g, '')) > 0);
  assert.equal(await page.locator('#stats-table tr[data-indicator="ACC_EOP"]').count(), 1);
  assert.match(page.url(), new RegExp(`/stats\\?period=${period}$`));

  await page.getByRole('button', { name: 'Check the rules' }).click();
  await page.locator('#stats-val-summary').waitFor();
  assert.match(await page.locator('#stats-val-summary').innerText(), / 0 errors/);

  const csvLink = page.getByRole('link', { name: 'SDMX-CSV' });
  assert.equal(await csvLink.getAttribute('href'), `/api/v1/stats/${period}/export?format=sdmx-csv`);
  assert.equal(await page.getByRole('link', { name: 'XLSX' }).getAttribute('href'), `/api/v1/stats/${period}/export?format=xlsx`);

  const csv = (await server.request('GET', `/api/v1/stats/${period}/export?format=sdmx-csv`, { token })).text;
  const neighbour = csv.replaceAll(',BA,', ',RS,');
  await page.getByLabel('File in the regional exchange format').setInputFiles({ name: 'rs.csv', mimeType: 'text/csv', buffer: Buffer.from(neighbour) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/Imported [\d,]+ cells of RS for/).waitFor();

  const broken = neighbour.replace(',RS,ARR,', ',RS,NOPE,');
  await page.getByLabel('File in the regional exchange format').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('#stats-import-errors').waitFor();
  assert.match(await page.locator('#stats-import-errors tbody tr').first().innerText(), /2\s+4\s+INDICATOR\s+Unknown INDICATOR code: NOPE\./);
  assert.match(await page.getByRole('alert').last().innerText(), /Nothing was imported/);

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.locator('#stats-compare-table').waitFor();
  const head = await page.locator('#stats-compare-table thead').innerText();
  assert.match(head, /BA/);
  assert.match(head, /RS/);
  const total = page.locator('#stats-compare-table tr[data-citizen="TOTAL"] td');
  assert.equal(await total.nth(0).innerText(), await total.nth(1).innerText());
  await page.locator('#stats-compare canvas').waitFor();
  await checkA11y(page, 'statistics');
  // At 200% zoom of a 1366x768 screen nothing but the tables' own boxes scrolls sideways.
  await page.setViewportSize({ width: 683, height: 384 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.ok(overflow <= 1, `the statistics page scrolls sideways by ${overflow}px at 200% zoom`);
  await screenshot(page, 'statistics');
  // The broken file's 400 is the answer the page shows; chromium logs it anyway.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  assert.equal(errors.length, 1);
});

test('the_page_is_for_statisticians_and_admins_only', async () => {
  const { page } = registrar;
  assert.equal(await page.getByRole('link', { name: 'Statistics', includeHidden: true }).count(), 0);
  await page.goto('/stats');
  await page.locator('main h1').waitFor();
  assert.match(await page.locator('main h1').innerText(), /not allowed|permission|Not allowed/i);
});
