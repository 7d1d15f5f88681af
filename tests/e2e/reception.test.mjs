// The registration clerk's day, in the browser: log in, register an arrival while
// an earlier registration under another spelling shows up as a candidate, check in,
// see the dashboard change, check out, switch language; and a registrar of one site
// cannot open a person of another.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, navTo } from './browser.mjs';

let server, b, adminToken, regToken, sites, earlier;
const site = (code) => sites.find((s) => s.code === code);

before(async () => {
  server = await startServer({ demo: true, people: 300 });
  adminToken = await server.login('admin');
  regToken = await server.login('registrar');
  sites = (await server.request('GET', '/api/v1/sites', { token: adminToken })).body.items;
  b = await openBrowser(server.base);
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

async function lipaPresent(page) {
  await page.goto('/');
  const cell = page.locator('#site-occupancy tr[data-site="LIP"] td.present');
  return Number((await cell.innerText()).replace(/\D/g, ''));
}

test('registrar_registers_sees_candidate_checks_in_and_out', async () => {
  const { page, errors } = b;
  // An earlier registration of the same man, names the other way round.
  earlier = await server.request('POST', '/api/v1/persons', { token: regToken, body: {
    given_name: 'Ali', family_name: 'Ahmadi', sex: 'M', birth_date: '1990-01-01', birth_date_precision: 'year',
    citizenship: 'AF', site_id: site('LIP').id } });
  assert.equal(earlier.status, 201, earlier.text);

  await login(page, server, 'registrar');
  const before = await lipaPresent(page);

  await navTo(page, 'Registration desk');
  await page.getByLabel('Given name').fill('Ahmadi');
  await page.getByLabel('Family name').fill('Ali');
  await page.getByLabel('Male', { exact: true }).check();
  await page.getByLabel('Year only').check();
  await page.getByLabel('Year of birth').fill('1990');
  await page.getByLabel('Citizenship').fill('afg');
  await page.keyboard.press('Tab');
  assert.equal(await page.getByLabel('Citizenship').inputValue(), 'Afghanistan');
  await page.getByLabel('Languages').fill('pash');
  await page.keyboard.press('Enter');
  await page.getByLabel('Languages').fill('dar');
  await page.keyboard.press('Enter');
  const chips = (await page.locator('.chip').allInnerTexts()).join(' ');
  assert.match(chips, /Pashto.*Dari/s);
  await page.getByLabel('Bed').fill('C7-12');

  // The candidate: the earlier registration, with the reasons.
  const cand = page.locator('#cand-list .candidate', { hasText: earlier.body.reg_no });
  await cand.waitFor();
  assert.match(await cand.innerText(), /given and family names swapped/);
  assert.match(await cand.innerText(), /birth (year|date) equal/);

  // Registering before deciding about the candidate is refused...
  await page.getByRole('button', { name: 'Register and check in' }).click();
  await page.getByText('Check the possible earlier registrations first').waitFor();
  // ...the registrar confirms it is a new person.
  await page.getByLabel('None of these is the person').check();
  await page.getByRole('button', { name: 'Register and check in' }).click();
  const regNo = await page.locator('#new-reg-no').innerText();
  assert.match(regNo, /^LIP-\d{2}-\d{6}$/);

  // The dashboard counts one more at Lipa.
  assert.equal(await lipaPresent(page), before + 1);

  // The profile shows the bed; check out with a reason.
  await page.goto('/search');
  await page.getByLabel('Name, registration number or phone').fill(regNo);
  await page.getByRole('link', { name: 'Ali, Ahmadi' }).click();
  await page.locator('#current-bed').waitFor();
  assert.equal(await page.locator('#current-bed').innerText(), 'C7-12');
  assert.equal(await page.locator('#person-reg-no').innerText(), regNo);
  await page.locator('#checkout-person').click();
  await page.getByLabel('Reason').selectOption('moved_on');
  await page.locator('#checkout-confirm').click();
  await page.locator('#not-checked-in').waitFor();
  assert.match(await page.locator('#stays').innerText(), /Moved on/);
  assert.equal(await lipaPresent(page), before);
  assert.deepEqual(errors, []);
});

test('a_returning_person_is_checked_in_from_the_candidate_without_a_new_registration', async () => {
  const { page, errors } = b;
  const before = await lipaPresent(page);
  await page.goto('/register');
  await page.getByLabel('Given name').fill('ALI');
  await page.getByLabel('Family name').fill('ahmadi');
  await page.getByLabel('Year only').check();
  await page.getByLabel('Year of birth').fill('1990');
  await page.getByLabel('Bed').fill('C9-1');
  const same = page.locator(`button[data-candidate="${earlier.body.id}"]`);
  await same.click();
  await page.getByRole('heading', { name: 'Checked in (registered before)' }).waitFor();
  assert.equal(await page.locator('#new-reg-no').innerText(), earlier.body.reg_no);
  assert.equal(await lipaPresent(page), before + 1);
  const p = await server.request('GET', `/api/v1/persons/${earlier.body.id}`, { token: regToken });
  assert.equal(p.body.current_stay.bed, 'C9-1');
  assert.deepEqual(errors, []);
});

test('language_switch_is_immediate_and_remembered', async () => {
  const { page, errors } = b;
  await page.goto('/');
  await page.getByLabel('Language').selectOption('bs');
  await page.getByRole('heading', { level: 1, name: 'Kontrolna tabla' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'bs');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Kontrolna tabla' }).waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.locale, 'bs');
  await page.locator('#locale-select').selectOption('sr-Cyrl');
  await navTo(page, 'Пријемни шалтер');
  await page.getByLabel('Држављанство').fill('afg');
  await page.keyboard.press('Tab');
  assert.equal(await page.getByLabel('Држављанство').inputValue(), 'Авганистан');
  await page.locator('#locale-select').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Registration desk' }).waitFor();
  assert.deepEqual(errors, []);
});

test('registrar_of_lipa_cannot_open_a_person_of_usivak', async () => {
  const { page } = b;
  const usi = await server.request('GET', `/api/v1/persons?site=${site('USI').id}&limit=50`, { token: adminToken });
  const lipaIds = new Set((await server.request('GET', `/api/v1/persons?site=${site('LIP').id}&limit=200`, { token: adminToken })).body.items.map((p) => p.id));
  const other = usi.body.items.find((p) => !lipaIds.has(p.id) && p.registration_site_id === site('USI').id);
  assert.ok(other, 'a person known only at Ušivak');
  await page.goto(`/persons/${other.id}`);
  await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
  assert.match(await page.locator('main').innerText(), /belongs to a site you do not work at/);
  // Nor its board.
  await page.goto(`/sites/${site('USI').id}`);
  await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
});

test('names_are_shown_as_text_never_as_markup', async () => {
  const { page, errors } = b;
  const evil = '<img src=x onerror="window.__haven_xss=1">';
  const r = await server.request('POST', '/api/v1/persons', { token: regToken, body: {
    given_name: evil, family_name: 'Markup</td><b>bold', native_name: 'محمد <script>window.__haven_xss=2</script>',
    sex: 'M', citizenship: 'unknown', site_id: site('LIP').id, check_in: true, bed: '<i>B1</i>' } });
  assert.equal(r.status, 201, r.text);
  for (const path of [`/persons/${r.body.id}`, `/search?q=${encodeURIComponent(r.body.reg_no)}`, `/sites/${site('LIP').id}?q=${encodeURIComponent(r.body.reg_no)}`]) {
    await page.goto(path);
    await page.getByText('Markup</td><b>bold', { exact: false }).first().waitFor();
    assert.equal(await page.evaluate(() => window.__haven_xss), undefined, path);
    assert.equal(await page.locator('main img, main b, main script, main i').count(), 0, path);
  }
  assert.deepEqual(errors, []);
});
