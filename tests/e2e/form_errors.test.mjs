// Form errors as the registrar sees them: every problem at once, an error summary at
// the top whose links move to the fields, an error that goes when its field is fixed,
// and birth-date errors that ask for what "year only" and "estimated age" take.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b;

before(async () => {
  server = await startServer({ demo: true, people: 30 });
  b = await openBrowser(server.base);
  await login(b.page, server, 'registrar');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

const visibleErrors = (page) => page.locator('#register-form .field-error:not([hidden])').allInnerTexts();

test('all_errors_at_once_with_a_summary_whose_links_reach_the_fields', async () => {
  const { page, errors } = b;
  await page.goto('/register');
  await page.locator('#register-form').waitFor();
  await page.locator('#register-submit').click();
  const summary = page.locator('#register-form .error-summary');
  await summary.waitFor();
  assert.equal(await summary.getByRole('heading').innerText(), 'There are 4 problems in this form:');
  assert.deepEqual(await summary.locator('li').allInnerTexts(), [
    'Enter the given name.', 'Enter the family name.', 'Choose male, female or other/unknown.',
    "Choose a citizenship from the list (type a few letters). Use 'Unknown' if not known.",
  ]);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true);
  assert.equal((await visibleErrors(page)).length, 4);
  await checkA11y(page, 'error summary');

  // A link moves to its field; fixing the field takes its error and its line away.
  await summary.getByRole('link', { name: 'Enter the family name.' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.name), 'family_name');
  await page.keyboard.type('Karimi');
  assert.equal(await page.getByLabel('Family name').getAttribute('aria-invalid'), null);
  assert.equal((await visibleErrors(page)).length, 3);
  assert.equal(await summary.locator('li').count(), 3);
  assert.ok(!(await visibleErrors(page)).includes('Enter the family name.'));
  await page.getByLabel('Given name').fill('Reza');
  await page.getByLabel('Male', { exact: true }).check();
  await page.getByLabel('Citizenship').fill('iran');
  await page.keyboard.press('Tab');
  assert.equal(await summary.count(), 0);
  assert.deepEqual(await visibleErrors(page), []);

  // In Bosnian too (the change of language keeps what was typed: clear it first).
  await page.locator('#locale-select').selectOption('bs');
  await page.locator('html[lang="bs"]').waitFor();
  assert.equal(await page.getByLabel('Ime', { exact: true }).inputValue(), 'Reza');
  await page.locator('#register-form button[type=reset]').click();
  await page.getByRole('button', { name: 'Registruj i smjesti' }).click();
  await page.locator('#register-form .error-summary').getByText('Obrazac ima grešaka (4):').waitFor();
  await page.locator('#locale-select').selectOption('en');
  await page.getByRole('button', { name: 'Register and check in' }).waitFor();
  assert.deepEqual(errors, []);
});

test('year_only_and_estimated_age_errors_ask_for_their_own_format', async () => {
  const { page, errors } = b;
  await page.goto('/register');
  await page.getByLabel('Given name').fill('Reza');
  await page.getByLabel('Family name').fill('Karimi');
  await page.getByLabel('Male', { exact: true }).check();
  await page.getByLabel('Citizenship').fill('iran');
  await page.keyboard.press('Tab');
  const error = page.locator('[data-field="birth_date"] .field-error');

  await page.getByLabel('Year only').check();
  await page.getByLabel('Year of birth').fill('98');
  await page.locator('#register-submit').click();
  assert.equal(await error.innerText(), 'Enter the year of birth as four digits, e.g. 1998 (after 1900, not in the future).');
  assert.equal(await page.locator('#register-form .error-summary').count(), 0); // one problem: no summary
  assert.equal(await page.evaluate(() => document.activeElement.name), 'birth_date');
  await page.getByLabel('Year of birth').fill('1998');
  assert.equal(await error.isHidden(), true);

  await page.getByLabel('Estimated age').check();
  await page.getByLabel('Age in years (estimate)').fill('x');
  await page.locator('#register-submit').click();
  assert.equal(await error.innerText(), 'Enter the estimated age in whole years, e.g. 25.');
  assert.doesNotMatch(await error.innerText(), /day\.month\.year/);

  await page.getByLabel('Exact date').check();
  await page.getByLabel('Date of birth').fill('31.02.2001');
  await page.locator('#register-submit').click();
  assert.match(await error.innerText(), /as day\.month\.year/);
  assert.deepEqual(errors, []);
});
