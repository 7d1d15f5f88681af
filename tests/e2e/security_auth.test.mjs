// Issue #10 in the browser: changing one's own password from the account link (three
// languages, keyboard, axe), granting protection access with a reason in the admin
// page, and the grants listed on the protection dashboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, navTo } from './browser.mjs';

let server, b;
// The refusals this test provokes on purpose (400) are logged by chromium as failed loads.
const unexpected = (errors) => errors.filter((e) => !/status of 400/.test(e));

before(async () => {
  server = await startServer({ demo: true, people: 100 });
  b = await openBrowser(server.base);
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

test('a user changes their own password; the old one stops working', async () => {
  const { page, errors } = b;
  await login(page, server, 'counsellor');
  await page.getByRole('link', { name: 'Change password' }).click();
  await page.getByRole('heading', { level: 1, name: 'Change your password' }).waitFor();
  await checkA11y(page, 'change password');

  // Wrong current password: said next to that field.
  await page.getByLabel('Current password').fill('not my password at all');
  await page.getByLabel('New password', { exact: true }).fill('river stones at dawn');
  await page.getByLabel('New password again').fill('river stones at dawn');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('The current password is wrong.').waitFor();
  // The two new ones differ: said before asking the server.
  await page.getByLabel('Current password').fill(server.logins.counsellor.password);
  await page.getByLabel('New password again').fill('river stones at dusk');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('The two new passwords are not the same.').waitFor();
  // Too common: the server's rule, in words.
  await page.getByLabel('New password', { exact: true }).fill('password1234');
  await page.getByLabel('New password again').fill('password1234');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('This password is too common. Choose another.').waitFor();
  // By keyboard: type and press Enter.
  await page.getByLabel('New password', { exact: true }).fill('river stones at dawn');
  await page.getByLabel('New password again').fill('river stones at dawn');
  await page.getByLabel('New password again').press('Enter');
  await page.locator('#password-changed').getByText('Your password was changed.').waitFor();
  await checkA11y(page, 'password changed');

  // The old password no longer logs in, the new one does.
  const old = await server.request('POST', '/api/v1/session', { body: { username: 'counsellor', password: server.logins.counsellor.password } });
  assert.equal(old.status, 401);
  server.logins.counsellor = { ...server.logins.counsellor, password: 'river stones at dawn' };
  await page.locator('#logout').click();
  await page.getByRole('heading', { level: 1, name: 'Log in to Haven' }).waitFor();
  await login(page, server, 'counsellor');
  assert.deepEqual(unexpected(errors), []);
});

test('the password page in Bosnian and Serbian Cyrillic', async () => {
  const { page } = b;
  await page.goto('/account/password');
  await page.locator('#locale-select').selectOption('bs');
  await page.getByRole('heading', { level: 1, name: 'Promjena lozinke' }).waitFor();
  await page.getByLabel('Trenutna lozinka').waitFor();
  await page.getByRole('link', { name: 'Promijeni lozinku' }).waitFor();
  await page.locator('#locale-select').selectOption('sr-Cyrl');
  await page.getByRole('heading', { level: 1, name: 'Промена лозинке' }).waitFor();
  await page.getByLabel('Тренутна лозинка').waitFor();
  await checkA11y(page, 'change password, Cyrillic');
  await page.locator('#locale-select').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Change your password' }).waitFor();
  await page.locator('#logout').click();
  await page.getByRole('heading', { level: 1, name: 'Log in to Haven' }).waitFor();
});

test('the admin grants protection access with a reason; the protection dashboard lists it', async () => {
  const { page, errors } = b;
  await login(page, server, 'admin');
  await navTo(page, 'Manage users');
  await page.getByRole('button', { name: 'New user' }).click();
  await page.getByLabel('Username').fill('gbv.selma');
  await page.getByLabel('Full name').fill('Selma Hadžić');
  // The reason appears only for roles that read protection or PSEA data.
  assert.equal(await page.getByLabel('Reason for access to protection or PSEA data').isVisible(), false);
  await page.getByLabel('Role').selectOption('protection');
  await page.getByLabel('TRC Lipa').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Say why this person needs access to protection or PSEA data.').waitFor();
  await checkA11y(page, 'grant needs a reason');
  await page.getByLabel('Reason for access to protection or PSEA data').fill('GBV caseworker for Lipa from 1 December');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#admin-users tr[data-user="gbv.selma"]').waitFor();
  await page.locator('#logout').click();
  await page.getByRole('heading', { level: 1, name: 'Log in to Haven' }).waitFor();

  await login(page, server, 'protection');
  await page.goto('/protection');
  const row = page.locator('#protection-grants tr[data-grant="gbv.selma"]');
  await row.waitFor();
  assert.match(await row.innerText(), /gbv\.selma\s+Protection officer\s+TRC Lipa\s+admin\s+GBV caseworker for Lipa from 1 December/);
  await checkA11y(page, 'protection dashboard with grants');
  assert.deepEqual(unexpected(errors), []);
});

test('the desk sees a reference for a person it cannot see; the administrator opens it in search', async () => {
  const own = await openBrowser(server.base); // a browser of its own: runs alone too
  const { page, errors } = own;
  const token = await server.login('admin');
  const sites = (await server.request('GET', '/api/v1/sites', { token })).body.items;
  const borici = sites.find((s) => s.code === 'BOR').id;
  const reg = await server.request('POST', '/api/v1/persons', { token, body: {
    given_name: 'Zarghuna', family_name: 'Mirwaisi', sex: 'F', birth_date: '1994-07-02',
    birth_date_precision: 'exact', citizenship: 'AF', languages: ['ps'], site_id: borici } });
  assert.equal(reg.status, 201, reg.text);

  await login(page, server, 'registrar');
  await page.goto('/register');
  await page.getByLabel('Given name').fill('Zarghuna');
  await page.getByLabel('Family name').fill('Mirwaisi');
  const hidden = page.locator('#cand-list .candidate[data-reference]');
  await hidden.first().waitFor();
  const reference = await hidden.first().getAttribute('data-reference');
  const text = await hidden.first().innerText();
  assert.match(text, new RegExp(`Reference for your supervisor: ${reference}`));
  for (const secret of ['Zarghuna', 'Mirwaisi', reg.body.reg_no, '1994']) assert.ok(!text.includes(secret), text);
  await checkA11y(page, 'registration desk, hidden candidate');

  // The registrar cannot open it; the administrator (who sees every site) can.
  await page.goto(`/search?q=${reference}`);
  await page.locator('#search-status').getByText(`No person you may open has the candidate reference ${reference}.`).waitFor();
  await page.locator('#logout').click();
  await page.getByRole('heading', { level: 1, name: 'Log in to Haven' }).waitFor();
  await login(page, server, 'admin');
  await page.goto('/search');
  await page.locator('#search-q').fill(reference);
  await page.locator('#search-q').press('Enter');
  await page.locator('#search-results').getByText(reg.body.reg_no).waitFor();
  await page.locator('#search-status').getByText(`The person of candidate reference ${reference}.`).waitFor();
  await checkA11y(page, 'search, candidate reference');
  assert.deepEqual(unexpected(errors), []);
  await own.browser.close();
});
