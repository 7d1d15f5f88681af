// A return counsellor walks a person from counselling to arrival in the browser: the
// return file, a counselling session, a case opened with the intention, every step with
// its details up to the confirmed arrival; a step refused by the server (the case was
// closed meanwhile) shows the translated 409 message. Pages are checked with axe-core,
// in English and Bosnian.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

let server, b, token, people;

before(async () => {
  server = await startServer({ demo: true, people: 150 });
  token = await server.login('counsellor');
  const sites = await server.request('GET', '/api/v1/sites', { token });
  const lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  const residents = await server.request('GET', `/api/v1/sites/${lipa}/residents?limit=200`, { token });
  people = [];
  for (const r of residents.body.items) {
    const open = await server.request('GET', `/api/v1/returns?person=${r.person.id}`, { token });
    if (open.body.total === 0) people.push(r.person.id);
    if (people.length === 2) break;
  }
  assert.equal(people.length, 2);
  b = await openBrowser(server.base);
  await login(b.page, server, 'counsellor');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

const details = {
  documents_requested: { 'detail-embassy': 'Embassy of the Kingdom of Morocco, Belgrade' },
  documents_issued: {},
  fit_to_travel: {},
  travel_booked: { 'detail-itinerary': 'SJJ-IST-CMN TK1022' },
  departed: {},
  arrived: { 'detail-arrival_confirmed_by': 'IOM Rabat' },
};

test('a_counsellor_walks_a_case_from_intention_to_arrived', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${people[0]}`);
  await page.locator('#return-file-link').click();
  await page.locator('#counselling-form').waitFor();
  await checkA11y(page, 'return file');
  await page.locator('#coun-language').fill('ar');
  await page.locator('#topic-avrr_programme').check();
  await page.locator('#topic-reintegration').check();
  await page.locator('#coun-outcome').selectOption('intention_expressed');
  await page.locator('#coun-submit').click();
  await page.locator('#counselling-list tbody tr').first().waitFor();
  assert.match(await page.locator('#counselling-list').textContent(), /Intention to return expressed/);
  await page.locator('#case-country').selectOption('MA');
  await page.locator('#case-place').fill('Oujda');
  await page.locator('#case-submit').click();
  await page.locator('#timeline').waitFor();
  assert.match(await page.locator('#case-state').textContent(), /Intention to return/);
  await checkA11y(page, 'case timeline');
  for (const to of ['eligibility_checked', ...Object.keys(details)]) {
    await page.locator(`#next-${to}`).click();
    await page.locator('#step-form').waitFor();
    for (const [id, value] of Object.entries(details[to] || {})) await page.locator(`#${id}`).fill(value);
    if (to === 'travel_booked') await checkA11y(page, 'step form');
    await page.locator('#step-submit').click();
    await page.locator(`#timeline li[data-state="${to}"]`).waitFor();
  }
  assert.equal(await page.locator('#timeline li').count(), 8);
  assert.match(await page.locator('#case-state').textContent(), /Arrived/);
  assert.match(await page.locator('#timeline').textContent(), /IOM Rabat/);
  assert.equal(await page.locator('.next-steps button').count(), 0);
  // The reintegration plan, then the 3-month monitoring visit with its score.
  await page.locator('#plan-kind').selectOption('business');
  await page.locator('#plan-budget').fill('2500');
  await page.locator('#plan-submit').click();
  await page.locator('#plan-facts').waitFor();
  assert.match(await page.locator('#plan-facts').textContent(), /Small business.*2500 EUR.*IOM Rabat/);
  await checkA11y(page, 'reintegration plan');
  await page.locator('#answer-wellbeing').selectOption('0');
  await page.locator('#visit-submit').click();
  await page.locator('#visits li').first().waitFor();
  assert.match(await page.locator('#visits').textContent(), /3-month visit.*sustainability 82\/100/);
  await screenshot(page, 'returns-case');
  await page.goto('/returns?state=');
  await page.locator('#case-list').waitFor();
  assert.match(await page.locator('#visits-due').textContent(), /6-month visit/);
  await checkA11y(page, 'caseload');
  await screenshot(page, 'returns-caseload');
  assert.deepEqual(errors, []);
});

