// Identity at the desk in the browser (issue 11): a document recorded on the profile
// (a bad number refused at its field, nothing saved), a photo chosen with the file or
// camera input (a non-image refused), the registration card offered, and a scanned card
// number opening the person; in three languages and on a phone; axe-core clean. With
// Chromium's fake camera showing a printed card: the card's QR code read by the camera
// opens the person, a new card makes the old one say it was replaced, and a photo is
// taken with the camera.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

let server, b, token, person;

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => { let c = 0xffffffff; for (const x of buf) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
// A 24x24 PNG: a blue square.
function png() {
  const n = 24;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(n, 0); ihdr.writeUInt32BE(n, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.concat(Array.from({ length: n }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(n * 3, Buffer.from([40, 90, 160]))])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  server = await startServer({ demo: true, people: 10 });
  token = await server.login('registrar');
  const site = (await server.request('GET', '/api/v1/sites', { token })).body.items[0].id;
  const r = await server.request('POST', '/api/v1/persons', { token, body: { given_name: 'Karim', family_name: 'Noori',
    sex: 'M', citizenship: 'AF', birth_date: '1993-04-05', site_id: site } });
  assert.equal(r.status, 201, r.text);
  person = r.body;
  b = await openBrowser(server.base);
  await login(b.page, server, 'registrar');
});
// The refusals a test provokes (400, 413, 415) are answers the page shows, not faults.
const faults = (errors) => errors.filter((e) => !/status of (400|413|415)/.test(e));

after(async () => {
  await b?.browser.close();
  await server.stop();
});

test('a document is recorded on the profile; a number with a control character is refused at its field', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${person.id}`);
  await page.locator('#identity-evidence #no-documents').waitFor();
  await page.locator('#doc-type').selectOption('passport');
  await page.locator('#doc-number').fill('P 12\u000734');
  await page.locator('#doc-save').click();
  const err = page.locator('[data-field="number"] .field-error');
  await err.waitFor();
  assert.match(await err.innerText(), /control characters|Only letters A–Z/);
  assert.equal(await page.locator('#doc-number').getAttribute('aria-invalid'), 'true');
  assert.equal((await server.request('GET', `/api/v1/persons/${person.id}/documents`, { token })).body.items.length, 0);
  await page.locator('#doc-number').fill('P 1234-567');
  await page.locator('#doc-expiry').fill('2030-06-30');
  await page.locator('#doc-save').click();
  await page.locator('#documents .doc-item').first().waitFor();
  const item = await page.locator('#documents .doc-item').first().innerText();
  assert.match(item, /Passport/);
  assert.match(item, /P 1234-567/);
  assert.match(item, /Afghanistan/);
  await checkA11y(page, 'profile with a document');
  assert.deepEqual(faults(errors), []);
});

test('a photo is chosen with the camera input; a text file is refused', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${person.id}`);
  const input = page.locator('#photo-file');
  await input.waitFor();
  assert.equal(await input.getAttribute('accept'), 'image/*');
  assert.equal(await input.getAttribute('capture'), 'user');
  await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo at all') });
  await page.locator('#photo-error').waitFor();
  assert.match(await page.locator('#photo-error').innerText(), /not a JPEG or PNG/);
  await input.setInputFiles({ name: 'face.png', mimeType: 'image/png', buffer: png() });
  await page.locator('#photo-img').waitFor();
  await page.waitForFunction(() => document.querySelector('#photo-img').naturalWidth > 0);
  assert.equal(await page.locator('#photo-img').getAttribute('alt'), 'Photo of Noori, Karim');
  const info = await server.request('GET', `/api/v1/persons/${person.id}/photo/info`, { token });
  assert.equal(info.body.content_type, 'image/jpeg', 'the browser sends the photo redrawn as JPEG');
  await page.locator('#card-print').waitFor();
  await checkA11y(page, 'profile with a photo');
  await screenshot(page, 'identity-profile');
  assert.deepEqual(faults(errors), []);
});

