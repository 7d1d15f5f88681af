// The registration desk without a mouse, server-side errors shown at their field, and
// an expired session that brings the registrar back where they were.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login } from './browser.mjs';

let server, b;

before(async () => {
  server = await startServer({ demo: true, people: 100 });
  b = await openBrowser(server.base);
  await login(b.page, server, 'registrar');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('registration_with_the_keyboard_only', async () => {
  const { page, errors } = b;
  await page.goto('/register');
  await page.locator('#register-form').waitFor();
  // The form opens with the cursor in the first field.
  assert.equal(await page.evaluate(() => document.activeElement.name), 'given_name');
  const k = page.keyboard;
  await k.type('Zahra');
  await k.press('Tab');
  await k.type('Rezaei');
  await k.press('Tab');
  await k.type('زهرا رضایی');
  await k.press('Tab'); // sex: the radio group
  await k.press('ArrowRight'); // Female
  await k.press('Tab'); // birth precision group (exact)
  await k.press('Tab'); // birth date
  await k.type('14.02.2001');
  await k.press('Tab');
  await k.type('iran');
  await k.press('Tab');
  await k.type('fars');
  await k.press('Enter');
  await k.press('Tab');
  await k.type('+98 912 555 0101');
  await k.press('Tab'); // check in (ticked)
  await k.press('Tab');
  await k.type('F3-1');
  await k.press('Enter'); // submits the form
  const regNo = await page.locator('#new-reg-no').innerText();
  assert.match(regNo, /^LIP-/);
  // Focus waits on "Register next person"; Enter starts the next registration.
  await k.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'given_name');

  await page.goto(`/search?q=${regNo}`);
  await page.getByRole('link', { name: 'Rezaei, Zahra' }).click();
  await page.locator('#current-bed').waitFor();
  const facts = await page.locator('.facts').first().innerText();
  assert.match(facts, /Female/);
  assert.match(facts, /14 Feb 2001/);
  assert.match(facts, /Iran/);
  assert.match(facts, /Persian/);
  assert.match(facts, /\+98 912 555 0101/);
  assert.equal(await page.locator('#current-bed').innerText(), 'F3-1');

  // A correction from the profile: only what changed is sent.
  await page.locator('#edit-person').click();
  await page.getByLabel('Phone (optional)').fill('+98 912 555 0202');
  await page.getByLabel('Year only').check();
  await page.getByLabel('Year of birth').fill('2000');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#edit-person').waitFor();
  const after = await page.locator('.facts').first().innerText();
  assert.match(after, /\+98 912 555 0202/);
  assert.match(after, /Born\s+2000/);
  assert.match(after, /Persian/);
  assert.deepEqual(errors, []);
});

test('errors_are_shown_at_their_field', async () => {
  const { page } = b;
  await page.goto('/register');
  await page.getByRole('button', { name: 'Register and check in' }).click();
  const given = page.getByLabel('Given name');
  assert.equal(await given.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('[data-field="given_name"] .field-error').innerText(), /Enter the given name/);
  // Several problems: the error summary at the top takes the focus, its first line the given name.
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true);
  assert.equal(await page.locator('.error-summary li').first().innerText(), 'Enter the given name.');
  await given.fill('Test');
  await page.getByLabel('Family name').fill('Person');
  await page.getByLabel('Female', { exact: true }).check();
  await page.getByLabel('Date of birth').fill('31.02.2001');
  await page.getByLabel('Citizenship').fill('syr');
  await page.keyboard.press('Tab');
  await page.getByRole('button', { name: 'Register and check in' }).click();
  assert.match(await page.locator('[data-field="birth_date"] .field-error').innerText(), /real date of birth/);
  // An error only the server finds (the phone) comes back next to its field too.
  await page.getByLabel('Date of birth').fill('');
  await page.getByLabel('Phone (optional)').fill('12');
  await page.getByRole('button', { name: 'Register and check in' }).click();
  await page.locator('[data-field="phone"] .field-error').waitFor();
  assert.match(await page.locator('[data-field="phone"] .field-error').innerText(), /at least 6 digits/);
  // ...in the user's language.
  await page.locator('#locale-select').selectOption('bs');
  await page.getByRole('button', { name: 'Registruj i smjesti' }).waitFor();
  await page.getByLabel('Ime', { exact: true }).fill('Test');
  await page.getByLabel('Prezime').fill('Person');
  await page.getByLabel('Ženski').check();
  await page.getByLabel('Državljanstvo').fill('syr');
  await page.keyboard.press('Tab');
  await page.getByLabel('Telefon (neobavezno)').fill('12');
  await page.getByRole('button', { name: 'Registruj i smjesti' }).click();
  await page.locator('[data-field="phone"] .field-error').waitFor();
  assert.match(await page.locator('[data-field="phone"] .field-error').innerText(), /najmanje 6 cifara/);
  await page.locator('#locale-select').selectOption('en');
  await page.getByRole('button', { name: 'Register and check in' }).waitFor();
});

test('expired_session_says_so_and_returns_to_the_page', async () => {
  const { page, context } = b;
  await page.goto('/search?q=ali');
  await page.locator('#search-results tbody tr').first().waitFor();
  // The server forgets the session (timeout, logout elsewhere): the cookie is stale.
  await context.clearCookies();
  await context.addCookies([{ name: 'haven_session', value: 'stale', url: server.base }]);
  await page.getByLabel('Name, registration number or phone').fill('omar');
  await page.locator('#session-expired').waitFor();
  assert.equal(await page.locator('main h1').innerText(), 'Session expired');
  assert.match(page.url(), /\/login$/);
  await page.getByLabel('Username').fill('registrar');
  await page.getByLabel('Password').fill(server.logins.registrar.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#search-q').waitFor();
  assert.match(page.url(), /\/search\?q=omar$/);
});

test('wrong_password_is_refused_in_plain_words', async () => {
  const { page } = b;
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByLabel('Username').waitFor();
  await page.getByLabel('Username').fill('registrar');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('Wrong username or password.').waitFor();
  assert.equal(await page.getByLabel('Password').inputValue(), '');
});
