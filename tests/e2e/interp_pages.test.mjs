// Interpreting, the coordinator's second round of pages: a no-show recorded on last
// week's schedule, the hours report (table, CSV, phone width), and an interpreter
// created and edited with every form error shown at once; each page in the three
// languages, axe clean. Takes the README's pictures of scheduling and of the report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

let server, coord;

const ymd = (d) => d.toISOString().slice(0, 10);
// Monday and Friday of last week (UTC): the demo has it done.
function lastWeek() {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) - 7);
  const fri = new Date(d);
  fri.setUTCDate(d.getUTCDate() + 4);
  return [ymd(d), ymd(fri)];
}

before(async () => {
  server = await startServer({ demo: true, people: 20 });
  coord = await openBrowser(server.base);
  await login(coord.page, server, 'interp_coord');
});
after(async () => {
  await coord?.browser.close();
  await server.stop();
});

async function noKeys(page, locale) {
  const body = await page.locator('main').innerText();
  assert.ok(!/\b(interp|errors)\.[a-z_.]+/.test(body), `${locale} shows a message key`);
}

test('a_no_show_is_recorded_on_last_weeks_schedule', async () => {
  const { page, errors } = coord;
  const [from, to] = lastWeek();
  await page.goto(`/interp?from=${from}&to=${to}`);
  await page.locator('#interp-requests').waitFor();
  const before = await page.locator('#interp-requests [data-noshow]').count();
  assert.ok(before > 0, 'last week has assignments');
  const button = page.locator('#interp-requests button[data-noshow]').first();
  const id = await button.getAttribute('data-noshow');
  await button.click();
  await page.locator('#noshow-form').waitFor();
  await checkA11y(page, 'no-show form');
  // Other needs a note: refused beside the note, nothing recorded.
  await page.locator('#noshow-who-client').check();
  await page.locator('#noshow-reason').selectOption('other');
  await page.locator('#noshow-submit').click();
  await page.locator('[data-field="note"] .field-error:not([hidden])').waitFor();
  await page.locator('#noshow-note').fill('Went to the hospital in Bihać');
  await page.locator('#noshow-submit').click();
  await page.locator('#noshow-form').waitFor({ state: 'detached' });
  // The list is drawn again: the assignment's button gives way to its no-show.
  await page.locator(`#interp-requests button[data-noshow="${id}"]`).waitFor({ state: 'detached' });
  const row = page.locator('#interp-requests tr', { has: page.locator('span[data-noshow="client"]') });
  assert.ok(await row.count() >= 1);
  await checkA11y(page, 'schedule with a no-show');
  // Keyboard: the next no-show button is reached and opened with the keyboard.
  await page.locator('#interp-requests button[data-noshow]').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('#noshow-form').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'noshow-who-interpreter');
  await page.getByRole('button', { name: 'Cancel' }).click();
  // Recorded on the wrong assignment: withdrawn with a reason, the button comes back.
  await page.locator(`#interp-requests button[data-withdraw="${id}"]`).click();
  await page.locator('#withdraw-form').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'withdraw-reason');
  await page.locator('#withdraw-submit').click();
  await page.locator('#withdraw-form [data-field="reason"] .field-error:not([hidden])').waitFor();
  await page.locator('#withdraw-reason').fill('Recorded on the wrong assignment');
  await page.locator('#withdraw-submit').click();
  await page.locator('#withdraw-form').waitFor({ state: 'detached' });
  await page.locator(`#interp-requests button[data-noshow="${id}"]`).waitFor();
  // The 400s are the refused note and the empty reason.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  errors.length = 0;
});

test('hours_report_table_csv_phone_and_languages', async () => {
  const { page, errors } = coord;
  await page.goto('/interp/hours');
  await page.getByRole('heading', { level: 1, name: 'Interpreting hours' }).waitFor();
  await page.locator('#hours-rows').waitFor();
  assert.ok(await page.locator('#hours-rows tbody tr').count() > 3, 'demo months, sites and languages');
  const hours = Number((await page.locator('#kpi-hours .kpi-value').innerText()).replace(/[^\d.]/g, ''));
  assert.ok(hours > 10, `hours ${hours}`);
  assert.ok(await page.locator('#hours-noshows tbody tr').count() >= 1, 'interpreters with no-shows');
  await checkA11y(page, 'hours report');
  await screenshot(page, 'interp-hours');

  // The CSV is the table.
  const href = await page.locator('#hours-csv').getAttribute('href');
  const res = await page.request.get(href);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/csv/);
  const lines = (await res.text()).trim().split('\r\n');
  assert.equal(lines[0], 'month,site,language,assignments,hours,interpreter_no_shows,client_no_shows');
  assert.equal(lines.length - 1, await page.locator('#hours-rows tbody tr').count());

  // A bad range is refused beside the field, by keyboard.
  await page.locator('#hours-to').fill('2001-01-01');
  await page.locator('#hours-to').press('Enter');
  await page.locator('[data-field="to"] .field-error:not([hidden])').waitFor();
  await page.locator('#hours-to').fill(ymd(new Date()));
  await page.locator('#hours-to').press('Enter');
  await page.locator('#hours-rows').waitFor();

  for (const locale of ['bs', 'sr-Cyrl']) {
    await page.locator('#locale-select').selectOption(locale);
    await page.locator('#hours-rows').waitFor();
    await noKeys(page, locale);
    await checkA11y(page, `hours report in ${locale}`);
  }
  await page.locator('#locale-select').selectOption('en');
  await page.locator('#hours-rows').waitFor();

  // A phone: nothing wider than the screen but the tables' own scrolling.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.locator('#hours-rows').waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `page ${wide}px wider than the phone`);
  await checkA11y(page, 'hours report on a phone');
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  errors.length = 0;
});

