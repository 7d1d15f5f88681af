// The dashboard's numbers open the lists behind them: arrivals, departures, average
// stay and each citizenship lead to the stays list, filtered as the number counts, with
// chips saying what is filtered; each row leads to the person.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b;

before(async () => {
  server = await startServer({ demo: true, people: 400 });
  b = await openBrowser(server.base);
  await login(b.page, server, 'admin');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

const number = (text) => Number(text.replace(/[^\d]/g, ''));

async function dashboard(page) {
  await page.goto('/');
  await page.locator('#kpi-arrivals a').waitFor();
  await page.waitForLoadState('networkidle');
}

// The total the stays list shows ("Showing 1–50 of 101"), once the list of the filters
// in the address has come (the address changes before the answer does).
async function listTotal(page) {
  await page.locator('#stays-count[aria-busy="false"]').filter({ hasText: /\d/ }).waitFor();
  return number((await page.locator('#stays-count').innerText()).split(/\s/).at(-1));
}

test('arrivals_departures_and_average_stay_open_their_lists', async () => {
  const { page, errors } = b;
  await dashboard(page);
  const arrivals = number(await page.locator('#kpi-arrivals .kpi-value').innerText());
  await page.locator('#kpi-arrivals a').click();
  await page.getByRole('heading', { level: 1, name: 'Stays' }).waitFor();
  assert.match(page.url(), /\/stays\?arrived_from=\d{4}-\d\d-\d\d&arrived_to=\d{4}-\d\d-\d\d$/);
  assert.equal(await listTotal(page), arrivals);
  assert.match(await page.locator('#stay-filters').innerText(), /Arrived: .+ – .+/);
  await checkA11y(page, 'stays list (arrivals)');

  // Each row leads to the person.
  const link = page.locator('#stays tbody tr').first().getByRole('link');
  const name = await link.innerText();
  await link.click();
  await page.locator('#person-name').waitFor();
  assert.equal(await page.locator('#person-name').innerText(), name);
  await page.goBack();
  await page.locator('#stays tbody tr').first().waitFor();

  await dashboard(page);
  const departures = number(await page.locator('#kpi-departures .kpi-value').innerText());
  await page.locator('#kpi-departures a').click();
  assert.equal(await listTotal(page), departures);
  assert.match(await page.locator('#stay-filters').innerText(), /Left: /);
  // Every stay listed ended; the latest check-out comes first.
  assert.equal(await page.locator('#stays tbody .badge-ok').count(), 0);

  await dashboard(page);
  const avgHref = await page.locator('#kpi-stay a').getAttribute('href');
  assert.equal(avgHref, await page.locator('#kpi-departures a').getAttribute('href'));
  assert.deepEqual(errors, []);
});

test('each_citizenship_opens_the_arrivals_of_that_citizenship', async () => {
  const { page, errors } = b;
  await dashboard(page);
  const table = page.locator('section[aria-labelledby="cit-h"] details.data-table');
  await table.locator('summary').click();
  // The name, the figure and the link of one row, read at once.
  const [country, figure, href] = await table.locator('tbody tr').nth(1)
    .evaluate((tr) => [tr.querySelector('th').innerText, tr.querySelector('td').innerText, tr.querySelector('td a').getAttribute('href')]);
  const arrivals = number(figure);
  await table.locator(`tbody tr td a[href="${href}"]`).click();
  await page.waitForURL((u) => u.pathname + u.search === href);
  assert.match(page.url(), /citizenship=[A-Z]{2}/);
  const total = await listTotal(page);
  if (total !== arrivals) {
    // Say what the server answers now, so that a failure can be told apart from a race.
    const q = new URL(href, server.base).searchParams;
    const now = await page.evaluate(async ([from, to, c]) => {
      const sum = await (await fetch(`/api/v1/summary?from=${from}&to=${to}`)).json();
      const list = await (await fetch(`/api/v1/stays?arrived_from=${from}&arrived_to=${to}&citizenship=${c}&limit=1`)).json();
      return { top: sum.top_citizenships, listed: list.total, at: new Date().toISOString() };
    }, [q.get('arrived_from'), q.get('arrived_to'), q.get('citizenship')]);
    assert.fail(`${country}: the dashboard said ${arrivals}, the list shows ${total} (${href}); now: ${JSON.stringify(now)}`);
  }
  assert.match(await page.locator('#stay-filters').innerText(), new RegExp(`Citizenship: ${country}`));
  const shown = await page.locator('#stays tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(shown.length > 0 && shown.every((c) => c === country), shown.join(', '));

  // Removing a chip removes that filter only; "Clear all filters" the rest.
  await page.getByRole('button', { name: `Remove filter: Citizenship: ${country}` }).click();
  await page.waitForURL((u) => !u.search.includes('citizenship'));
  assert.match(page.url(), /arrived_from=/);
  assert.ok(await listTotal(page) >= arrivals);
  await page.getByRole('button', { name: 'Clear all filters' }).click();
  await page.waitForURL((u) => u.search === '');
  await page.getByText('No filter: all stays at your sites.').waitFor();

  // The site and status pickers filter too, with a chip each.
  await page.getByLabel('Status').selectOption('true');
  await page.getByLabel('Site').selectOption({ label: 'TRC Lipa' });
  await page.waitForURL(/site=.*open=true|open=true.*site=/);
  assert.match(await page.locator('#stay-filters').innerText(), /Site: TRC Lipa[\s\S]*Checked in now/);
  const present = await listTotal(page);
  await dashboard(page);
  const shownAtLipa = number(await page.locator('#site-occupancy tr[data-site="LIP"] td.present').innerText());
  if (shownAtLipa !== present) {
    assert.fail(`dashboard ${shownAtLipa}, list ${present}; url ${page.url()}; table: ${await page.locator('#site-occupancy').innerText()}`);
  }
  await checkA11y(page, 'dashboard');
  assert.deepEqual(errors, []);
});

test('a_filter_the_server_refuses_is_explained_and_can_be_removed', async () => {
  const { page } = b;
  await page.goto('/stays?arrived_from=2024-13-01');
  await page.locator('#stays-error').waitFor();
  assert.match(await page.locator('#stays-error').innerText(), /arrival dates of this list are not valid/);
  assert.match(await page.locator('#stay-filters').innerText(), /Arrived: from 2024-13-01/);
  await checkA11y(page, 'stays list (refused filter)');
  await page.getByRole('button', { name: /Remove filter: Arrived/ }).click();
  await page.locator('#stays tbody tr a').first().waitFor();
  assert.equal(await page.locator('#stays-error').isHidden(), true);
});
