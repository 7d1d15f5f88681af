// Sync conflicts in the browser: a field laptop (a second database, `haven sync`) and the
// centre change one person's phone differently; after the sync the administrator sees
// both values on the Sync conflicts page, must give a reason, and resolves it; the
// chosen value reaches the laptop at its next sync. axe-clean, at desk and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, haven } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

let server, b, laptop, user, personId;

const sql = (q) => execFileSync('sqlite3', [laptop, q], { encoding: 'utf8' }).trim();
function sync() {
  const r = haven(['sync', '--db', laptop, '--server', server.base, '--username', user, '--password-stdin'],
    `${server.logins[user].password}\n`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  server = await startServer({ demo: true, people: 30 });
  laptop = join(server.dir, 'laptop.db');
  user = Object.keys(server.logins).find((u) => server.logins[u].role === 'registrar');
  assert.match(sync(), /rows enrolled/);
  personId = sql("SELECT id FROM persons WHERE phone IS NOT NULL ORDER BY id LIMIT 1");
  assert.ok(personId);
  sql(`UPDATE persons SET phone = '+387 61 100 200' WHERE id = '${personId}'`);
  const token = await server.login('admin');
  const r = await server.request('PATCH', `/api/v1/persons/${personId}`, { token, body: { phone: '+387 62 300 400' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.match(sync(), /1 open conflicts/);
  b = await openBrowser(server.base);
  await login(b.page, server, 'admin');
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

test('a phone changed on the laptop and at the centre is a conflict resolved with a reason', async () => {
  const { page } = b;
  await page.goto('/sync/conflicts');
  const card = page.locator('#sync-conflicts form').first();
  await card.waitFor();
  await assert.doesNotReject(card.getByText('+387 62 300 400').waitFor());
  await card.getByText('+387 61 100 200').waitFor();
  await checkA11y(page, 'sync conflicts');
  await screenshot(page, 'sync-conflicts');
  await card.getByLabel(/Value from the other site/).check();
  await card.getByLabel('Reason').fill('ok');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await card.getByText('Say why this value stays').waitFor();
  await page.setViewportSize({ width: 390, height: 800 });
  await checkA11y(page, 'sync conflicts, phone width');
  await card.getByLabel('Reason').fill('He gave the newer number at the laptop desk');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await page.getByText('No open conflicts.').waitFor();
  sync();
  assert.equal(sql(`SELECT phone FROM persons WHERE id = '${personId}'`), '+387 61 100 200');
  assert.equal(sql("SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open'"), '0');
});
