// Languages and formats: what the server refuses is said in the user's language (errors
// carry a message key and its parameters: a blank title, the rows of a statistics import
// that is not in the exchange format); date fields read day.month.year even in an American
// browser; the administrations are named in Serbian Cyrillic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b;

before(async () => {
  server = await startServer({ demo: true, people: 30 });
  b = await openBrowser(server.base);
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

async function inLocale(page, locale) {
  await page.locator('#locale-select').selectOption(locale);
  await page.locator(`html[lang="${locale}"]`).waitFor();
}

// The refusals (400) are what these tests ask for; anything else is a fault.
const pageErrors = (errors) => errors.filter((e) => !/status of 400/.test(e));

async function logout(page) {
  await page.locator('#logout').click();
  await page.getByLabel('Username').waitFor();
}

test('a_blank_title_is_refused_in_the_users_language', async () => {
  const { page, errors } = b;
  await login(page, server, 'admin');
  const expected = { en: 'Enter some text: this cannot be left blank.', bs: 'Upišite tekst: ovo ne može ostati prazno.', 'sr-Cyrl': 'Упишите текст: ово не може остати празно.' };
  for (const locale of ['en', 'bs', 'sr-Cyrl']) {
    await inLocale(page, locale);
    await page.goto('/trainings');
    await page.locator(`html[lang="${locale}"]`).waitFor();
    await page.locator('#tr-form').waitFor();
    await page.locator('#tr-title').fill('   ');
    await page.locator('#tr-submit').click();
    const error = page.locator('[data-field="title"] .field-error');
    await error.filter({ hasText: /\S/ }).waitFor();
    assert.equal(await error.innerText(), expected[locale]);
    assert.doesNotMatch(await page.locator('main').innerText(), /cannot be empty/);
    if (locale === 'bs') {
      // The months of the figures read as Bosnian months, not "2026-11" or "M11".
      const months = await page.locator('#tr-fig-h ~ details table tbody th').allTextContents();
      assert.ok(months.length > 0, 'the demo has trainings by month');
      for (const m of months) assert.match(m, /^[a-zčćšđž]{3,4}\.? \d{4}\.$/, m);
    }
  }
  await inLocale(page, 'en');
  await logout(page);
  assert.deepEqual(pageErrors(errors), []);
});

test('a_statistics_import_lists_its_errors_translated', async () => {
  const { page, errors } = b;
  await login(page, server, 'statistician');
  await inLocale(page, 'bs');
  await page.goto('/stats');
  await page.locator('html[lang="bs"]').waitFor();
  const fileInput = page.locator('input[type=file]');
  await fileInput.waitFor({ state: 'attached' });
  await fileInput.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('FLOW,FREQ\nA,B\n') });
  await page.getByRole('button', { name: 'Uvezi', exact: true }).click();
  const rows = page.locator('#stats-import-errors tbody tr');
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  assert.match(texts[0], /^1\s+1\s+DATAFLOW\s+Zaglavlje: kolona 1 mora biti DATAFLOW\.$/);
  assert.match(texts[1], /^2\s+2\s+FREQ\s+Očekivano je 12 kolona, pronađeno 2\.$/);
  await checkA11y(page, 'import errors');

  await inLocale(page, 'sr-Cyrl');
  await page.goto('/stats');
  await page.locator('html[lang="sr-Cyrl"]').waitFor();
  await fileInput.waitFor({ state: 'attached' });
  await fileInput.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('FLOW,FREQ\nA,B\n') });
  await page.getByRole('button', { name: 'Увези', exact: true }).click();
  await page.locator('#stats-import-errors').getByText('Заглавље: колона 1 мора бити DATAFLOW.').waitFor();
  await page.locator('#stats-import-errors').getByText('Очекивано је 12 колона, пронађено 2.').waitFor();
  // The administrations are named in Cyrillic too (and in the ekavian variant).
  const areas = await page.locator('[data-field="ref_area"] select option').allInnerTexts();
  assert.deepEqual(areas.slice(0, 4), ['BA – Босна и Херцеговина', 'RS – Србија', 'ME – Црна Гора', 'MK – Северна Македонија']);
  await inLocale(page, 'en');
  await logout(page);
  assert.deepEqual(pageErrors(errors), []);
});

