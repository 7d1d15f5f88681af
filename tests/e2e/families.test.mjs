// Families and tracing in the browser, at a phone's width: the desk registers a family
// together in one form (a missing name is shown at that person's field), checks the
// whole family in with one action and sees the members together on a profile; a
// protection officer records a tracing request, a relative registered later at another
// site is proposed, confirmed, and disclosed only after consent. axe-core on each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

const PHONE = { width: 390, height: 844 };
let server, admin, sites, shared;

before(async () => {
  server = await startServer({ demo: true, people: 10 });
  shared = await openBrowser(server.base, { viewport: PHONE });
  admin = await server.login('admin');
  sites = Object.fromEntries((await server.request('GET', '/api/v1/sites', { token: admin })).body.items.map((s) => [s.code, s.id]));
});
after(async () => { await shared?.browser.close(); await server?.stop(); });

// A fresh context (no session) in the browser the file shares, at a phone's width.
async function newPage() {
  const context = await shared.browser.newContext({ baseURL: server.base, viewport: PHONE, locale: 'en-GB', timezoneId: 'Europe/Sarajevo' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (401|403|404|409)/.test(m.text())) errors.push(`console: ${m.text()}`); });
  return { context, page, errors };
}

async function fillPerson(page, row, { given, family, sex, birth }) {
  const r = page.locator(`.family-row[data-row="${row}"]`);
  await r.getByLabel('Given name').fill(given);
  await r.getByLabel('Family name').fill(family);
  await r.getByLabel('Sex').selectOption(sex);
  await r.getByLabel('Date of birth').fill(birth);
}

test('the desk registers a family together and checks everyone in with one action', async () => {
  const b = await newPage();
  try {
    const { page, errors } = b;
    await login(page, server, 'registrar');
    await page.goto('/families');
    await page.locator('#fam-new-form').waitFor();
    await checkA11y(page, 'families');
    await fillPerson(page, 0, { given: 'Basir', family: 'Popalzai', sex: 'M', birth: '1979-05-05' });
    // The second person has no given name yet: the error lands on that person's field.
    await page.locator('.family-row[data-row="1"]').getByLabel('Family name').fill('Popalzai');
    await page.locator('#fam-rel-1').selectOption('spouse');
    await page.locator('#fam-new-submit').click();
    const err = page.locator('[data-field="members.1.person.given_name"] .field-error');
    await err.waitFor();
    assert.ok((await err.textContent()).length > 0);
    await page.locator('.family-row[data-row="1"]').getByLabel('Given name').fill('Mariam');
    await page.locator('.family-row[data-row="1"]').getByLabel('Sex').selectOption('F');
    await page.locator('#fam-add-row').click();
    await fillPerson(page, 2, { given: 'Yalda', family: 'Popalzai', sex: 'F', birth: '2019-09-09' });
    await page.locator('#fam-sep-2').selectOption('');
    await page.locator('#fam-new-submit').click();
    await page.locator('#family-members').waitFor();
    assert.match(await page.locator('#fam-name').textContent(), /Popalzai/);
    assert.equal(await page.locator('#family-members tbody tr').count(), 3);
    assert.match(await page.locator('#family-members').textContent(), /Under 18/);
    await checkA11y(page, 'family');
    await page.locator('#fam-in-submit').click();
    await page.locator('#fam-out-form').waitFor();
    const where = await page.locator('#family-members tbody tr td:nth-child(4)').allTextContents();
    assert.deepEqual(where.map((w) => /TRC Lipa/.test(w)), [true, true, true]);
    await screenshot(page, 'family-checked-in-phone');
    // Each member's profile shows the family together.
    await page.locator('#family-members tbody tr').first().locator('a').click();
    await page.locator('#person-family-members').waitFor();
    assert.equal(await page.locator('#person-family-members li').count(), 3);
    await checkA11y(page, 'profile with family');
    // The one refused request was the family without a given name, on purpose.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await b.context.close();
  }
});

test('a tracing request finds a relative registered later at another site; consent before disclosure', async () => {
  const b = await newPage();
  try {
    const { page, errors } = b;
    await login(page, server, 'protection');
    await page.goto('/tracing');
    await page.locator('#tr-form').waitFor();
    await checkA11y(page, 'tracing');
    await page.locator('#tr-asker').fill('Gul Ahmadzai');
    await page.locator('#tr-rel').selectOption('child');
    const form = page.locator('#tr-form');
    await form.getByLabel('Given name').fill('Rohullah');
    await form.getByLabel('Family name').fill('Ahmadzai');
    await form.getByLabel('Sex').selectOption('M');
    await form.getByLabel('Date of birth').fill('2009-04-04');
    await page.locator('#tr-place').fill('Bihać bus station');
    await page.locator('#tr-submit').click();
    await page.locator('#tr-disclosure').waitFor();
    assert.equal(await page.locator('#tr-no-matches').count(), 1);
    const url = page.url();
    // Registered later at Blažuj, which the officer does not have.
    const r = await server.request('POST', '/api/v1/persons', { token: admin, body: {
      given_name: 'Rohollah', family_name: 'Ahmadzai', sex: 'M', birth_date: '2009-04-04', citizenship: 'AF', site_id: sites.BLA } });
    assert.equal(r.status, 201, r.text);
    await page.goto(url);
    const match = page.locator('#tr-matches li').first();
    await match.waitFor();
    assert.match(await match.textContent(), /Ahmadzai/);
    await checkA11y(page, 'tracing request with a match');
    await match.locator('button[data-confirm]').click();
    await page.locator('#tr-consent-form').waitFor();
    assert.equal(await page.locator('#tr-tell').count(), 0);
    assert.match(await page.locator('#tr-disclosure').textContent(), /not been asked/);
    await page.locator('#tr-consent-submit').click();
    await page.locator('#tr-tell').waitFor();
    assert.match(await page.locator('#tr-tell').textContent(), /Rohollah Ahmadzai is at TRC Blažuj/);
    await checkA11y(page, 'tracing disclosed');
    await screenshot(page, 'tracing-found-phone');
    assert.deepEqual(errors, []);
  } finally {
    await b.context.close();
  }
});
