// On a 390x844 phone: the header is compact (the menu folds behind a button), the desk
// says where the earlier registrations are, and the board's check-out buttons are on
// screen. Screenshots of the three pages in the three languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, login, checkA11y, SCREENSHOTS } from './browser.mjs';

const PHONE = { width: 390, height: 844 };
let server, b, lipa;

before(async () => {
  server = await startServer({ demo: true, people: 60 });
  const token = await server.login('registrar');
  lipa = (await server.request('GET', '/api/v1/sites', { token })).body.items.find((s) => s.code === 'LIP');
  for (let i = 0; i < 3; i++) {
    await server.request('POST', '/api/v1/persons', { token, body: { given_name: 'Phone', family_name: `Guest${i}`, sex: 'M',
      citizenship: 'PK', site_id: lipa.id, check_in: true, bed: `P${i}` } });
  }
  b = await openBrowser(server.base, { viewport: PHONE });
  await login(b.page, server, 'registrar');
});
after(async () => {
  await b?.browser.close();
  await server.stop();
});

async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

test('the_header_is_compact_and_the_menu_opens_behind_a_button', async () => {
  const { page, errors } = b;
  await page.goto('/register');
  await page.locator('#register-form').waitFor();
  const height = await page.locator('#topbar').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(height <= 110, `the header takes ${height}px of 844`);
  assert.equal(await page.getByRole('link', { name: 'Sites' }).isVisible(), false);
  const menu = page.getByRole('button', { name: 'Menu' });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await checkA11y(page, 'phone menu open');
  await page.getByRole('link', { name: 'Sites' }).click();
  await page.locator('main h1').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'), 'false');
  assert.deepEqual(errors, []);
});

// Where an element is on screen, once it is shown: the page renders again after a
// change of language, and an element replaced while measured has no box.
async function box(locator) {
  for (let i = 0; i < 50; i++) {
    await locator.waitFor();
    const b = await locator.boundingBox();
    if (b) return b;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${locator} has no box`);
}

test('the_desk_says_where_earlier_registrations_appear_on_a_phone', async () => {
  const { page, errors } = b;
  for (const [locale, under] of [['en', 'under it on a small screen'], ['bs', 'ispod njega na malom ekranu'], ['sr-Cyrl', 'испод њега на малом екрану']]) {
    await page.goto('/register');
    await page.locator('#register-form').waitFor();
    await page.locator('#locale-select').selectOption(locale);
    await page.locator('.lead-line').getByText(under).waitFor();
    assert.doesNotMatch(await page.locator('.lead-line').innerText(), /on the right|desno|десно/);
    // The list is under the form here, as the text says.
    const form = await box(page.locator('#register-form'));
    const list = await box(page.locator('#cand-heading'));
    assert.ok(list.y > form.y + form.height - 1);
    await shot(page, `phone-desk-${locale}`);
  }
  await page.locator('#locale-select').selectOption('en');
  await page.locator('.lead-line').getByText('under it on a small screen').waitFor();
  assert.deepEqual(errors, []);
});

test('the_boards_check_out_buttons_are_on_screen', async () => {
  const { page, errors } = b;
  await page.goto(`/sites/${lipa.id}`);
  await page.locator('#residents tbody tr').first().waitFor();
  const buttons = page.locator('#residents button', { hasText: 'Check out' });
  assert.ok(await buttons.count() >= 3);
  for (let i = 0; i < 3; i++) {
    const box = await buttons.nth(i).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `button ${i} at ${box.x}..${box.x + box.width}`);
  }
  await buttons.first().click();
  await page.locator('#checkout-dialog').waitFor();
  await page.locator('#checkout-dialog').getByRole('button', { name: 'Cancel' }).click();
  await checkA11y(page, 'phone board');
  await shot(page, 'phone-board');
  assert.deepEqual(errors, []);
});