// Today as the date fields show it, and as the API takes it.
const todayIso = () => new Date().toISOString().slice(0, 10);
const todayDmy = () => todayIso().split('-').reverse().join('.');

test('date_fields_are_day_month_year_even_in_an_american_browser', async () => {
  // A browser set to American English: <input type=date> would show mm/dd/yyyy.
  const context = await b.browser.newContext({ baseURL: server.base, locale: 'en-US', viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await login(page, server, 'counsellor');
  const registrar = await server.login('registrar');
  const token = await server.login('counsellor');
  const lipa = (await server.request('GET', '/api/v1/sites', { token })).body.items.find((s) => s.code === 'LIP').id;
  const p = await server.request('POST', '/api/v1/persons', { token: registrar, body: { given_name: 'Datum', family_name: 'Test', sex: 'M',
    birth_date: '1990-04-02', citizenship: 'PK', site_id: lipa, check_in: true } });
  assert.equal(p.status, 201, p.text);
  const c = await server.request('POST', '/api/v1/returns', { token, body: { person_id: p.body.id, destination_country: 'PK' } });
  assert.equal(c.status, 201, c.text);
  for (const [to, details] of [['eligibility_checked'], ['documents_requested', { embassy: 'Embassy of Pakistan', document_type: 'passport' }],
    ['documents_issued', { embassy: 'Embassy of Pakistan', document_type: 'passport' }], ['fit_to_travel', { medical_clearance: 'fit' }],
    ['travel_booked', { itinerary: 'SJJ-IST-ISB', escort: 'none' }]]) {
    const r = await server.request('POST', `/api/v1/returns/${c.body.id}/transitions`, { token, body: { to, details } });
    assert.equal(r.status, 200, r.text);
  }

  // The case page: the departure date of the next step reads day.month.year, and
  // says so in the page's language.
  await inLocale(page, 'bs');
  await page.goto(`/returns/cases/${c.body.id}`);
  await page.locator('html[lang="bs"]').waitFor();
  await page.locator('#next-departed').click();
  const departure = page.locator('#detail-departure_date');
  assert.equal(await departure.getAttribute('placeholder'), 'dd.mm.gggg');
  await inLocale(page, 'en');
  await page.goto(`/returns/cases/${c.body.id}`);
  await page.locator('html[lang="en"]').waitFor();
  await page.locator('#next-departed').click();
  assert.equal(await departure.getAttribute('type'), 'text');
  assert.equal(await departure.inputValue(), todayDmy());
  assert.equal(await departure.getAttribute('placeholder'), 'dd.mm.yyyy');
  await checkA11y(page, 'step form with a date');
  // The American order is not taken for a date.
  await departure.fill('12/31/2025');
  await page.locator('#step-submit').click();
  const error = page.locator('#step-form [data-field="details.departure_date"] .field-error');
  await error.filter({ hasText: /\S/ }).waitFor();
  assert.equal(await error.innerText(), 'Enter a date as day.month.year, e.g. 21.03.2026.');
  await departure.fill(todayDmy());
  await page.locator('#step-submit').click();
  await page.locator('#step-form').waitFor({ state: 'detached' });
  const after = await server.request('GET', `/api/v1/returns/${c.body.id}`, { token });
  assert.equal(after.body.state, 'departed');
  assert.equal(after.body.history.at(-1).details.departure_date, todayIso());
  await context.close();
  assert.deepEqual(errors, []);
});

test('the_protection_case_page_reads_day_month_year_and_refuses_a_blank_action_in_bosnian', async () => {
  const { page, errors } = b;
  const token = await server.login('protection');
  const lipa = (await server.request('GET', '/api/v1/sites', { token })).body.items.find((s) => s.code === 'LIP').id;
  const people = await server.request('GET', `/api/v1/persons?site=${lipa}&limit=50`, { token });
  const person = people.body.items.find((p) => p.registration_site_id === lipa).id;
  const opened = await server.request('POST', '/api/v1/protection/cases', { token, body: { person_id: person, site_id: lipa, summary: 'Needs a guardian' } });
  assert.equal(opened.status, 201, opened.text);
  await login(page, server, 'protection');
  await inLocale(page, 'bs');
  await page.goto(`/protection/cases/${opened.body.id}`);
  await page.locator('html[lang="bs"]').waitFor();
  const due = page.locator('#action-due');
  await due.waitFor();
  assert.equal(await due.getAttribute('type'), 'text');
  assert.equal(await due.getAttribute('placeholder'), 'dd.mm.gggg');
  // "description cannot be empty" reaches the officer in Bosnian.
  await page.locator('#action-description').fill('   ');
  await due.fill('31.01.2030');
  await page.locator('#action-form-submit').click();
  const error = page.locator('#action-form [data-field="description"] .field-error');
  await error.filter({ hasText: /\S/ }).waitFor();
  assert.equal(await error.innerText(), 'Upišite tekst: ovo ne može ostati prazno.');
  await page.locator('#action-description').fill('Procjena najboljeg interesa sa starateljem');
  await page.locator('#action-form-submit').click();
  await page.locator('#case-actions tbody tr').first().waitFor();
  assert.match(await page.locator('#case-actions tbody tr').first().innerText(), /31\. jan 2030\./);
  const saved = await server.request('GET', `/api/v1/protection/cases/${opened.body.id}`, { token });
  assert.equal(saved.body.actions[0].due_date, '2030-01-31');
  await inLocale(page, 'en');
  await logout(page);
  assert.deepEqual(pageErrors(errors), []);
});

test('what_the_registrar_typed_stays_when_the_language_changes', async () => {
  const { page, errors } = b;
  await login(page, server, 'registrar');
  await inLocale(page, 'en');
  await page.goto('/register');
  await page.getByLabel('Given name').fill('Zarmina');
  await page.getByLabel('Family name').fill('Testkhel');
  await page.getByLabel('Female', { exact: true }).check();
  await page.getByLabel('Date of birth').fill('04.02.1990');
  await page.getByLabel('Citizenship').fill('afg');
  await page.keyboard.press('Tab');
  await page.locator('#bed').fill('C12');

  await inLocale(page, 'bs');
  await page.getByRole('heading', { level: 1, name: 'Prijemni šalter' }).waitFor();
  // A keyboard user is back on the language picker.
  await page.waitForFunction(() => document.activeElement?.id === 'locale-select');
  assert.equal(await page.getByLabel('Ime', { exact: true }).inputValue(), 'Zarmina');
  assert.equal(await page.getByLabel('Prezime', { exact: true }).inputValue(), 'Testkhel');
  assert.equal(await page.locator('#register-form input[type=radio][value=F]').isChecked(), true);
  assert.equal(await page.locator('#register-form [name=birth_date]').inputValue(), '04.02.1990');
  assert.equal(await page.locator('#register-form [data-field="citizenship"] input').first().inputValue(), 'Afganistan');
  assert.equal(await page.locator('#bed').inputValue(), 'C12');
  await checkA11y(page, 'desk after a change of language');

  // And what was kept is what gets registered.
  await page.getByRole('button', { name: 'Registruj i smjesti' }).click();
  const regNo = await page.locator('#new-reg-no').innerText();
  const token = await server.login('registrar');
  const found = await server.request('GET', `/api/v1/persons?q=${encodeURIComponent(regNo)}`, { token });
  const person = found.body.items.find((p) => p.reg_no === regNo);
  assert.equal(person.given_name, 'Zarmina');
  assert.equal(person.sex, 'F');
  assert.equal(person.birth_date, '1990-02-04');
  assert.equal(person.citizenship, 'AF');
  await inLocale(page, 'en');
  await logout(page);
  assert.deepEqual(pageErrors(errors), []);
});
