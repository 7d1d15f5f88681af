// Dates and numbers as a Bosnian or Serbian reader expects them, in a browser that
// has no Bosnian date data of its own (Chromium): what the page shows, not the keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login } from './browser.mjs';

let server, b;

before(async () => {
  server = await startServer({ demo: true, people: 1600 });
  b = await openBrowser(server.base);
  await login(b.page, server, 'admin');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

async function dashboardIn(locale) {
  await b.page.locator('#locale-select').selectOption(locale);
  await b.page.locator(`html[lang="${locale}"]`).waitFor();
  await b.page.waitForLoadState('networkidle');
  await b.page.goto('/');
  await b.page.locator(`html[lang="${locale}"]`).waitFor();
  await b.page.locator('#kpi-present').waitFor();
  await b.page.waitForLoadState('networkidle');
  return b.page.locator('main').innerText();
}

test('bosnian_dates_and_numbers_are_written_the_bosnian_way', async () => {
  const text = await dashboardIn('bs');
  assert.doesNotMatch(text, /\bM1[0-2]\b|\bM0?[1-9]\b/, 'a month shown as M11 (no locale data)');
  // Chart labels and the capacity figure: "5. nov", "1.500"-style thousands.
  const capacity = await b.page.locator('#kpi-present').innerText();
  assert.match(capacity, /\d\.\d{3}/, `thousands separated by a dot: ${capacity}`);
  const day = await b.page.evaluate(async () => (await import('/js/i18n.js')).fmtDate('2026-11-05'));
  assert.equal(day, '5. nov 2026.');
});

test('serbian_cyrillic_dates_use_cyrillic_month_names', async () => {
  await dashboardIn('sr-Cyrl');
  const day = await b.page.evaluate(async () => (await import('/js/i18n.js')).fmtDate('2026-11-05'));
  assert.equal(day, '5. нов 2026.');
  await b.page.locator('#locale-select').selectOption('en');
});
