// The phrasebook in the browser on a phone-sized screen: the "I speak ..." card picks
// the language, Arabic is shown right to left, a sentence plays; with the network
// switched off and the page reloaded every sentence and its audio still work; an
// administrator's edit reaches the phone at its next visit with a network, and stays
// offline after that. Pashto says it has no voice; the interface speaks Serbian
// (Cyrillic); axe finds nothing serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../api/harness.mjs';
import { openBrowser, login, checkA11y, screenshot } from './browser.mjs';

const PHONE = { width: 390, height: 844 };
let server, admin;

before(async () => {
  server = await startServer({ demo: true, people: 20 });
  admin = await server.login('admin');
});
after(async () => { await server.stop(); });

async function waitForWorker(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
}

const first = (page) => page.locator('.pb-sentence').first();

// Plays the sentence's audio and waits until the browser plays it.
async function playWorks(item) {
  const button = item.locator('.pb-play');
  await button.click();
  await item.page().waitForFunction((el) => ['playing', 'ended', 'error'].includes(el.dataset.state), await button.elementHandle(), { timeout: 15000 });
  assert.notEqual(await button.getAttribute('data-state'), 'error');
}

test('sentences and audio work offline after the first visit; an edit arrives at the next visit', async () => {
  const { browser, page, context, errors } = await openBrowser(server.base, { viewport: PHONE });
  try {
    await login(page, server, 'registrar');
    await page.goto('/phrasebook/');
    await first(page).waitFor();
    await waitForWorker(page);
    assert.equal(await page.locator('link[rel="manifest"]').getAttribute('href'), '/phrasebook/manifest.webmanifest');
    const manifest = await (await page.request.get('/phrasebook/manifest.webmanifest')).json();
    assert.equal(manifest.start_url, '/phrasebook/');
    assert.equal(manifest.display, 'standalone');

    // The person points at their language on the "I speak ..." card.
    const arabic = page.locator('.pb-ispeak-choice[data-lang="ar"]');
    assert.equal(await arabic.getAttribute('dir'), 'rtl');
    assert.match(await arabic.textContent(), /أتكلم العربية/);
    await arabic.click();
    assert.equal(await arabic.getAttribute('aria-pressed'), 'true');
    await page.locator('.pb-topic[data-topic="greeting"]').click();
    const theirs = first(page).locator('.pb-theirs');
    assert.equal(await theirs.getAttribute('dir'), 'rtl');
    assert.equal(await theirs.getAttribute('lang'), 'ar');
    assert.equal(await theirs.textContent(), 'مرحبًا، أهلًا وسهلًا.');
    assert.equal(await first(page).locator('.pb-mine').textContent(), 'Hello, welcome.');
    assert.match(await first(page).locator('.pb-badge').textContent(), /Draft/);
    assert.match(await page.locator('.pb-drafts').textContent(), /native speaker/);
    assert.doesNotMatch(await page.locator('#main').innerText(), /null|undefined/);
    // Right to left for real: the Arabic line ends at the right edge of its box.
    const box = await theirs.evaluate((el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      return { text: r.getBoundingClientRect().right, box: el.getBoundingClientRect().right };
    });
    assert.ok(Math.abs(box.text - box.box) < 4, JSON.stringify(box));

    await playWorks(first(page));
    // The worker keeps the audio of the chosen language, all of it.
    await page.waitForFunction(() => /(\d+) of \1$/.test(document.getElementById('audio-kept').textContent)
      && !/ 0 of/.test(document.getElementById('audio-kept').textContent), null, { timeout: 240000 })
      .catch(async (e) => {
        // Say how far it got, and what the page reported, so that a recurrence can be told apart.
        const kept = await page.locator('#audio-kept').textContent().catch(() => '?');
        throw new Error(`${e.message}; audio kept: ${kept}; page errors: ${JSON.stringify(errors)}`);
      });
    await checkA11y(page, 'phrasebook');
    await screenshot(page, 'phrasebook-phone');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'phrasebook-i-speak');

    await context.setOffline(true);
    await page.reload();
    await first(page).waitFor();
    await page.locator('#offline-note').waitFor();
    assert.equal(await first(page).locator('.pb-theirs').textContent(), 'مرحبًا، أهلًا وسهلًا.');
    await playWorks(first(page));
    // Another topic, never opened online: its sentences and audio are there too.
    await page.locator('.pb-topic[data-topic="medical"]').click();
    const doctor = page.locator('.pb-sentence[data-id="medical-01"]');
    assert.equal(await doctor.locator('.pb-theirs').textContent(), 'هل تحتاج إلى طبيب؟');
    await playWorks(doctor);
    await page.locator('.pb-sentence[data-id="medical-15"] .pb-play').waitFor();
    await playWorks(page.locator('.pb-sentence[data-id="medical-15"]'));
    await screenshot(page, 'phrasebook-offline');

    // An administrator corrects a sentence; the phone sees it at its next visit online.
    const edit = await server.request('PATCH', '/api/v1/phrasebook/sentences/medical-01/texts/ar',
      { token: admin, body: { text: 'هل تحتاج إلى طبيب الآن؟', status: 'reviewed', reviewer: 'Amina H.' } });
    assert.equal(edit.status, 200, edit.text);
    await context.setOffline(false);
    await page.goto('/phrasebook/');
    await doctor.waitFor();
    assert.equal(await doctor.locator('.pb-theirs').textContent(), 'هل تحتاج إلى طبيب الآن؟');
    assert.equal(await doctor.locator('.pb-badge').textContent(), 'Reviewed by Amina H.');
    // The new text's audio is fetched again (new version), and kept.
    await page.waitForFunction(() => /(\d+) of \1$/.test(document.getElementById('audio-kept').textContent)
      && !/ 0 of/.test(document.getElementById('audio-kept').textContent), null, { timeout: 60000 });
    await context.setOffline(true);
    await page.reload();
    await doctor.waitFor();
    assert.equal(await doctor.locator('.pb-theirs').textContent(), 'هل تحتاج إلى طبيب الآن؟');
    await playWorks(doctor);
    await context.setOffline(false);
    assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(e)), []);
  } finally {
    await browser.close();
  }
});

