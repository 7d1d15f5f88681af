// The HTTP server under hostile or clumsy input (issue 10): error paths that cannot fail,
// log lines that cannot be forged. Each test failed before its fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, PG_URL } from './harness.mjs';
import { rawRequest } from './rawhttp.mjs';

let srv;
before(async () => { srv = await startServer({ quiet: false }); });
after(async () => { await srv.stop(); });

const port = () => Number(new URL(srv.base).port);

test('a path that is not UTF-8 gets a JSON 404 and the server lives on', async () => {
  const r = await rawRequest(port(), 'GET /api/v1/%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(r.status, 404);
  const body = JSON.parse(r.body);
  assert.equal(body.error.code, 'not_found');
  assert.match(body.error.message, /\/api\/v1\/\?/, 'the invalid byte is shown as ?');
  const again = await rawRequest(port(), 'GET /api/v1/%c3%28/%e2%82 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(again.status, 404);
  JSON.parse(again.body);
  const health = await srv.request('GET', '/healthz');
  assert.equal(health.status, 200);
});

test('a login body with a key of 40 "é" gets a clean 400 naming a whole-character field', async () => {
  const key = 'é'.repeat(40);
  const r = await srv.request('POST', '/api/v1/session', { raw: `{"${key}":"x"}`, headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid');
  assert.ok(key.startsWith(r.body.error.field), 'the field is a prefix cut between characters');
  assert.ok(Buffer.byteLength(r.body.error.field) < 64);
  const long = await srv.request('GET', `/api/v1/${'ž'.repeat(300)}`);
  assert.equal(long.status, 404);
  assert.ok(!long.body.error.message.includes('?'), 'a long path is cut between characters');
});

test('paths with a newline or terminal codes are escaped in the log', async () => {
  await rawRequest(port(), 'GET /api/v1/%0aFAKE%20200%20OK HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await rawRequest(port(), 'GET /api/v1/%1b[31mred HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await srv.request('GET', '/healthz');
  const lines = srv.stderr.split('\n');
  assert.ok(!lines.some((l) => l.startsWith('FAKE')), 'no forged line');
  assert.ok(!srv.stderr.includes('\x1b'), 'no escape character reaches the log');
  assert.ok(lines.some((l) => l.includes('/api/v1/\\x0aFAKE 200 OK 404')), srv.stderr);
  assert.ok(lines.some((l) => l.includes('/api/v1/\\x1b[31mred 404')), srv.stderr);
});

test('/healthz checks the database with a write, the key and the disk', async () => {
  const r = await srv.request('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.deepEqual(r.body.failing, []);
  assert.equal(r.body.checks.database.ok, true);
  assert.equal(r.body.checks.key.ok, true);
  assert.equal(r.body.checks.disk.ok, true);
  assert.ok(r.body.checks.disk.free_mb > 0);
});

test('/healthz is 503 naming the disk when free space is under the threshold', async () => {
  // The threshold is a real setting; one larger than any disk shows the failing answer.
  const low = await startServer({ serveArgs: ['--min-free-disk-mb', String(1 << 30)] });
  try {
    const r = await low.request('GET', '/healthz');
    assert.equal(r.status, 503);
    assert.equal(r.body.status, 'failing');
    assert.deepEqual(r.body.failing, ['disk']);
    assert.match(low.stderr, /health check failing: \["disk"\]/);
  } finally {
    await low.stop();
  }
});

test('/healthz on a really full disk: 503 naming the database and the disk (root only: a small tmpfs)', async (t) => {
  if (PG_URL) {
    t.skip('on PostgreSQL the database is on the database server\'s disk, not this tmpfs');
    return;
  }
  const mnt = mkdtempSync(join(tmpdir(), 'haven-full-'));
  if (process.getuid?.() !== 0 || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt]).status !== 0) {
    rmSync(mnt, { recursive: true, force: true });
    t.skip('needs root to mount a small tmpfs');
    return;
  }
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = mnt;
  let full;
  try {
    full = await startServer({ serveArgs: ['--min-free-disk-mb', '1'] });
    assert.equal((await full.request('GET', '/healthz')).status, 200);
    // Fill the disk to the last block.
    spawnSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2100)); // past the probe's two seconds
    const r = await full.request('GET', '/healthz');
    assert.equal(r.status, 503);
    assert.deepEqual(r.body.failing, ['database', 'disk'], JSON.stringify(r.body));
    console.log(`full disk: ${JSON.stringify(r.body)}`);
    rmSync(join(mnt, 'filler'));
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal((await full.request('GET', '/healthz')).status, 200);
  } finally {
    process.env.TMPDIR = saved ?? '';
    if (saved === undefined) delete process.env.TMPDIR;
    if (full) await full.stop().catch(() => {});
    spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
});
