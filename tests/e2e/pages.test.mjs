// Every page: axe-core finds no serious or critical problem, nothing overflows at
// 200% zoom of a 1366x768 screen, and a screenshot of each main page is saved to
// docs/screenshots/ for the README.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot, navTo } from './browser.mjs';

let server, admin, registrar, anon, token, sites, arabic;

before(async () => {
  server = await startServer({ demo: true, people: 2000 });
  token = await server.login('admin');
  sites = (await server.request('GET', '/api/v1/sites', { token })).body.items;
  const lip = sites.find((s) => s.code === 'LIP');
  const res = await server.request('GET', `/api/v1/sites/${lip.id}/residents?limit=500`, { token });
  arabic = res.body.items.find((r) => r.person.native_name && /[\u0600-\u06FF]/.test(r.person.native_name)).person;
  await server.request('POST', '/api/v1/persons', { token, body: { given_name: 'Ali', family_name: 'Ahmadi', sex: 'M',
    birth_date: '1990-01-01', birth_date_precision: 'year', citizenship: 'AF', site_id: lip.id } });
  [admin, registrar, anon] = await Promise.all([openBrowser(server.base), openBrowser(server.base), openBrowser(server.base)]);
  await login(admin.page, server, 'admin');
  await login(registrar.page, server, 'registrar');
});
after(async () => {
  for (const b of [admin, registrar, anon]) await b?.browser.close();
  await server.stop();
});

// Opens a page and waits until its main heading is there.
async function open(page, path) {
  await page.goto(path);
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
}

// At 200% zoom a 1366x768 screen is 683x384 CSS pixels: nothing may need
// horizontal scrolling except wide tables inside their own scroll box.
async function checkZoom(page, label) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 683, height: 384 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(size);
  assert.ok(overflow <= 1, `${label}: the page scrolls sideways by ${overflow}px at 200% zoom`);
}

async function checkPage(page, label, shot) {
  await checkA11y(page, label);
  if (shot) await screenshot(page, shot);
  await checkZoom(page, label);
}

test('login_page_is_where_a_visit_without_a_session_lands', async () => {
  await open(anon.page, '/sites');
  assert.match(anon.page.url(), /\/login$/);
  assert.equal(await anon.page.locator('main h1').innerText(), 'Log in to Haven');
  await checkPage(anon.page, 'login', 'login');
  assert.deepEqual(anon.errors, []);
});

test('dashboard', async () => {
  await open(admin.page, '/');
  await admin.page.locator('canvas').first().waitFor();
  await checkPage(admin.page, 'dashboard', 'dashboard');
});

test('stays_list_behind_the_dashboard', async () => {
  const { page } = admin;
  await open(page, '/');
  await page.locator('#kpi-arrivals a').click();
  await page.locator('#stays tbody tr').first().waitFor();
  await page.waitForLoadState('networkidle');
  await checkPage(page, 'stays list', 'stays');
});

test('registration_desk_with_a_candidate', async () => {
  const { page } = registrar;
  await open(page, '/register');
  await checkA11y(page, 'registration desk (empty)');
  await page.getByLabel('Given name').fill('Ahmadi');
  await page.getByLabel('Family name').fill('Ali');
  await page.getByLabel('Male', { exact: true }).check();
  await page.getByLabel('Year only').check();
  await page.getByLabel('Year of birth').fill('1990');
  await page.getByLabel('Citizenship').fill('afg');
  await page.keyboard.press('Tab');
  await page.getByLabel('Languages').fill('pas');
  await page.keyboard.press('Enter');
  await page.getByLabel('Languages').fill('dari');
  await page.locator('#cand-list .candidate').first().waitFor();
  await checkPage(page, 'registration desk (typing, candidates)', 'registration-desk');
  await page.keyboard.press('Escape');
  await page.getByLabel('None of these is the person').check();
  await page.getByLabel('Bed').fill('C7-12');
  await page.getByRole('button', { name: 'Register and check in' }).click();
  await page.locator('#new-reg-no').waitFor();
  await checkPage(page, 'registration desk (registered)', 'registration-done');
});