test('interpreter_created_and_edited_with_all_errors_at_once', async () => {
  const { page, errors } = coord;
  await page.goto('/interp/interpreters');
  await page.locator('#interp-people').waitFor();
  const count = await page.locator('#interp-people tbody tr').count();
  assert.ok(count >= 8);
  await checkA11y(page, 'interpreters');
  await page.locator('#interp-new-person').click();
  await page.locator('#person-form').waitFor();
  await checkA11y(page, 'new interpreter');

  // Four problems at once: no name, no gender, a language row without a language, hours
  // ending before they start, a currency that is not a code.
  await page.locator('#person-weekly [data-role="to"]').first().fill('08:00');
  await page.locator('#person-currency').fill('KM');
  await page.locator('#person-submit').click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  for (const f of ['name', 'gender', 'languages', 'weekly', 'currency']) {
    await page.locator(`[data-field="${f}"] .field-error:not([hidden])`).first().waitFor();
  }
  assert.equal(await summary.locator('li').count(), 5);
  await checkA11y(page, 'new interpreter with errors');
  for (const locale of ['bs', 'sr-Cyrl']) {
    await page.locator('#locale-select').selectOption(locale);
    await page.locator('#person-submit', { hasText: locale === 'bs' ? 'Dodaj prevodioca' : 'Додај преводиоца' }).waitFor();
    await noKeys(page, locale);
    await page.locator('#person-submit').click();
    await page.locator('.error-summary').waitFor();
    await noKeys(page, locale);
    await checkA11y(page, `interpreter form in ${locale}`);
  }
  await page.locator('#locale-select').selectOption('en');
  await page.locator('#person-submit', { hasText: 'Add interpreter' }).waitFor();

  await page.locator('#person-name').fill('Leila Ahmadi');
  await page.locator('#person-gender').selectOption('F');
  await page.locator('#person-languages [data-role="code"]').first().selectOption('ps');
  await page.locator('#person-languages [data-role="level"]').first().selectOption('native');
  await page.locator('#person-add-language').click();
  await page.locator('#person-languages [data-role="code"]').nth(1).selectOption('fa');
  await page.locator('#person-languages [data-role="dialect"]').nth(1).fill('Dari');
  await page.locator('#person-remote-video').check();
  await page.locator('#person-tz').fill('Asia/Kabul');
  await page.locator('#person-currency').fill('EUR');
  await page.locator('#person-rate').fill('30');
  // The server knows time zones: a made-up one comes back at its field.
  await page.locator('#person-tz').fill('Mars/Olympus');
  await page.locator('#person-submit').click();
  await page.locator('[data-field="time_zone"] .field-error:not([hidden])').waitFor();
  await page.locator('#person-tz').fill('Asia/Kabul');
  await page.locator('#person-submit').click();
  await page.locator('#interp-people').waitFor();
  const row = page.locator('#interp-people tbody tr', { hasText: 'Leila Ahmadi' });
  await row.waitFor();
  assert.match(await row.innerText(), /Pashto \(native\)/);

  // Edit: another name, Monday's hours removed, back in the list.
  await row.getByRole('link', { name: 'Leila Ahmadi' }).click();
  await page.locator('#person-form').waitFor();
  assert.equal(await page.locator('#person-name').inputValue(), 'Leila Ahmadi');
  assert.equal(await page.locator('#person-languages [data-role="dialect"]').nth(1).inputValue(), 'Dari');
  await page.locator('#person-name').fill('Leila Ahmadi-Noori');
  await page.locator('#person-weekly').getByRole('button').first().click();
  await page.locator('#person-submit').click();
  await page.locator('#interp-people').waitFor();
  const edited = page.locator('#interp-people tbody tr', { hasText: 'Leila Ahmadi-Noori' });
  await edited.waitFor();
  assert.doesNotMatch(await edited.innerText(), /Monday/);
  assert.equal(await page.locator('#interp-people tbody tr').count(), count + 1);

  // On a phone the form fits the screen.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/interp/interpreters/new');
  await page.locator('#person-form').waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 1, `form ${wide}px wider than the phone`);
  await checkA11y(page, 'interpreter form on a phone');
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
});

test('scheduling_page_picture', async () => {
  const { page } = coord;
  await page.goto('/interp');
  await page.locator('#interp-requests').waitFor();
  await page.locator('#interp-run-button').click();
  await page.locator('#interp-run-summary').waitFor();
  await page.locator('#interp-run').scrollIntoViewIfNeeded();
  await screenshot(page, 'interp-schedule');
});