test('a scanned card number opens the person; a wrong one is said at the field', async () => {
  const { page, errors } = b;
  await page.goto('/card');
  const box = page.locator('#scan-reg-no');
  await box.waitFor();
  await box.fill('Karim');
  await box.press('Enter');
  await page.locator('[data-field="reg_no"] .field-error').waitFor();
  assert.match(await page.locator('[data-field="reg_no"] .field-error').innerText(), /not a registration number/);
  await checkA11y(page, 'scan page with an error');
  // A scanner acting as a keyboard types the number and Enter.
  await box.fill('');
  await box.pressSequentially(person.reg_no.toLowerCase());
  await box.press('Enter');
  await page.waitForURL(`**/persons/${person.id}`);
  await page.locator('#person-name').waitFor();
  assert.deepEqual(faults(errors), []);
});

test('in Bosnian and Serbian Cyrillic, and on a phone', async () => {
  const { page, errors } = b;
  await page.goto(`/persons/${person.id}`);
  await page.locator('#identity-evidence').waitFor();
  await page.locator('#locale-select').selectOption('bs');
  await page.waitForFunction(() => /Lični dokumenti/.test(document.querySelector('#identity-evidence')?.textContent || ''));
  assert.match(await page.locator('#identity-evidence').innerText(), /Pasoš/);
  await page.locator('#locale-select').selectOption('sr-Cyrl');
  await page.waitForFunction(() => /Лични документи/.test(document.querySelector('#identity-evidence')?.textContent || ''));
  assert.match(await page.locator('#identity-evidence').innerText(), /Пасош/);
  await checkA11y(page, 'profile in Serbian Cyrillic');
  await page.locator('#locale-select').selectOption('en');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/persons/${person.id}`);
  await page.locator('#identity-evidence #documents').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
  await page.locator('#identity-evidence').scrollIntoViewIfNeeded();
  await screenshot(page, 'identity-phone');
  await checkA11y(page, 'profile on a phone');
  await page.goto('/card');
  await page.locator('#scan-reg-no').waitFor();
  await checkA11y(page, 'scan page on a phone');
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(faults(errors), []);
});

// A picture as Chromium's fake camera wants it: one 640x480 frame of YUV4MPEG2 (4:2:0,
// full-range BT.601) from RGBA pixels.
function y4m(rgba, w, hgt) {
  const Y = Buffer.alloc(w * hgt), U = Buffer.alloc((w / 2) * (hgt / 2)), V = Buffer.alloc((w / 2) * (hgt / 2));
  for (let i = 0; i < w * hgt; i++) Y[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
  for (let y = 0; y < hgt / 2; y++) {
    for (let x = 0; x < w / 2; x++) {
      let r = 0, g = 0, bl = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const k = ((2 * y + dy) * w + 2 * x + dx) * 4;
        r += rgba[k] / 4; g += rgba[k + 1] / 4; bl += rgba[k + 2] / 4;
      }
      U[y * (w / 2) + x] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * bl)));
      V[y * (w / 2) + x] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * bl)));
    }
  }
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${hgt} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), Y, U, V]);
}

// The card the desk printed, drawn by the browser onto a grey 640x480 frame as a camera
// would see it held up, written as the fake camera's video.
async function cameraShowing(page, cardPng) {
  const rgba = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = document.createElement('canvas');
    canvas.width = 640; canvas.height = 480;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#8a8f96';
    ctx.fillRect(0, 0, 640, 480);
    const w = 600, hgt = Math.round(bitmap.height * (600 / bitmap.width));
    ctx.drawImage(bitmap, 20, (480 - hgt) / 2, w, hgt);
    return Array.from(ctx.getImageData(0, 0, 640, 480).data);
  }, cardPng.toString('base64'));
  const file = join(mkdtempSync(join(tmpdir(), 'haven-camera-')), 'card.y4m');
  writeFileSync(file, y4m(rgba, 640, 480));
  return file;
}

test('the camera reads a printed card; a new card makes the old one say it was replaced; a photo is taken with the camera', async () => {
  const printed = await fetch(`${server.base}/api/v1/persons/${person.id}/card?format=png`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  assert.equal(printed.status, 200);
  const video = await cameraShowing(b.page, Buffer.from(await printed.arrayBuffer()));
  const cam = await openBrowser(server.base, { args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`] });
  try {
    const { page, errors } = cam;
    await login(page, server, 'registrar');
    await page.goto('/card');
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    await page.waitForURL(`**/persons/${person.id}`, { timeout: 30000 });
    await page.locator('#person-name').waitFor();

    // The card is lost: a new one is printed from the profile; the old one's code no
    // longer opens the person, and the desk is told why.
    const popup = page.waitForEvent('popup');
    await page.locator('#card-print').click();
    await page.locator('#card-done').waitFor();
    assert.match(await page.locator('#card-done').innerText(), /Earlier cards of this person no longer open this page/);
    const tab = await popup;
    await tab.waitForURL(/^blob:/);
    await tab.close();
    await page.goto('/card');
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    const err = page.locator('[data-field="reg_no"] .field-error');
    await err.waitFor({ timeout: 30000 });
    assert.match(await err.innerText(), /This card was replaced by a newer one on \d{4}-\d\d-\d\d/);
    assert.match(await page.locator('#scan-reg-no').inputValue(), /^HVN1-[A-Z2-7]{24}$/);
    assert.equal(page.url().endsWith('/card'), true);
    await checkA11y(page, 'scan page, a replaced card');
    await screenshot(page, 'identity-scan-replaced');

    // A photo taken with the camera at the desk.
    await server.request('DELETE', `/api/v1/persons/${person.id}/photo`, { token });
    await page.goto(`/persons/${person.id}`);
    await page.locator('#photo-camera').click();
    await page.locator('#camera-take:not([disabled])').waitFor();
    await checkA11y(page, 'profile with the camera open');
    await screenshot(page, 'identity-camera');
    await page.locator('#camera-take').click();
    await page.locator('#photo-img').waitFor();
    const info = await server.request('GET', `/api/v1/persons/${person.id}/photo/info`, { token });
    assert.equal(info.status, 200, info.text);
    assert.equal(info.body.content_type, 'image/jpeg');
    assert.deepEqual(faults(errors), []);
  } finally { await cam.browser.close(); }
});

