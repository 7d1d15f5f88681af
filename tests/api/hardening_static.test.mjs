// The web interface's files (issue 10): revalidation with ETag/Last-Modified and 304,
// gzip for text, no-cache for the app shell, a year only for a URL carrying the content's
// version, and an edited file served fresh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer, WEB } from './harness.mjs';

// A copy of web/ the test may edit.
const web = mkdtempSync(join(tmpdir(), 'haven-web-'));
cpSync(WEB, web, { recursive: true });
let srv;
before(async () => { srv = await startServer({ serveArgs: ['--web', web] }); });
after(async () => { await srv.stop(); rmSync(web, { recursive: true, force: true }); });

// GET without automatic decompression; returns {status, headers, body: Buffer}.
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    http.get(srv.base + path, { headers, method }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('a file carries ETag and Last-Modified and revalidates to 304 without a body', async () => {
  const r = await get('/js/app.js');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, readFileSync(join(web, 'js/app.js')));
  assert.match(r.headers.etag, /^"[0-9a-f]{32}"$/);
  assert.ok(r.headers['last-modified']);
  assert.equal(r.headers['cache-control'], 'no-cache');
  const byTag = await get('/js/app.js', { 'If-None-Match': r.headers.etag });
  assert.equal(byTag.status, 304);
  assert.equal(byTag.body.length, 0);
  assert.equal(byTag.headers.etag, r.headers.etag);
  const byDate = await get('/js/app.js', { 'If-Modified-Since': r.headers['last-modified'] });
  assert.equal(byDate.status, 304);
  const stale = await get('/js/app.js', { 'If-None-Match': '"0123456789abcdef0123456789abcdef"' });
  assert.equal(stale.status, 200);
});

test('text is sent gzipped to a client that accepts it, and unchanged to one that does not', async () => {
  const plain = await get('/i18n/en.json');
  const gz = await get('/i18n/en.json', { 'Accept-Encoding': 'gzip, deflate, br' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gz.headers.vary, 'Accept-Encoding');
  assert.deepEqual(gunzipSync(gz.body), plain.body);
  assert.ok(gz.body.length < plain.body.length / 2, `${gz.body.length} of ${plain.body.length} bytes`);
  assert.notEqual(gz.headers.etag, plain.headers.etag, 'each encoding has its own tag');
  const again = await get('/i18n/en.json', { 'Accept-Encoding': 'gzip', 'If-None-Match': gz.headers.etag });
  assert.equal(again.status, 304);
  const refused = await get('/i18n/en.json', { 'Accept-Encoding': 'gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  const png = await get('/favicon.svg', { 'Accept-Encoding': 'gzip' });
  assert.equal(png.status, 200);
});

test('the app shell revalidates; a URL with the content\'s version may be kept a year', async () => {
  const index = await get('/');
  assert.equal(index.headers['cache-control'], 'no-cache');
  const page = await get('/persons/123');
  assert.equal(page.headers['cache-control'], 'no-cache');
  const css = await get('/css/app.css');
  const version = css.headers.etag.slice(1, 13);
  const versioned = await get(`/css/app.css?v=${version}`);
  assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
  const wrong = await get('/css/app.css?v=000000000000');
  assert.equal(wrong.headers['cache-control'], 'no-cache');
});

test('an edited file is served fresh with a new tag', async () => {
  const first = await get('/img/globe.svg');
  writeFileSync(join(web, 'img/globe.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  const second = await get('/img/globe.svg', { 'If-None-Match': first.headers.etag });
  assert.equal(second.status, 200);
  assert.equal(second.body.toString(), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  assert.notEqual(second.headers.etag, first.headers.etag);
  const head = await get('/img/globe.svg', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
});
