// Shared by the browser tests: Debian's chromium driven by playwright-core, a fresh
// profile per test file, logging in through the real login form, axe-core checks.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';

export const AXE = new URL('../../node_modules/axe-core/axe.min.js', import.meta.url).pathname;
// `make screenshots` sets HAVEN_SCREENSHOTS=docs/screenshots; ordinary test runs keep
// their pictures out of the source tree.
export const SCREENSHOTS = resolve(process.env.HAVEN_SCREENSHOTS || join(tmpdir(), 'haven-screenshots'));

// Starts chromium; returns {browser, context, page, errors} where errors collects
// console errors and page errors (a test may assert there are none).
// args adds chromium switches (a fake camera, for example).
export async function openBrowser(base, { locale = 'en-GB', viewport = { width: 1366, height: 768 }, args = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
  const context = await browser.newContext({ baseURL: base, viewport, locale, timezoneId: 'Europe/Sarajevo' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 401/404 answers the interface handles itself are logged by chromium as failed loads.
    if (m.type() === 'error' && !/status of (401|403|404|409)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { browser, context, page, errors };
}

// Logs in through the form and waits for the first page after it.
export async function login(page, server, username) {
  // A logout clicked just before may still be on its way: without the old session's
  // cookie the login page is the login form, not the old user's start page.
  await page.context().clearCookies();
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(server.logins[username].password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#logout').waitFor();
}

let axeSource = null;

// Runs axe-core on the page; fails on any serious or critical violation. axe is
// evaluated through the DevTools protocol: page.addScriptTag would add an inline
// script, which the server's Content-Security-Policy rightly refuses.
export async function checkA11y(page, label) {
  axeSource ??= readFileSync(AXE, 'utf8');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
  assert.equal(bad.length, 0, `${label}: axe-core found\n${text}`);
}

// Saves a 1366x768 screenshot as <SCREENSHOTS>/<name>.png.
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

// Follows a link of the main menu by its name. A menu too long for one line groups its
// links behind area buttons (web/js/components/nav-menu.js): the area holding the link is
// opened first, as a user would.
export async function navTo(page, name) {
  const nav = page.locator('#nav');
  const link = nav.getByRole('link', { name, exact: true });
  // The menu is drawn again after a change of language: wait for the link to be there.
  await nav.getByRole('link', { name, exact: true, includeHidden: true }).waitFor({ state: 'attached' });
  if (!(await link.isVisible())) {
    const area = nav.locator('li.nav-area-item').filter({ has: page.getByRole('link', { name, exact: true, includeHidden: true }) });
    await area.getByRole('button').click();
  }
  await link.click();
}
