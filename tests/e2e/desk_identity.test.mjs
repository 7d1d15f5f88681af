// The desk's identity checks in the browser (issue 11): a common name lists every
// earlier namesake with a warning and how sure the engine is; the search box finds
// spelling and script variants.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y } from './browser.mjs';

let server, b, token, site;

before(async () => {
  server = await startServer({ demo: true, people: 60 });
  token = await server.login('registrar');
  site = (await server.request('GET', '/api/v1/sites', { token })).body.items[0].id;
  for (let y = 1984; y <= 1990; y++) {
    const r = await server.request('POST', '/api/v1/persons', { token, body: { given_name: 'Mohammad',
      family_name: 'Hussaini', sex: 'M', citizenship: 'AF', birth_date: `${y}-01-01`, birth_date_precision: 'year', site_id: site } });
    assert.equal(r.status, 201, r.text);
  }
  b = await openBrowser(server.base);
  await login(b.page, server, 'registrar');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('a common name typed crossed and respelled lists the namesakes with a warning', async () => {
  const { page, errors } = b;
  await page.goto('/register');
  await page.locator('#register-form').waitFor();
  await page.locator('input[name="given_name"]').fill('HUSAINI');
  await page.locator('input[name="family_name"]').fill('Muhamed');
  await page.locator('#cand-list .candidate').first().waitFor();
  const warning = page.locator('#cand-namesakes');
  await warning.waitFor();
  assert.match(await warning.innerText(), /^7 earlier registrations share this name/);
  assert.equal(await page.locator('#cand-list .candidate').count(), 7);
  assert.match(await page.locator('#cand-list .sureness').first().innerText(), /The engine is \d+(\.\d)?% sure/);
  assert.match(await page.locator('#cand-status').innerText(), /^7 possible earlier registrations/);
  await checkA11y(page, 'desk candidates with a namesake warning');
  assert.deepEqual(errors, []);
});

test('the search box finds spelling and script variants and registration digits', async () => {
  const { page, errors } = b;
  await page.goto('/search');
  await page.locator('#search-q').fill('Husaini');
  await page.locator('#search-q').press('Enter');
  await page.locator('#search-results tbody tr').first().waitFor();
  assert.ok((await page.locator('#search-results tbody').innerText()).includes('Hussaini'));
  await page.locator('#search-q').fill('Мохамед Хусеини');
  await page.locator('#search-q').press('Enter');
  await page.waitForFunction(() => /Мохамед/.test(document.querySelector('#search-status').textContent));
  assert.equal(await page.locator('#search-results tbody tr').count(), 7);
  const regNo = (await page.locator('#search-results tbody tr td.reg-no').first().innerText()).trim();
  const digits = regNo.replace(/\D/g, '');
  await page.locator('#search-q').fill(digits);
  await page.locator('#search-q').press('Enter');
  await page.waitForFunction((d) => document.querySelector('#search-status').textContent.includes(d), digits);
  assert.ok((await page.locator('#search-results tbody').innerText()).includes(regNo));
  assert.deepEqual(errors, []);
});
