// Desk, board and profile say where a person is: "already checked in" names the site
// and bed and offers a transfer; no "bed none"; the board's bed filter takes any case
// and a prefix; a site the user is not given reads "another site"; a person with
// protection needs is flagged on the board and in the check-out dialog, which asks to
// confirm that the protection team knows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b, admin, lipa, usivak, flagged, moved, elsewhere;

const person = (given, family, site, extra = {}) => server.request('POST', '/api/v1/persons', { token: admin, body: {
  given_name: given, family_name: family, sex: 'M', birth_date: '1990-03-04', citizenship: 'AF', site_id: site, ...extra } });

before(async () => {
  server = await startServer({ demo: true, people: 40 });
  admin = await server.login('admin');
  const sites = (await server.request('GET', '/api/v1/sites', { token: admin })).body.items;
  lipa = sites.find((s) => s.code === 'LIP');
  usivak = sites.find((s) => s.code === 'USI');
  // In Lipa, bed c12-3, with protection needs (an unaccompanied child, screened).
  flagged = (await person('Nadir', 'Qasemiyan', lipa.id, { check_in: true, bed: 'c12-3' })).body;
  const prot = await server.login('protection');
  const s = await server.request('POST', `/api/v1/persons/${flagged.id}/screenings`, { token: prot, body: {
    site_id: lipa.id, answers: { child_status: 'unaccompanied' } } });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  // In Ušivak, to be transferred to Lipa by the administrator.
  moved = (await person('Farid', 'Zamanzada', usivak.id, { check_in: true, bed: 'U4' })).body;
  // Registered in Ušivak (which Lipa's desk is not given), staying in Lipa now.
  elsewhere = (await person('Jawad', 'Rahimyar', usivak.id)).body;
  const st = await server.request('POST', '/api/v1/stays', { token: admin, body: { person_id: elsewhere.id, site_id: lipa.id } });
  assert.equal(st.status, 201, JSON.stringify(st.body));
  b = await openBrowser(server.base);
  await login(b.page, server, 'registrar');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

async function typeArrival(page, given, family, born = '04.03.1990') {
  await page.goto('/register');
  await page.getByLabel('Given name').fill(given);
  await page.getByLabel('Family name').fill(family);
  await page.getByLabel('Male', { exact: true }).check();
  await page.getByLabel('Date of birth').fill(born);
}

test('already_checked_in_says_where_and_the_success_never_says_bed_none', async () => {
  const { page, errors } = b;
  await typeArrival(page, 'Nadir', 'Qasemiyan');
  await page.getByRole('button', { name: /^Same person: check in here – Qasemiyan, Nadir/ }).click();
  const box = page.locator('#already-in');
  await box.waitFor();
  const text = await box.innerText();
  assert.match(text, /Qasemiyan, Nadir is already checked in at TRC Lipa, bed c12-3, since \d/);
  assert.match(text, /They are already here: nothing to do\./);
  assert.doesNotMatch(text, /Check them out first/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'already-profile');
  await checkA11y(page, 'already checked in');

  // A new arrival checked in without a bed: no "bed none".
  await typeArrival(page, 'Hamza', 'Ghulamiyar', '17.11.1977');
  await page.getByLabel('Citizenship').fill('afgh');
  await page.keyboard.press('Tab');
  await page.locator('#register-submit').click();
  const where = await page.locator('#checked-in-where').innerText();
  assert.equal(where, 'Checked in at TRC Lipa, no bed given yet.');
  assert.deepEqual(errors, []);
});

test('a_person_registered_at_a_site_the_desk_is_not_given_reads_another_site', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${elsewhere.id}`);
  await page.locator('#person-reg-no').waitFor();
  const facts = await page.locator('.facts').first().innerText();
  assert.match(facts, /Registered\s+.+ · another site/);
  assert.doesNotMatch(facts, /· —/);
  assert.deepEqual(errors, []);
});

test('the_board_finds_beds_by_prefix_in_any_case_and_flags_protection_needs_at_check_out', async () => {
  const { page, errors } = b;
  await page.goto(`/sites/${lipa.id}`);
  await page.locator('#residents tbody tr').first().waitFor();
  await page.getByLabel('Find a resident').fill('C12');
  await page.waitForFunction(() => document.querySelectorAll('#residents tbody tr').length === 1
    && /Qasemiyan/.test(document.querySelector('#residents tbody tr').innerText));
  const row = page.locator(`#residents tr[data-person="${flagged.id}"]`);
  assert.match(await row.innerText(), /Qasemiyan, Nadir\s+Protection/);
  assert.match(await row.innerText(), /c12-3/);
  await checkA11y(page, 'board with a flag');

  await row.getByRole('button', { name: 'Check out Qasemiyan, Nadir' }).click();
  const dialog = page.locator('#checkout-dialog');
  await dialog.locator('#checkout-flag').getByText('This person has protection needs. Tell the protection team before they leave.').waitFor();
  await dialog.getByLabel('Reason').selectOption('moved_on');
  await dialog.locator('#checkout-confirm').click();
  await dialog.getByText('Confirm that the protection team knows.').waitFor();
  assert.equal(await dialog.isVisible(), true);
  await dialog.getByLabel('The protection team knows this person is leaving').check();
  await dialog.locator('#checkout-confirm').click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('No resident matches.').waitFor();

  // Someone without protection needs: no flag, no question.
  await page.getByLabel('Find a resident').fill('Rahimyar');
  const other = page.locator(`#residents tr[data-person="${elsewhere.id}"]`);
  await other.waitFor();
  assert.doesNotMatch(await other.innerText(), /Protection/);
  await other.getByRole('button', { name: 'Check out Rahimyar, Jawad' }).click();
  assert.equal(await page.locator('#checkout-flag').count(), 0);
  assert.equal(await page.locator('#checkout-told').count(), 0);
  await page.locator('#checkout-dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.deepEqual(errors, []);
});

test('an_administrator_transfers_a_person_checked_in_elsewhere', async () => {
  const o = await openBrowser(server.base);
  try {
    const { page, errors } = o;
    await login(page, server, 'admin');
    await typeArrival(page, 'Farid', 'Zamanzada');
    await page.locator('#desk-site').selectOption(lipa.id);
    await page.getByRole('button', { name: /^Same person: check in here – Zamanzada, Farid/ }).click();
    const box = page.locator('#already-in');
    await box.waitFor();
    assert.match(await box.innerText(), /Zamanzada, Farid is already checked in at TRC Ušivak, bed U4, since/);
    await box.getByRole('button', { name: 'Transfer to TRC Lipa' }).click();
    const dialog = page.locator('#checkout-dialog');
    assert.equal(await dialog.getByLabel('Reason').inputValue(), 'transferred');
    await dialog.locator('#checkout-confirm').click();
    await page.getByRole('heading', { name: 'Checked in (registered before)' }).waitFor();
    assert.equal(await page.locator('#checked-in-where').innerText(), 'Checked in at TRC Lipa, no bed given yet.');
    const p = (await server.request('GET', `/api/v1/persons/${moved.id}`, { token: admin })).body;
    assert.equal(p.current_stay.site_id, lipa.id);
    assert.equal(p.stays.find((s) => s.site_id === usivak.id).checkout_reason, 'transferred');
    assert.deepEqual(errors, []);
  } finally {
    await o.browser.close();
  }
});
