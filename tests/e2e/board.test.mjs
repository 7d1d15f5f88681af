// The site board with 1,500 people checked in: a page at a time, fast; search, sort,
// next page, check-out from the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login } from './browser.mjs';

const PEOPLE = 1500;
let server, b, token, site;

before(async () => {
  server = await startServer({ demo: true, people: 50 });
  token = await server.login('admin');
  site = (await server.request('POST', '/api/v1/sites', { token, body: {
    name: 'TRC Board Test', code: 'BRD', kind: 'temporary_reception_centre', capacity: 2000 } })).body;
  const given = ['Ali', 'Omar', 'Hamid', 'Karim', 'Sami', 'Nabil', 'Yusuf', 'Bilal', 'Tariq', 'Zaid'];
  let next = 0;
  async function worker() {
    while (next < PEOPLE) {
      const i = next++;
      const r = await server.request('POST', '/api/v1/persons', { token, body: {
        given_name: given[i % given.length], family_name: `Board${String(i).padStart(4, '0')}`, sex: 'M',
        citizenship: 'AF', site_id: site.id, check_in: true, bed: `B${Math.floor(i / 10)}-${i % 10}` } });
      if (r.status !== 201) throw new Error(r.text);
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker));
  b = await openBrowser(server.base);
  await login(b.page, server, 'admin');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('board_of_1500_people_pages_searches_sorts_and_checks_out', async () => {
  const { page, errors } = b;
  const started = Date.now();
  await page.goto(`/sites/${site.id}`);
  await page.locator('#residents tbody tr').first().waitFor();
  const ms = Date.now() - started;
  assert.ok(ms < 5000, `first page of the board took ${ms} ms`);
  console.log(`# first page of 1,500: ${ms} ms`);
  assert.equal(await page.locator('#residents tbody tr').count(), 50);
  assert.equal(await page.locator('#board-count').innerText(), 'Showing 1–50 of 1,500');
  assert.match(await page.locator('#board-figures').innerText(), /1,500 present · 2,000 beds · 500 free/);

  await page.getByRole('button', { name: 'Next page' }).click();
  await page.locator('#board-count', { hasText: 'Showing 51–100 of 1,500' }).waitFor();
  assert.match(page.url(), /page=1/);

  await page.getByRole('button', { name: 'Bed' }).click();
  await page.locator('#board-count', { hasText: 'Showing 1–50 of 1,500' }).waitFor();
  assert.equal(await page.locator('th[aria-sort]').getAttribute('aria-sort'), 'ascending');
  await page.getByRole('button', { name: 'Bed' }).click();
  await page.locator('th[aria-sort="descending"]').waitFor();

  await page.getByLabel('Find a resident').fill('Board0777');
  await page.locator('#board-count', { hasText: 'Showing 1–1 of 1' }).waitFor();
  const row = page.locator('#residents tbody tr');
  assert.match(await row.innerText(), /Board0777/);
  await row.getByRole('button', { name: /Check out/ }).click();
  await page.getByLabel('Reason').selectOption('transferred');
  await page.getByLabel('Note (optional)').fill('to TRC Lipa');
  await page.locator('#checkout-confirm').click();
  await page.locator('td', { hasText: 'No resident matches.' }).waitFor();
  await page.getByLabel('Find a resident').fill('');
  await page.locator('#board-count', { hasText: 'Showing 1–50 of 1,499' }).waitFor();
  assert.match(await page.locator('#board-figures').innerText(), /1,499 present/);
  assert.deepEqual(errors, []);
});
