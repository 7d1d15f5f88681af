// The protection officer's round-2 points: a referral sent in one step, no
// best-interests assessment on an adult's case (a child's keeps it), the officer's name
// on notes, providers without their service type twice, and a worklist that is filtered,
// paged and opens on the site chosen last.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b, lipa, sites, adult, child;

before(async () => {
  server = await startServer({ demo: true, people: 200 });
  const admin = await server.login('admin');
  sites = (await server.request('GET', '/api/v1/sites', { token: admin })).body.items;
  lipa = sites.find((s) => s.code === 'LIP');
  const make = async (given, born) => (await server.request('POST', '/api/v1/persons', { token: admin, body: {
    given_name: given, family_name: 'Round', sex: 'M', birth_date: born, citizenship: 'SY', site_id: lipa.id, check_in: true } })).body;
  adult = await make('Adult', '1990-05-01');
  child = await make('Child', `${new Date().getUTCFullYear() - 12}-01-15`);
  // Enough people in Lipa, none screened, for more than one page of the worklist.
  for (let i = 0; i < 30; i++) await make(`Waiting${String(i).padStart(2, '0')}`, '1995-02-02');
  b = await openBrowser(server.base);
  await login(b.page, server, 'protection');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('a_referral_is_sent_in_one_step_and_providers_are_named_once', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${adult.id}/protection`);
  await page.locator('#referral-form').waitFor();
  const labels = await page.locator('#referral-provider option').allInnerTexts();
  assert.ok(labels.length > 0);
  for (const l of labels) assert.doesNotMatch(l, /^(.+) \(\1\)$/i, l);
  await page.locator('#consent-submit').click();
  await page.locator('#consents li').first().waitFor();
  await page.locator('#referral-reason').fill('Needs a doctor this week');
  await page.getByLabel('Sent now: the provider has been reached').check();
  // One request makes it and sends it (one transaction): no separate transition.
  const posts = [];
  const onRequest = (r) => { if (r.method() === 'POST') posts.push(new URL(r.url()).pathname); };
  page.on('request', onRequest);
  await page.getByRole('button', { name: 'Refer and mark sent' }).click();
  const row = page.locator('#person-referrals tbody tr').first();
  await row.waitFor();
  page.off('request', onRequest);
  assert.deepEqual(posts, ['/api/v1/protection/referrals']);
  assert.match(await row.innerText(), /Sent/);
  const token = await server.login('protection');
  const made = (await server.request('GET', `/api/v1/protection/referrals/${await row.getAttribute('data-referral')}`, { token })).body;
  assert.equal(made.state, 'sent');
  assert.ok(made.sent_at);
  assert.equal(await page.locator('#person-referrals button[data-to="sent"]').count(), 0);
  await page.locator('#person-referrals button[data-to="accepted"]').waitFor();
  for (const l of await page.locator('#person-referrals tbody td:first-child').allInnerTexts()) assert.doesNotMatch(l, /^(.+)\s*\(\1\)$/i);
  assert.deepEqual(errors, []);
});

test('an_adults_case_offers_no_best_interests_assessment_and_notes_carry_the_officers_name', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${adult.id}/protection`);
  await page.locator('#case-submit').click();
  await page.locator('#case-h').waitFor();
  assert.equal(await page.locator('#bia-h').count(), 0);
  assert.equal(await page.locator('#bia-form').count(), 0);
  await page.locator('#note-text').fill('Met him at the clinic');
  await page.locator('#note-form-submit').click();
  await page.locator('#case-notes li').first().waitFor();
  const note = await page.locator('#case-notes li').first().innerText();
  assert.match(note, /· Note · Lejla Mehmedović/);
  assert.doesNotMatch(note, /· protection\b/);
  assert.match(await page.locator('.facts').first().innerText(), /· Lejla Mehmedović/);
  // The server names the writers itself (officers of a site the case has left included).
  const caseId = new URL(page.url()).pathname.split('/').pop();
  const got = (await server.request('GET', `/api/v1/protection/cases/${caseId}`, { token: await server.login('protection') })).body;
  assert.deepEqual(got.names, { protection: 'Lejla Mehmedović' });
  await checkA11y(page, 'adult case');

  await page.goto(`/persons/${child.id}/protection`);
  await page.locator('#case-submit').click();
  await page.locator('#case-h').waitFor();
  await page.locator('#bia-form').waitFor();
  assert.deepEqual(errors, []);
});

