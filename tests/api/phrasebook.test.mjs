// The phrasebook over HTTP: every member of staff reads the catalogue, which answers
// 304 to an offline copy that is current and a new version after an administrator's
// edit (audited; others may not edit); audio is a WAV kept for a year under its
// versioned URL, refused clearly where espeak-ng has no voice; cards are a PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { startServer } from './harness.mjs';

// The text a PDF's fonts can give back: the Unicode code points (hex, lower case) of
// the ToUnicode maps of its embedded fonts, read from its deflated streams.
function pdfCodePoints(pdf) {
  const text = pdf.toString('latin1');
  const points = new Set();
  const re = /stream\r?\n/g;
  let m;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    let body;
    try { body = inflateSync(pdf.subarray(start, end)).toString('latin1'); } catch { continue; }
    if (!body.includes('begincmap')) continue;
    for (const chars of body.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const pair of chars[1].matchAll(/<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>/g)) {
        for (let i = 0; i + 4 <= pair[1].length; i += 4) points.add(pair[1].slice(i, i + 4).toLowerCase());
      }
    }
    for (const ranges of body.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const r of ranges[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]{4})>/g)) {
        const n = parseInt(r[2], 16) - parseInt(r[1], 16);
        for (let i = 0; i <= n; i++) points.add((parseInt(r[3], 16) + i).toString(16).padStart(4, '0'));
      }
    }
  }
  return points;
}

let server, admin, viewer;

before(async () => {
  server = await startServer({ demo: true, people: 20 });
  admin = await server.login('admin');
  viewer = await server.login('viewer');
});
after(async () => { await server.stop(); });

test('the catalogue is read by staff, revalidated by its ETag, and changed by an audited admin edit', async () => {
  assert.equal((await server.request('GET', '/api/v1/phrasebook')).status, 401);
  const r = await server.request('GET', '/api/v1/phrasebook', { token: viewer });
  assert.equal(r.status, 200);
  assert.ok(r.body.sentences.length >= 120);
  assert.equal(r.body.languages.length, 11);
  const etag = r.headers.get('etag');
  assert.equal(etag, `"pb-${r.body.version}"`);
  assert.match(r.headers.get('cache-control'), /no-cache/);
  const same = await server.request('GET', '/api/v1/phrasebook', { token: viewer, headers: { 'If-None-Match': etag } });
  assert.equal(same.status, 304);
  assert.equal(same.text, '');

  const path = '/api/v1/phrasebook/sentences/greeting-10/texts/fr';
  const denied = await server.request('PATCH', path, { token: viewer, body: { text: 'Merci beaucoup.' } });
  assert.equal(denied.status, 403);
  const bad = await server.request('PATCH', path, { token: admin, body: { status: 'reviewed' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'reviewer');
  assert.equal(bad.body.error.key, 'phrasebook_reviewer_required');
  const ok = await server.request('PATCH', path, { token: admin, body: { text: 'Merci beaucoup.', status: 'reviewed', reviewer: 'Claire D.' } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.body.texts.fr.text, ok.body.texts.fr.status, ok.body.texts.fr.reviewer], ['Merci beaucoup.', 'reviewed', 'Claire D.']);
  const changed = await server.request('GET', '/api/v1/phrasebook', { token: viewer, headers: { 'If-None-Match': etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.body.version, r.body.version);
  const audit = await server.request('GET', '/api/v1/audit?entity=phrasebook_text&entity_id=greeting-10/fr', { token: admin });
  assert.equal(audit.status, 200, audit.text);
  assert.equal(audit.body.items.length, 1);
  assert.equal(audit.body.items[0].action, 'update');
});

test('audio is a WAV kept a year under its version; no voice and unknown languages are clear errors', async () => {
  const cat = (await server.request('GET', '/api/v1/phrasebook', { token: viewer })).body;
  const hello = cat.sentences.find((s) => s.id === 'greeting-01');
  const url = hello.texts.ar.audio;
  assert.match(url, /^\/api\/v1\/phrasebook\/audio\/greeting-01\/ar\?v=[0-9a-f]{16}$/);
  const res = await fetch(server.base + url, { headers: { Authorization: `Bearer ${viewer}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/wav');
  assert.match(res.headers.get('cache-control'), /max-age=31536000/);
  const wav = Buffer.from(await res.arrayBuffer());
  assert.equal(wav.toString('latin1', 0, 4), 'RIFF');
  assert.equal(wav.toString('latin1', 8, 12), 'WAVE');
  assert.ok(wav.length > 10000);
  // Without the version (or an old one) the answer is not kept.
  const plain = await server.request('GET', '/api/v1/phrasebook/audio/greeting-01/ar', { token: viewer });
  assert.match(plain.headers.get('cache-control'), /no-cache/);
  assert.equal(hello.texts.ps.audio, null);
  const none = await server.request('GET', '/api/v1/phrasebook/audio/greeting-01/ps', { token: viewer });
  assert.equal(none.status, 404);
  assert.equal(none.body.error.key, 'phrasebook_no_voice');
  assert.match(none.body.error.message, /no voice for Pashto/);
  const unknown = await server.request('GET', '/api/v1/phrasebook/audio/greeting-01/xx', { token: viewer });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.field, 'lang');
});

test('cards are a PDF for a language and topic', async () => {
  const res = await fetch(`${server.base}/api/v1/phrasebook/cards?lang=ps&topic=rights`, { headers: { Authorization: `Bearer ${viewer}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.toString('latin1', 0, 5), '%PDF-');
  assert.ok(pdf.includes('NotoNaskhArabic'));
  // The Pashto text is in it: every letter of "تاسو د پناه غوښتلو حق لرئ" (ښ and پ are
  // Pashto's own), and the English beside it.
  const points = pdfCodePoints(pdf);
  for (const ch of 'تاسودپناهغوښتلوحقلرئ' + 'You have the right to ask for asylum') {
    if (ch === ' ') continue;
    const hex = ch.codePointAt(0).toString(16).padStart(4, '0');
    assert.ok(points.has(hex), `${ch} (U+${hex}) is not in the PDF's text`);
  }
  const missing = await server.request('GET', '/api/v1/phrasebook/cards', { token: viewer });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.field, 'lang');
  const topic = await server.request('GET', '/api/v1/phrasebook/cards?lang=ar&topic=cooking', { token: viewer });
  assert.equal(topic.status, 404);
});
