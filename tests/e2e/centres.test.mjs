// The centres in the browser: a distribution at the desk refused by the entitlement rule
// and then given with a reason; a PSEA report recorded and then out of the recorder's
// reach; a session's attendance counted. Every page is checked with axe-core, and the
// desk on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

const MARKER = 'QUOLL-2290 asked for money';
let server, lipa, adult;

before(async () => {
  server = await startServer({ demo: true, people: 200 });
  const token = await server.login('admin');
  const sites = await server.request('GET', '/api/v1/sites', { token });
  lipa = sites.body.items.find((s) => s.code === 'LIP');
  const res = await server.request('GET', `/api/v1/sites/${lipa.id}/residents?limit=100`, { token });
  adult = res.body.items.map((r) => r.person).find((p) => p.birth_date && p.birth_date < '2000-01-01');
  assert.ok(adult, 'an adult at Lipa');
});
after(async () => { await server?.stop(); });

test('distribution_refused_by_the_rule_then_given_with_a_reason', async () => {
  const b = await openBrowser(server.base);
  try {
    const { page, errors } = b;
    await login(page, server, 'registrar');
    await page.goto('/distributions');
    await page.locator('#desk-find').waitFor();
    await page.locator('#desk-site').selectOption(lipa.id);
    await page.locator('#desk-find').fill(adult.reg_no);
    await page.locator(`.finder-pick[data-person="${adult.id}"]`).click();
    await page.locator('#entitlements').waitFor();
    await checkA11y(page, 'distribution desk');
    // A first hygiene kit (if the demo gave none this month) makes the second one a repeat.
    const kitRow = page.locator('#entitlements tr[data-code="hygiene_kit"]');
    if (!(await kitRow.getAttribute('class'))?.includes('not-entitled')) {
      await page.locator('#give-hygiene_kit').check();
      await page.locator('#give-submit').click();
      await page.locator('#give-done').filter({ hasText: 'Given' }).waitFor();
    }
    await page.locator('#entitlements tr.not-entitled[data-code="hygiene_kit"]').waitFor();
    await page.locator('#give-hygiene_kit').check();
    await page.locator('#give-submit').click();
    const error = page.locator('[data-field="reason"] .field-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Hygiene kit: Received recently/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'give-reason');
    await screenshot(page, 'distribution-desk');
    await page.locator('#give-reason').fill('First kit soaked in the rain on the way back');
    await page.locator('#give-submit').click();
    await page.locator('#give-done').filter({ hasText: 'Given: 1' }).waitFor();
    assert.match(await page.locator('#history').innerText(), /First kit soaked in the rain/);
    // The same desk on a phone: no sideways scrolling of the page.
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide, false, 'the desk scrolls sideways on a phone');
    await checkA11y(page, 'distribution desk on a phone');
    assert.deepEqual(errors, []);
  } finally { await b.browser.close(); }
});

test('psea_report_recorded_then_invisible_to_the_recorder', async () => {
  const b = await openBrowser(server.base);
  try {
    const { page, errors } = b;
    await login(page, server, 'registrar');
    await page.goto('/psea/new');
    await page.locator('#psea-summary').waitFor();
    await checkA11y(page, 'PSEA form');
    await page.locator('#psea-site').selectOption(lipa.id);
    await page.locator('#psea-summary').fill(MARKER);
    await page.locator('#psea-alleged').fill('a kitchen worker');
    await page.locator('#psea-submit').click();
    await page.locator('#psea-reference').waitFor();
    assert.match(await page.locator('#psea-reference').innerText(), /^PSEA-/);
    assert.ok(!(await page.content()).includes('QUOLL'), 'the report stays on the screen');
    await screenshot(page, 'psea-sent');
    // The recorder has no way back to it: no menu entry, and the inbox is refused.
    assert.equal(await page.locator('nav a[href="/psea"]').count(), 0);
    await page.goto('/psea');
    await page.locator('.state-box h1').waitFor();
    assert.match(await page.locator('.state-box').innerText(), /not allowed|permission/i);
    // The administrator neither.
    await page.locator('#logout').click();
    await login(page, server, 'admin');
    await page.goto('/psea');
    await page.locator('.state-box h1').waitFor();
    await page.goto('/feedback');
    await page.locator('#feedback-list, #feedback-list-empty').first().waitFor();
    assert.ok(!(await page.content()).includes('QUOLL'));
    // The focal point reads it.
    await page.locator('#logout').click();
    await login(page, server, 'psea');
    await page.goto('/psea');
    await page.locator('#psea-list').waitFor();
    await checkA11y(page, 'PSEA inbox');
    await page.locator('#psea-list a').first().click();
    await page.locator('#psea-text').waitFor();
    const texts = await page.locator('#psea-text').innerText();
    if (!texts.includes('QUOLL')) {
      await page.goto('/psea');
      await page.locator('#psea-list tr', { hasText: 'QUOLL' }).locator('a').click();
      await page.locator('#psea-text', { hasText: 'QUOLL' }).waitFor();
    }
    await checkA11y(page, 'PSEA report');
    await screenshot(page, 'psea-report');
    assert.match(await page.locator('#psea-trail').innerText(), /read/);
    assert.deepEqual(errors, []);
  } finally { await b.browser.close(); }
});