test('Pashto says it has no voice; the interface speaks Serbian (Cyrillic); an admin edits in the page', async () => {
  const { browser, page, errors } = await openBrowser(server.base, { viewport: PHONE });
  try {
    await login(page, server, 'admin');
    await page.goto('/phrasebook/');
    await first(page).waitFor();
    await page.locator('#ui-lang').selectOption('sr-Cyrl');
    await page.locator('h1', { hasText: 'Речник фраза' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'sr-Cyrl');
    await page.locator('.pb-ispeak-choice[data-lang="ps"]').click();
    // By keyboard: the topic is chosen with Enter and the focus stays on it.
    await page.locator('.pb-topic[data-topic="rights"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.pb-sentence[data-id="rights-01"]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.dataset.topic), 'rights');
    assert.match(await page.locator('.pb-novoice').textContent(), /Pashto/);
    assert.equal(await page.locator('.pb-play').count(), 0);
    const item = page.locator('.pb-sentence[data-id="rights-01"]');
    assert.equal(await item.locator('.pb-mine').textContent(), 'Имате право да тражите азил.');
    assert.equal(await item.locator('.pb-theirs').getAttribute('dir'), 'rtl');
    await checkA11y(page, 'phrasebook in Serbian, Pashto');
    // The edit form: reviewed without a reviewer is refused with the reason.
    await item.locator('.pb-edit-open').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-text');
    await page.locator('#edit-status').selectOption('reviewed');
    await page.locator('.pb-edit button[type="submit"]').click();
    await page.locator('.pb-error', { hasText: 'изворног говорника' }).waitFor();
    await page.locator('#edit-reviewer').fill('Gul A.');
    await page.locator('.pb-edit button[type="submit"]').click();
    await item.locator('.pb-badge', { hasText: 'Gul A.' }).waitFor();
    const cat = await server.request('GET', '/api/v1/phrasebook', { token: admin });
    const texts = cat.body.sentences.find((s) => s.id === 'rights-01').texts.ps;
    assert.deepEqual([texts.status, texts.reviewer], ['reviewed', 'Gul A.']);
    // The one refused save above is the only failed request.
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  } finally {
    await browser.close();
  }
});
