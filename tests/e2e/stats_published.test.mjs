// Statistics as the statistician reads them: "published" explained beside the figures
// (rounded to base 5, and why), the comparison chart of the ten largest citizenships
// (by value, not by code), and a month's JSON export without its zeros.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b, token;
const now = new Date();
const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;

before(async () => {
  server = await startServer({ demo: true, people: 300 });
  token = await server.login('statistician');
  b = await openBrowser(server.base);
  await login(b.page, server, 'statistician');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('published_is_explained_and_the_chart_shows_the_ten_largest', async () => {
  const { page, errors } = b;
  await page.goto(`/stats?period=${period}`);
  await page.getByRole('button', { name: 'Compute from case data' }).click();
  await page.locator('#stats-table tr[data-indicator="ARR"]').waitFor();
  const note = await page.locator('#stats-published-note').innerText();
  assert.match(note, /rounded to the nearest multiple of 5, totals included \(124 is published as 125, 17 as 15\)/);
  assert.match(note, /cells under 5 are hidden instead/);
  assert.match(await page.locator('#stats-table tr[data-indicator="VUL_RISK"] td.published').innerText(), /\(rounded to 5\)$/);
  assert.doesNotMatch(await page.locator('#stats-table tr[data-indicator="ARR"] td.published').innerText(), /rounded/);

  // A neighbour with many small citizenships early in the alphabet and two large ones
  // late in it (the Pakistan and Syria, 91 each): arrivals only, a complete cube.
  const figures = { AD: 15, AE: 15, AG: 6, AL: 6, AM: 6, AO: 6, AR: 6, AT: 6, AU: 6, AZ: 6, BB: 6, PK: 91, SY: 91 };
  const sexes = ['F', 'M', 'UNK', 'T'];
  const ages = ['Y_LT14', 'Y14-17', 'Y18-34', 'Y35-64', 'Y_GE65', 'UNK', 'TOTAL'];
  const lines = ['DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS'];
  const sum = Object.values(figures).reduce((x, y) => x + y, 0);
  for (const [code, n] of [...Object.entries(figures), ['TOTAL', sum]]) {
    for (const sex of sexes) for (const age of ages) {
      const v = (sex === 'M' || sex === 'T') && (age === 'Y18-34' || age === 'TOTAL') ? n : 0;
      lines.push(`HAVEN:MIGR_WB(1.0),M,RS,ARR,${code},${sex},${age},PER,${period},${v},A,F`);
    }
  }
  await page.getByLabel('File in the regional exchange format').setInputFiles({
    name: 'rs.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/Imported [\d,]+ cells of RS for/).waitFor();

  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.locator('#stats-compare-table').waitFor();
  // Every citizenship with its largest figure, from the full table.
  const all = await page.locator('#stats-compare-table tbody tr').evaluateAll((rows) => rows
    .filter((r) => r.dataset.citizen !== 'TOTAL')
    .map((r) => ({ c: r.dataset.citizen, v: Math.max(0, ...[...r.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/[.,\s]/g, '')) || 0)) })));
  assert.ok(all.length > 10, `only ${all.length} citizenships`);
  // The one table is largest first, the total on top, and the chart's ten are its first ten.
  assert.equal(await page.locator('#stats-compare-table tbody tr').first().getAttribute('data-citizen'), 'TOTAL');
  const sorted = [...all].sort((a, b) => b.v - a.v || (a.c < b.c ? -1 : 1));
  assert.deepEqual(all.map((x) => x.c), sorted.map((x) => x.c));
  const names = await page.locator('#stats-compare-table tbody tr:not([data-citizen="TOTAL"]) th').allInnerTexts();
  const label = await page.locator('#stats-compare canvas').getAttribute('aria-label');
  assert.equal(label, `ARR by citizenship, the ten largest (BA, RS): ${names.slice(0, 10).join(', ')}`);
  assert.match(label, /Pakistan, Syria/);
  const byCode = [...all].sort((a, b) => (a.c < b.c ? -1 : 1)).slice(0, 10).map((x) => x.c);
  assert.notDeepEqual(sorted.slice(0, 10).map((x) => x.c), byCode, 'the ten first by code happen to be the ten largest: the test proves nothing');
  // The figures once as a chart and once as a table: no second, collapsed copy.
  assert.equal(await page.locator('#stats-compare-result table').count(), 1);
  assert.equal(await page.locator('#stats-compare-result details').count(), 0);
  assert.equal(await page.locator('#stats-compare-note').innerText(),
    'The chart shows the ten largest citizenships; the table below lists every citizenship, largest first.');
  await checkA11y(page, 'comparison');
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
});

test('a_months_json_export_holds_the_figures_not_the_zeros', async () => {
  const r = await server.request('GET', `/api/v1/stats/${period}/export?format=json`, { token });
  assert.equal(r.status, 200);
  assert.equal(r.body.omitted, 'zero');
  const cells = r.body.indicators.flatMap((i) => i.cells);
  assert.ok(cells.length > 0);
  assert.equal(cells.filter((c) => c.value === 0 && c.obs_status === 'A' && c.conf_status === 'F').length, 0);
  assert.ok(!r.text.includes('\n '), 'the export is compact');
  // Against the SDMX-CSV of the same month (whole administration only, zeros kept), the
  // JSON with its per-site tables is no longer many times larger.
  const csv = await server.request('GET', `/api/v1/stats/${period}/export?format=sdmx-csv`, { token });
  assert.ok(r.text.length < csv.text.length * 1.5, `json ${r.text.length} bytes, csv ${csv.text.length}`);
});