test('a_step_refused_by_the_server_shows_why_in_the_users_language', async () => {
  const { page } = b;
  const created = await server.request('POST', '/api/v1/returns', { token, body: { person_id: people[1], destination_country: 'TR' } });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id;
  await page.goto(`/returns/cases/${id}`);
  await page.locator('#next-eligibility_checked').waitFor();
  // Meanwhile a colleague records that the person withdrew.
  const w = await server.request('POST', `/api/v1/returns/${id}/transitions`, { token, body: { to: 'withdrawn', details: { reason: 'Wants to apply for asylum' } } });
  assert.equal(w.status, 200, w.text);
  await page.locator('#next-eligibility_checked').click();
  await page.locator('#step-submit').click();
  await page.locator('#step-error').waitFor();
  assert.match(await page.locator('#step-error').textContent(), /the case is closed \(“Withdrawn”\)\. Nothing was changed/);
  await checkA11y(page, 'refused step');
  // The same in Bosnian, on another case closed meanwhile.
  await page.locator('#locale-select').selectOption('bs');
  await page.locator('h1', { hasText: 'Predmet povratka' }).waitFor();
  const other = await server.request('POST', '/api/v1/returns', { token, body: { person_id: people[1], destination_country: 'TR' } });
  assert.equal(other.status, 201, other.text);
  await page.goto(`/returns/cases/${other.body.id}`);
  await page.locator('#next-eligibility_checked').waitFor();
  const c = await server.request('POST', `/api/v1/returns/${other.body.id}/transitions`, { token, body: { to: 'cancelled', details: { reason: 'No travel document' } } });
  assert.equal(c.status, 200, c.text);
  await page.locator('#next-eligibility_checked').click();
  await page.locator('#step-submit').click();
  await page.locator('#step-error').waitFor();
  assert.match(await page.locator('#step-error').textContent(), /predmet je zatvoren \(„Otkazano“\)/);
  await page.goto('/returns');
  await page.locator('h1', { hasText: 'Predmeti povratka' }).waitFor();
  await checkA11y(page, 'caseload in Bosnian');
  await page.locator('#locale-select').selectOption('en');
});

test('a_registered_family_goes_home_on_one_case_the_counsellor_ticks_who_travels', async () => {
  const { page, errors } = b;
  const registrar = await server.login('registrar');
  const sites = await server.request('GET', '/api/v1/sites', { token: registrar });
  const lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  const fam = await server.request('POST', '/api/v1/families', { token: registrar, body: { site_id: lipa, members: [
    { relation: 'head', person: { given_name: 'Karim', family_name: 'Haddadi', sex: 'M', citizenship: 'MA', birth_date: '1988-03-02' } },
    { relation: 'spouse', person: { given_name: 'Samira', family_name: 'Haddadi', sex: 'F', citizenship: 'MA', birth_date: '1991-06-14' } },
    { relation: 'child', person: { given_name: 'Yassin', family_name: 'Haddadi', sex: 'M', citizenship: 'MA', birth_date: '2019-10-01' } }] } });
  assert.equal(fam.status, 201, fam.text);
  const [head, spouse, child] = fam.body.members.map((m) => m.person_id);

  await page.goto(`/returns/persons/${head}`);
  // The family is offered by name, none ticked: the counsellor says who travels.
  const spouseBox = page.locator(`#case-member-${spouse}`);
  await spouseBox.waitFor();
  assert.equal(await page.getByLabel(/Samira.*Spouse/).isChecked(), false);
  assert.equal(await page.getByLabel(/Yassin.*Child/).isChecked(), false);
  assert.equal(await page.locator(`#case-member-${head}`).count(), 0);
  await checkA11y(page, 'return file with a family');
  await page.getByLabel(/Samira.*Spouse/).check();
  await page.locator('#case-country').selectOption('MA');
  await page.locator('#case-submit').click();
  await page.waitForURL(/\/returns\/cases\//);
  const id = page.url().split('/').pop();
  const c = await server.request('GET', `/api/v1/returns/${id}`, { token });
  assert.equal(c.status, 200, c.text);
  assert.deepEqual(c.body.travellers.map((x) => x.person_id).sort(), [head, spouse].sort());
  assert.ok(!c.body.travellers.some((x) => x.person_id === child));
  assert.deepEqual(errors, []);
});
