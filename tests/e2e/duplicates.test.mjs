// Possible duplicates on the profile: a registrar merges a duplicate (the survivor
// then shows the other record's stays, and the merged record says where it went),
// undoes the merge, and marks a candidate not the same person, after which it is not
// suggested again. A merge the server refuses is explained.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b, token, lipa;

async function register(body) {
  const r = await server.request('POST', '/api/v1/persons', { token, body: { sex: 'M', citizenship: 'AF', site_id: lipa.id, ...body } });
  if (r.status !== 201) throw new Error(r.text);
  return r.body;
}

before(async () => {
  server = await startServer({ demo: true, people: 50 });
  token = await server.login('admin');
  lipa = (await server.request('GET', '/api/v1/sites', { token })).body.items.find((s) => s.code === 'LIP');
  b = await openBrowser(server.base);
  await login(b.page, server, 'registrar');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

async function profile(page, id) {
  await page.goto(`/persons/${id}`);
  await page.locator('#person-name').waitFor();
  await page.waitForLoadState('networkidle');
}

test('merge_shows_the_stays_together_undo_separates_them_and_not_the_same_is_not_suggested_again', async () => {
  const { page, errors } = b;
  const a = await register({ given_name: 'Mohammad', family_name: 'Hussaini', birth_date: '1999-03-14', birth_date_precision: 'exact' });
  const other = await register({ given_name: 'Hussaini', family_name: 'Mohammad', birth_date: '1999-01-01',
    birth_date_precision: 'year', check_in: true, bed: 'D4-02' });

  await profile(page, a.id);
  const cand = page.locator(`#dupe-list li[data-candidate="${other.id}"]`);
  await cand.waitFor();
  // A year-only birth date is not shown as 1 January.
  assert.match(await cand.innerText(), /1999 \(year only\)/);
  assert.doesNotMatch(await cand.innerText(), /1 Jan/);
  await page.getByText('No stays recorded.').waitFor();
  await checkA11y(page, 'profile with a possible duplicate');

  // Same person: the dialog says what will happen; cancelling changes nothing.
  await cand.getByRole('button', { name: 'Same person (merge) – Mohammad, Hussaini' }).click();
  await page.locator('dialog #confirm-text').waitFor();
  assert.match(await page.locator('#confirm-text').innerText(), /will become part of Hussaini, Mohammad .*can be undone/);
  await checkA11y(page, 'merge dialog');
  await page.keyboard.press('Escape');
  await page.locator('dialog').waitFor({ state: 'detached' });
  assert.equal(await page.locator('#merged-records').isHidden(), true);

  await cand.locator('.merge-btn').click();
  await page.locator('#confirm-yes').click();
  const mergedItem = page.locator(`#merged-list li[data-merged="${other.id}"]`);
  await mergedItem.waitFor();
  // The survivor now shows the other record's stay, and is checked in through it.
  assert.match(await page.locator('#stays').innerText(), /TRC Lipa · Bed D4-02/);
  assert.equal(await page.locator('#current-bed').innerText(), 'D4-02');
  assert.equal(await page.locator(`#dupe-list li[data-candidate="${other.id}"]`).count(), 0);
  await checkA11y(page, 'profile with a merged record');

  // The merged record says where it went, and offers no change.
  await mergedItem.getByRole('link').click();
  await page.locator('#merged-banner').waitFor();
  assert.match(await page.locator('#merged-banner').innerText(), /This record was merged into Hussaini, Mohammad/);
  for (const sel of ['#edit-person', '#checkin-form', '#checkout-person', '#duplicates']) {
    assert.equal(await page.locator(sel).count(), 0, `${sel} on a merged record`);
  }
  await checkA11y(page, 'merged record');
  await page.locator('#merged-into-link').click();
  await mergedItem.waitFor();

  // Undo: the records are separate again and the other is a candidate again.
  await mergedItem.getByRole('button', { name: 'Undo merge – Mohammad, Hussaini' }).click();
  assert.match(await page.locator('#confirm-text').innerText(), /separate person again/);
  await page.locator('#confirm-yes').click();
  await cand.waitFor();
  assert.equal(await page.locator('#merged-records').isHidden(), true);
  await page.getByText('No stays recorded.').waitFor();

  // Not the same person: gone from the list, and still gone after a reload.
  await cand.locator('.distinct-btn').click();
  assert.match(await page.locator('#confirm-text').innerText(), /will not be suggested as a duplicate/);
  await page.locator('#confirm-yes').click();
  await cand.waitFor({ state: 'detached' });
  await profile(page, a.id);
  assert.equal(await page.locator(`#dupe-list li[data-candidate="${other.id}"]`).count(), 0);
  await checkA11y(page, 'profile after not the same person');
  assert.deepEqual(errors, []);
});

test('a_merge_of_two_people_both_checked_in_is_refused_and_explained', async () => {
  const { page, errors } = b;
  const a = await register({ given_name: 'Karim', family_name: 'Rahimi', birth_date: '1988-01-01', birth_date_precision: 'year', check_in: true });
  const other = await register({ given_name: 'Rahimi', family_name: 'Karim', birth_date: '1988-01-01', birth_date_precision: 'year', check_in: true });
  await profile(page, a.id);
  const cand = page.locator(`#dupe-list li[data-candidate="${other.id}"]`);
  await cand.locator('.merge-btn').click();
  await page.locator('#confirm-yes').click();
  const alert = page.locator('#duplicates [role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /cannot be merged: both are checked in now/);
  assert.equal(await page.locator('#merged-records').isHidden(), true);
  await checkA11y(page, 'refused merge');
  assert.deepEqual(errors.filter((e) => !/status of 409/.test(e)), []);
});