test('person_profile_with_arabic_name', async () => {
  const { page } = registrar;
  await open(page, `/persons/${arabic.id}`);
  await page.locator('#current-bed').waitFor();
  const dir = await page.locator('.page-head bdi[dir="auto"]').first().getAttribute('dir');
  assert.equal(dir, 'auto');
  await checkPage(page, 'person profile', 'person-profile');
  await page.locator('#checkout-person').click();
  await page.locator('#checkout-dialog').waitFor();
  await checkA11y(page, 'check-out dialog');
  await screenshot(page, 'check-out');
  await page.keyboard.press('Escape');
  await page.locator('#checkout-dialog').waitFor({ state: 'detached' });
  await page.locator('#edit-person').click();
  await page.locator('#edit-form').waitFor();
  await checkA11y(page, 'person edit form');
});

test('person_profile_with_possible_duplicates', async () => {
  const { page } = registrar;
  const lip = sites.find((s) => s.code === 'LIP');
  const reg = async (body) => (await server.request('POST', '/api/v1/persons', { token, body: {
    sex: 'M', citizenship: 'AF', site_id: lip.id, languages: ['fa'], ...body } })).body;
  const first = await reg({ given_name: 'Qudratullah', family_name: 'Ghaznawi', native_name: 'قدرت‌الله غزنوی',
    birth_date: '1999-03-14', birth_date_precision: 'exact', check_in: true, bed: 'B2-14' });
  await reg({ given_name: 'Ghaznawi', family_name: 'Qudratullah', birth_date: '1999-01-01', birth_date_precision: 'year' });
  await reg({ given_name: 'Kudratullah', family_name: 'Gaznawi', birth_date: '1999-03-14', birth_date_precision: 'exact' });
  await open(page, `/persons/${first.id}`);
  await page.locator('#dupe-list li').first().waitFor();
  // The name at the top, the possible duplicates in view below it.
  await page.evaluate(() => window.scrollTo(0, document.querySelector('.page-head').getBoundingClientRect().top + window.scrollY - 12));
  await checkPage(page, 'person profile with possible duplicates', 'duplicates');
  await page.locator('#dupe-list .merge-btn').first().click();
  await checkA11y(page, 'merge dialog');
  await page.keyboard.press('Escape');
});

test('site_board', async () => {
  const { page } = registrar;
  const lip = sites.find((s) => s.code === 'LIP');
  await open(page, `/sites/${lip.id}`);
  await page.locator('#residents tbody tr').first().waitFor();
  await checkPage(page, 'site board', 'site-board');
  await open(page, '/sites');
  await checkPage(page, 'sites', null);
});

test('search', async () => {
  const { page } = registrar;
  await open(page, '/search?q=ali');
  await page.locator('#search-results tbody tr').first().waitFor();
  await checkPage(page, 'search', 'search');
});

test('admin_pages', async () => {
  const { page } = admin;
  await open(page, '/admin/users');
  await page.locator('#admin-users tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'New user' }).click();
  await checkPage(page, 'admin users', 'admin-users');
  await open(page, '/admin/sites');
  await page.locator('#admin-sites tbody tr').first().waitFor();
  await checkPage(page, 'admin sites', 'admin-sites');
  await page.getByRole('button', { name: 'New site' }).click();
  await checkA11y(page, 'admin sites (new site form)');
});

test('states_not_found_forbidden_expired', async () => {
  const { page } = registrar;
  await open(page, '/persons/00000000-0000-0000-0000-000000000000');
  assert.equal(await page.locator('main h1').innerText(), 'Not found');
  await checkPage(page, 'not found', null);
  await open(page, '/admin/users');
  assert.equal(await page.locator('main h1').innerText(), 'Not allowed');
  await checkA11y(page, 'forbidden');
  // The session ends while the page is open: the next request says so.
  await registrar.context.clearCookies();
  await navTo(page, 'Search');
  await page.locator('#session-expired').waitFor();
  await checkPage(page, 'session expired', 'session-expired');
  await login(page, server, 'registrar');
});

test('pages_in_serbian_cyrillic_and_bosnian', async () => {
  const { page } = admin;
  await open(page, '/');
  await page.locator('#locale-select').selectOption('sr-Cyrl');
  await page.getByRole('heading', { level: 1, name: 'Контролна табла' }).waitFor();
  await page.locator('canvas').first().waitFor();
  await checkPage(page, 'dashboard sr-Cyrl', 'dashboard-sr-Cyrl');
  await page.locator('#locale-select').selectOption('bs');
  await open(page, '/register');
  await checkPage(page, 'registration desk bs', null);
  await page.locator('#locale-select').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Registration desk' }).waitFor();
});
