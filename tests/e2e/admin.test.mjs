// Administration in the browser: sites and users created, changed, disabled; a reset
// password works; other roles do not see these pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, navTo, checkA11y } from './browser.mjs';

let server, b;

before(async () => {
  server = await startServer({ demo: true, people: 50 });
  b = await openBrowser(server.base);
  await login(b.page, server, 'admin');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('admin_creates_changes_and_disables_a_site', async () => {
  const { page, errors } = b;
  await navTo(page, 'Manage sites');
  await page.getByRole('button', { name: 'New site' }).click();
  await page.getByLabel('Site', { exact: true }).fill('TRC Salakovac');
  await page.getByLabel('Code').fill('SAL');
  await page.getByLabel('Municipality').fill('Mostar');
  await page.getByLabel('Kind').selectOption('asylum_centre');
  await page.getByLabel('Beds').fill('250');
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.locator('#admin-sites tr[data-site="SAL"]');
  await row.waitFor();
  assert.match(await row.innerText(), /TRC Salakovac\s+SAL\s+Mostar\s+Asylum centre\s+250/);

  // A code already taken is refused next to the code field.
  await page.getByRole('button', { name: 'New site' }).click();
  await page.getByLabel('Site', { exact: true }).fill('Another');
  await page.getByLabel('Code').fill('SAL');
  await page.getByLabel('Beds').fill('10');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Another site already has this code').waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();

  await row.getByRole('button', { name: 'Edit TRC Salakovac' }).click();
  await page.getByLabel('Beds').fill('300');
  await page.getByRole('button', { name: 'Save' }).click();
  await row.getByText('300').waitFor();

  await row.getByRole('button', { name: 'Disable TRC Salakovac' }).click();
  await page.locator('#confirm-yes').click();
  await row.getByText('Disabled').waitFor();
  await row.getByRole('button', { name: 'Enable TRC Salakovac' }).waitFor();
  assert.deepEqual(errors, []);
});

test('admin_creates_a_user_resets_the_password_and_disables_the_account', async () => {
  const { page, errors } = b;
  await navTo(page, 'Manage users');
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByLabel('Username').fill('desk.boric');
  await page.getByLabel('Full name').fill('Lejla Begić');
  await page.getByLabel('Role').selectOption('registrar');
  await page.getByLabel('TRC Borići').check();
  await page.getByRole('button', { name: 'Save' }).click();
  const first = await page.locator('#shown-password').innerText();
  assert.ok(first.length >= 10);
  const row = page.locator('#admin-users tr[data-user="desk.boric"]');
  await row.waitFor();
  assert.match(await row.innerText(), /Lejla Begić\s+Registration desk\s+TRC Borići\s+Active/);

  // Reset asks first; Cancel changes nothing.
  await row.getByRole('button', { name: 'Reset password for desk.boric' }).click();
  await page.locator('#confirm-no').click();
  assert.equal(await page.locator('#shown-password').innerText(), first);
  await row.getByRole('button', { name: 'Reset password for desk.boric' }).click();
  await page.locator('#confirm-yes').click();
  await page.waitForFunction((old) => document.querySelector('#shown-password')?.textContent !== old, first);
  const second = await page.locator('#shown-password').innerText();
  assert.notEqual(second, first);

  // The new password works, and the user sees only Borići.
  const other = await openBrowser(server.base);
  try {
    server.logins['desk.boric'] = { role: 'registrar', password: second };
    await login(other.page, server, 'desk.boric');
    await other.page.goto('/sites');
    await other.page.locator('#sites-table tbody th').first().waitFor();
    assert.deepEqual(await other.page.locator('#sites-table tbody th').allInnerTexts(), ['TRC Borići']);
    assert.equal(await other.page.getByRole('link', { name: 'Manage users', includeHidden: true }).count(), 0);
    await other.page.goto('/admin/users');
    await other.page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();

    // Disabled: the next request of that session finds it ended.
    await row.getByRole('button', { name: 'Disable desk.boric' }).click();
    await page.locator('#confirm-yes').click();
    await row.getByText('Disabled').waitFor();
    await other.page.goto('/sites');
    await other.page.getByRole('heading', { level: 1, name: 'Log in to Haven' }).waitFor();
    assert.deepEqual(other.errors, []);
  } finally {
    await other.browser.close();
  }
  assert.deepEqual(errors, []);
});

test('a_viewer_sees_no_registration_desk_and_no_check_out', async () => {
  const v = await openBrowser(server.base);
  try {
    await login(v.page, server, 'viewer');
    const nav = await v.page.locator('#nav').textContent();
    assert.doesNotMatch(nav, /Registration desk|Manage/);
    await v.page.goto('/sites');
    await v.page.locator('#sites-table a').first().click();
    await v.page.locator('#residents tbody tr').first().waitFor();
    assert.equal(await v.page.getByRole('button', { name: /Check out/ }).count(), 0);
    await v.page.locator('#residents tbody a').first().click();
    await v.page.locator('#person-reg-no').waitFor();
    assert.equal(await v.page.locator('#edit-person, #checkout-person').count(), 0);
    await v.page.goto('/register');
    await v.page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
  } finally {
    await v.browser.close();
  }
});

test('the_admins_menu_fits_one_line_at_1366_in_three_languages_and_opens_by_keyboard', async () => {
  const { page, errors } = b;
  await page.goto('/');
  await page.locator('#nav li').first().waitFor();
  const lines = () => page.locator('#nav > ul > li').evaluateAll((lis) => new Set(lis.map((li) => Math.round(li.getBoundingClientRect().top))).size);
  const areas = { en: 'Administration', bs: 'Administracija', 'sr-Cyrl': 'Администрација' };
  const users = { en: 'Manage users', bs: 'Upravljanje korisnicima', 'sr-Cyrl': 'Управљање корисницима' };
  for (const lang of ['en', 'bs', 'sr-Cyrl']) {
    await page.locator('#locale-select').selectOption(lang);
    const button = page.locator('#nav').getByRole('button', { name: areas[lang] });
    await button.waitFor();
    assert.equal(await lines(), 1, `${lang}: the menu wraps`);
    const height = await page.locator('#nav').evaluate((n) => n.getBoundingClientRect().height);
    assert.ok(height < 50, `${lang}: the menu is ${height}px tall`);
    // Keyboard: Enter opens the area, its links are reachable, Escape closes it and
    // returns to the button.
    await button.focus();
    await page.keyboard.press('Enter');
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const link = page.locator('#nav').getByRole('link', { name: users[lang] });
    await link.waitFor();
    if (lang === 'en') await checkA11y(page, 'menu area open');
    await page.keyboard.press('Escape');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await link.isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-controls')), 'nav-area-admin');
  }
  await page.locator('#locale-select').selectOption('en');
  await page.locator('#nav').getByRole('button', { name: 'Administration' }).waitFor();
  // The page shown marks its area.
  await navTo(page, 'Manage users');
  await page.getByRole('heading', { level: 1, name: 'Manage users' }).waitFor();
  assert.match(await page.locator('#nav button.current').innerText(), /Administration/);
  assert.deepEqual(errors, []);
});

test('the_username_error_says_what_is_wrong_instead_of_repeating_the_hint', async () => {
  const { page, errors } = b;
  await page.goto('/admin/users');
  await page.getByRole('button', { name: 'New user' }).click();
  const field = page.locator('form[aria-labelledby="user-form-h"] [data-field="username"]');
  const hint = await field.locator('.hint').innerText();
  const error = field.locator('.field-error');
  const submit = async () => page.locator('form[aria-labelledby="user-form-h"]').getByRole('button', { name: 'Save' }).click();
  await page.getByLabel('Full name').fill('Amra Hodžić');
  await submit();
  await error.waitFor();
  assert.equal(await error.innerText(), 'Enter a username.');
  await page.getByLabel('Username').fill('amra.hodžić');
  await submit();
  await page.waitForFunction(() => /cannot be part/.test(document.querySelector('form[aria-labelledby="user-form-h"] [data-field="username"] .field-error')?.textContent));
  assert.equal(await error.innerText(), '“ž” cannot be part of a username. Use lower-case letters without accents, digits, dot, dash or underscore.');
  await page.getByLabel('Username').fill('ah');
  await submit();
  await page.waitForFunction(() => /has 2 characters/.test(document.querySelector('form[aria-labelledby="user-form-h"] [data-field="username"] .field-error')?.textContent));
  await page.getByLabel('Username').fill('desk.boric');
  await submit();
  await page.waitForFunction(() => /already taken/.test(document.querySelector('form[aria-labelledby="user-form-h"] [data-field="username"] .field-error')?.textContent));
  assert.equal(await error.innerText(), 'The username desk.boric is already taken: choose another.');
  for (const shown of [await error.innerText()]) assert.notEqual(shown.replace(/^Use /, ''), hint);
  // In Bosnian.
  await page.goto('/admin/users');
  await page.locator('#locale-select').selectOption('bs');
  await page.getByRole('button', { name: 'Novi korisnik' }).click();
  await page.getByLabel('Korisničko ime').fill('ah');
  await page.locator('form[aria-labelledby="user-form-h"]').getByRole('button', { name: 'Sačuvaj' }).click();
  await page.waitForFunction(() => /ima 2 znaka/.test(document.querySelector('form[aria-labelledby="user-form-h"] [data-field="username"] .field-error')?.textContent));
  assert.equal(await page.locator('form[aria-labelledby="user-form-h"] [data-field="username"] .field-error').innerText(), 'Ovo korisničko ime ima 2 znaka; potrebna su najmanje 3.');
  await page.locator('#locale-select').selectOption('en');
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
});