test('the desk compares what it typed with an earlier registration side by side: photo, documents, bed', async () => {
  const { page, errors } = b;
  const site = (await server.request('GET', '/api/v1/sites', { token })).body.items[0];
  const stay = await server.request('POST', '/api/v1/stays', { token, body: { person_id: person.id, site_id: site.id, bed: 'C12-3' } });
  assert.equal(stay.status, 201, stay.text);
  await page.goto('/register');
  await page.locator('#register-form').waitFor();
  await page.locator('input[name="given_name"]').fill('Kareem');
  await page.locator('input[name="family_name"]').fill('Nouri');
  const compare = page.getByRole('button', { name: 'Compare side by side – Noori, Karim' });
  await compare.waitFor();
  await compare.click();
  const dialog = page.getByRole('dialog', { name: 'Is this the same person?' });
  await dialog.waitFor();
  const text = await dialog.innerText();
  assert.match(text, /Earlier registration LIP-\d\d-\d{6}/);
  assert.match(text, /Given name\s+Kareem\s+Karim\s+written differently/);
  assert.match(text, /Passport\s+P 1234-567/);
  assert.match(await dialog.locator('#compare-where').innerText(), new RegExp(`${site.name}, bed C12-3, since`));
  await dialog.locator('#compare-photo').waitFor();
  await page.waitForFunction(() => document.querySelector('#compare-photo').naturalWidth > 0);
  await checkA11y(page, 'desk comparison');
  await screenshot(page, 'desk-compare');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.compare), person.id, 'the focus is back on the button');
  // In Bosnian, with the date as Bosnians write it.
  await page.locator('#locale-select').selectOption('bs');
  await page.locator('html[lang="bs"]').waitFor({ state: 'attached' });
  await page.goto('/register');
  await page.locator('input[name="given_name"]').fill('Kareem');
  await page.locator('input[name="family_name"]').fill('Nouri');
  await page.getByRole('button', { name: 'Uporedi jedno uz drugo – Noori, Karim' }).click();
  const bs = page.getByRole('dialog', { name: 'Je li ovo ista osoba?' });
  await bs.waitFor();
  const bsText = await bs.innerText();
  assert.match(bsText, /drugačije napisano/);
  assert.match(bsText, /5\. ?(apr|apr\.|april)[a-z.]* 1993/i);
  await bs.getByRole('button', { name: 'Zatvori' }).click();
  await page.locator('#locale-select').selectOption('en');
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  assert.deepEqual(faults(errors), []);
});