test('session_attendance_counted', async () => {
  const b = await openBrowser(server.base);
  try {
    const { page, errors } = b;
    await login(page, server, 'registrar');
    await page.goto('/sessions');
    await page.locator('#new-session').waitFor();
    await checkA11y(page, 'sessions');
    await page.locator('#new-kind').selectOption('mine_risk_education');
    await page.locator('#new-site').selectOption(lipa.id);
    await page.locator('#new-topic').fill('Mines and unexploded ordnance on the route');
    await page.locator('#new-language').fill('ps');
    await page.locator('#new-submit').click();
    await page.locator('#counts-grid').waitFor();
    await page.locator('#count-M-18-59').fill('7');
    await page.locator('#count-F-18-59').fill('2');
    await page.locator('#counts-save').click();
    await page.locator('#kpi-total .kpi-value', { hasText: '9' }).waitFor();
    await page.locator('#attend-find').fill(adult.reg_no);
    await page.locator(`#attend-find-results .finder-pick[data-person="${adult.id}"]`).click();
    await page.locator('#kpi-total .kpi-value', { hasText: '10' }).waitFor();
    assert.equal(await page.locator('#kpi-registered .kpi-value').innerText(), '1');
    assert.match(await page.locator('#attendees').innerText(), new RegExp(adult.reg_no));
    await checkA11y(page, 'session');
    await screenshot(page, 'session-attendance');
    await page.goto('/sessions');
    await page.locator('#ses-chart canvas').waitFor();
    await screenshot(page, 'sessions');
    assert.deepEqual(errors, []);
  } finally { await b.browser.close(); }
});

test('every_centres_page_in_three_languages_passes_axe', async () => {
  const b = await openBrowser(server.base);
  try {
    const { page, errors } = b;
    const visits = [
      ['storekeeper', '/distributions/stock', '#stock', 'stock'],
      ['viewer', '/distributions/reports', '#report-chart canvas', 'distribution-reports'],
      ['complaints', '/feedback', '#feedback-list', 'feedback'],
      ['complaints', '/surveys', '#sv-chart canvas', 'surveys'],
      ['trainer', '/trainings', '#training-list', 'trainings'],
    ];
    for (const [who, path, ready, shot] of visits) {
      await login(page, server, who);
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await checkA11y(page, path);
      await screenshot(page, shot);
      for (const locale of ['bs', 'sr-Cyrl']) {
        await page.locator('#locale-select').selectOption(locale);
        // The page is drawn again in the new language: wait for it, not for the old one.
        await page.locator(`html[lang="${locale}"]`).waitFor({ state: 'attached' });
        await page.waitForLoadState('networkidle');
        await page.locator(ready).first().waitFor();
        const body = await page.locator('main').innerText();
        assert.ok(!/\b(dist|fb|ses|tr|psea|sv|centres)\.[a-z_]+/.test(body), `${path} in ${locale} shows a message key`);
      }
      await page.locator('#locale-select').selectOption('en');
      await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
      await page.locator('#logout').click();
    }
    await login(page, server, 'trainer');
    await page.goto('/trainings');
    await page.locator('#training-list a').first().click();
    await page.locator('#participants').waitFor();
    await checkA11y(page, 'training');
    await screenshot(page, 'training');
    const href = await page.locator('#certificates').getAttribute('href');
    const pdf = await page.evaluate(async (u) => { const r = await fetch(u); return [r.status, r.headers.get('content-type')]; }, href);
    assert.deepEqual(pdf, [200, 'application/pdf']);
    assert.deepEqual(errors, []);
  } finally { await b.browser.close(); }
});