test('the_server_refuses_a_best_interests_assessment_on_an_adults_case_naming_the_field', async () => {
  const token = await server.login('protection');
  const admin = await server.login('admin');
  const open = async (p) => {
    const r = await server.request('POST', '/api/v1/protection/cases', { token, body: { person_id: p.id, site_id: lipa.id } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const person = async (given, birth, precision) => (await server.request('POST', '/api/v1/persons', { token: admin, body: {
    given_name: given, family_name: 'Assessed', sex: 'M', birth_date: birth, birth_date_precision: precision,
    citizenship: 'AF', site_id: lipa.id, check_in: true } })).body;
  const bia = { outcome: 'family_tracing', summary: 'Wishes to join an uncle' };
  const year = new Date().getUTCFullYear();
  const adults = [await person('Grown', '1990-05-01', 'exact'),
    // Year only, 19 years ago: an adult whatever the day.
    await person('Older', `${year - 19}-01-01`, 'year')];
  const children = [await person('Young', `${year - 12}-03-03`, 'exact'),
    // Year only, 18 years ago: may still be 17, keeps the assessment.
    await person('Maybe', `${year - 18}-01-01`, 'year')];
  for (const p of adults) {
    const r = await server.request('POST', `/api/v1/protection/cases/${await open(p)}/best-interests`, { token, body: bia });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.field, 'person_id');
    assert.equal(r.body.error.key, 'bia_adult');
    assert.match(r.body.error.message, /best-interests assessment is for children/);
  }
  for (const p of children) {
    const r = await server.request('POST', `/api/v1/protection/cases/${await open(p)}/best-interests`, { token, body: bia });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  // What the officer reads, in the three languages.
  const { page } = b;
  const shown = {};
  for (const lang of ['en', 'bs', 'sr-Cyrl']) {
    shown[lang] = await page.evaluate(async (l) => {
      const i18n = await import('/js/i18n.js');
      const forms = await import('/js/forms.js');
      await i18n.setLocale(l);
      return forms.errorMessage({ code: 'invalid', field: 'person_id', key: 'bia_adult', message: 'x' }, 'protection');
    }, lang);
  }
  await page.evaluate(async () => (await import('/js/i18n.js')).setLocale('en'));
  assert.match(shown.en, /^A best-interests assessment is for children/);
  assert.match(shown.bs, /^Procjena najboljeg interesa je za djecu/);
  assert.match(shown['sr-Cyrl'], /^Процена најбољег интереса је за децу/);
});

test('the_worklist_is_filtered_paged_and_remembers_the_site', async () => {
  const { page, errors } = b;
  await page.goto('/protection');
  await page.locator('#worklist-count').waitFor();
  const other = sites.find((s) => s.code !== 'LIP' && s.code === 'USI') || sites.find((s) => s.code !== 'LIP');
  await page.locator('#worklist-site').selectOption(lipa.id);
  await page.locator('#worklist-count').waitFor();
  // Lipa holds more unscreened people than a page: 25 shown, the pager goes on.
  const rows = page.locator('#unscreened tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('#unscreened tbody tr').length === 25);
  assert.match(await page.locator('#unscreened-count').innerText(), /^Showing 1–25 of \d+$/);
  await page.locator('#unscreened-next').click();
  assert.match(await page.locator('#unscreened-count').innerText(), /^Showing 26–/);
  // Filtered by name.
  await page.getByLabel('Find in the lists').fill('Round, Child');
  await page.waitForFunction(() => document.querySelectorAll('#unscreened tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /Round, Child/);
  // The site chosen is the one the page opens on next time.
  await page.locator('#worklist-site').selectOption(other.id);
  await page.goto('/protection');
  await page.locator('#worklist-count').waitFor();
  assert.equal(await page.locator('#worklist-site').inputValue(), other.id);
  await checkA11y(page, 'worklist');
  assert.deepEqual(errors, []);
});
