// Interpreting in the browser: the coordinator adds a request, runs the schedule and
// reads why a request stays unserved; the interpreter confirms an assignment and makes
// a calendar address; every page in the three languages, axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, coord, interp;

before(async () => {
  server = await startServer({ demo: true, people: 20 });
  coord = await openBrowser(server.base);
  await login(coord.page, server, 'interp_coord');
  interp = await openBrowser(server.base);
  await login(interp.page, server, 'interp');
});
after(async () => {
  await coord?.browser.close();
  await interp?.browser.close();
  await server.stop();
});

test('coordinator_adds_a_request_and_runs_the_schedule_with_reasons', async () => {
  const { page, errors } = coord;
  await page.goto('/interp');
  await page.getByRole('heading', { level: 1, name: 'Interpreting' }).waitFor();
  await page.locator('#interp-requests').waitFor();
  const before = await page.locator('#interp-requests tbody tr').count();
  assert.ok(before >= 15, `demo requests listed: ${before}`);
  await checkA11y(page, 'interpreting (coordinator)');

  // A request nobody can serve: no interpreter speaks Amharic.
  await page.locator('#new-unit').fill('Asylum department');
  await page.locator('#new-language').fill('am');
  await page.locator('#new-submit').click();
  await page.locator('#interp-requests tbody tr').nth(before).waitFor();
  // A bad language is refused next to its field.
  await page.locator('#new-unit').fill('Asylum department');
  await page.locator('#new-language').fill('zz-nope');
  await page.locator('#new-submit').click();
  await page.locator('[data-field="language"] .field-error:not([hidden])').waitFor();

  await page.locator('#interp-run-button').click();
  await page.locator('#interp-run-summary').waitFor();
  assert.match(await page.locator('#interp-run-summary').innerText(), /^\d+ of \d+ requests served \(first come, first served would serve \d+\)\.$/);
  const amharic = page.locator('#interp-unserved li[data-reason="no_language"]');
  assert.ok((await amharic.count()) >= 1);
  assert.match(await page.locator('#interp-unserved').innerText(), /No interpreter speaks Amharic\./);
  assert.ok(await page.locator('#interp-requests tbody tr', { hasText: 'Proposed' }).count() > 0);
  await checkA11y(page, 'interpreting after a run');

  for (const locale of ['bs', 'sr-Cyrl']) {
    await page.locator('#locale-select').selectOption(locale);
    await page.locator('#interp-requests').waitFor();
    const body = await page.locator('main').innerText();
    assert.ok(!/\binterp\.[a-z_.]+/.test(body), `${locale} shows a message key`);
    await checkA11y(page, `interpreting in ${locale}`);
  }
  await page.locator('#locale-select').selectOption('en');
  // The one 400 is the refused language above, shown beside its field.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
});

test('interpreter_confirms_an_assignment_and_makes_a_calendar_address', async () => {
  const { page, errors } = interp;
  await page.goto('/interp/mine');
  await page.getByRole('heading', { level: 1, name: 'My interpreting' }).waitFor();
  await page.locator('#interp-mine').waitFor();
  await checkA11y(page, 'my interpreting');
  const confirm = page.locator('#interp-mine button[data-confirm]').first();
  const id = await confirm.getAttribute('data-confirm');
  await confirm.click();
  await page.locator(`#interp-mine tr[data-id="${id}"]`, { hasText: 'Confirmed' }).waitFor();

  await page.locator('#feed-make').click();
  const url = await page.locator('#feed-url').inputValue();
  assert.match(url, /\/api\/v1\/interp\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
  const ics = await (await fetch(url)).text();
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics, /STATUS:CONFIRMED\r\n/);
  await page.locator('#feed-revoke').click();
  await page.locator('#feed-revoked').waitFor();
  assert.equal((await fetch(url)).status, 404);

  for (const locale of ['bs', 'sr-Cyrl']) {
    await page.locator('#locale-select').selectOption(locale);
    await page.locator('#interp-mine').waitFor();
    assert.ok(!/\binterp\.[a-z_.]+/.test(await page.locator('main').innerText()), `${locale} shows a message key`);
    await checkA11y(page, `my interpreting in ${locale}`);
  }
  await page.locator('#locale-select').selectOption('en');
  // The coordinator's page is not the interpreter's.
  await page.goto('/interp');
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await page.locator('#interp-requests').count(), 0);
  assert.deepEqual(errors, []);
});
