// Request bodies (issue 10): judged at the headers before any body is read, held in
// memory within a budget, large imports streamed to an unlinked 0600 file, and the
// server's memory bounded under hundreds of 1 MiB bodies at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { startServer } from './harness.mjs';
import { openSocket, parseResponse, rssKiB } from './rawhttp.mjs';

// The sanitizers' allocator keeps freed memory in quarantine; without it the server's
// RSS shows what the code holds (release builds need no such setting).
const env = { ASAN_OPTIONS: 'detect_leaks=1:quarantine_size_mb=0:thread_local_quarantine_size_kb=0:allocator_release_to_os_interval_ms=50' };

let srv;
let admin;
before(async () => {
  srv = await startServer({ env, serveArgs: ['--max-inflight-mb', '48'] });
  admin = await srv.login('admin');
});
after(async () => { await srv.stop(); });

const port = () => Number(new URL(srv.base).port);

// Sends head (and optionally part of a body) and waits for an answer without sending
// the rest. Returns {status, headers, body, ms, sock}.
async function sendHead(head, { partial, timeoutMs = 3000 } = {}) {
  const sock = await openSocket(port());
  const started = Date.now();
  let buf = Buffer.alloc(0);
  const answered = new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const r = parseResponse(buf);
      if (r.complete) { clearTimeout(timer); resolve(r); }
    });
  });
  sock.on('error', () => {});
  sock.write(head);
  if (partial) sock.write(partial);
  const r = await answered;
  return { ...(r ?? { status: 0 }), ms: Date.now() - started, sock };
}

const post = (path, length, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

test('an unauthenticated 60 MB POST gets 401 before its body is sent', async () => {
  const r = await sendHead(post('/api/v1/stats/import', 60 * 1024 * 1024), { partial: Buffer.alloc(65536, 0x61) });
  r.sock.destroy();
  assert.equal(r.status, 401);
  assert.ok(r.ms < 1000, `answered in ${r.ms} ms`);
});

test('an announced body far over the route\'s limit, or sent after Expect: 100-continue, gets 413 at once', async () => {
  const r = await sendHead(post('/api/v1/persons', 10 * 1024 * 1024, `Authorization: Bearer ${admin}\r\n`));
  r.sock.destroy();
  assert.equal(r.status, 413);
  assert.equal(JSON.parse(r.body).error.code, 'too_large');
  assert.ok(r.ms < 1000);
  const waiting = await sendHead(post('/api/v1/persons', 2 * 1024 * 1024, `Authorization: Bearer ${admin}\r\nExpect: 100-continue\r\n`));
  waiting.sock.destroy();
  assert.equal(waiting.status, 413);
  assert.ok(waiting.ms < 1000);
});

test('a body a little over the limit sent without waiting is read, dropped and answered 413', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await srv.request('POST', '/api/v1/persons', { token: admin, raw: 'x'.repeat(2 * 1024 * 1024), headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 413);
  }
});

test('a chunked body with no Content-Length is cut at the limit', async () => {
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  const head = `POST /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${admin}\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const sock = await openSocket(port());
  let buf = Buffer.alloc(0);
  const answered = new Promise((resolve) => {
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); const r = parseResponse(buf); if (r.complete) resolve(r); });
  });
  sock.on('error', () => {});
  sock.write(head);
  for (let i = 0; i < 6; i++) sock.write(`${chunk.length.toString(16)}\r\n`), sock.write(chunk), sock.write('\r\n');
  sock.write('0\r\n\r\n');
  const r = await answered;
  sock.destroy();
  assert.equal(r.status, 413);
});

test('a large import is streamed to an unlinked 0600 temporary file, not memory', async () => {
  const csv = 'DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\n';
  const filler = Buffer.alloc(3 * 1024 * 1024 - csv.length, 0x0a);
  const sock = await openSocket(port());
  let buf = Buffer.alloc(0);
  const answered = new Promise((resolve) => {
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); const r = parseResponse(buf); if (r.complete) resolve(r); });
  });
  sock.write(`POST /api/v1/stats/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nAuthorization: Bearer ${admin}\r\nContent-Length: ${csv.length + filler.length}\r\n\r\n`);
  sock.write(csv);
  sock.write(filler.subarray(0, 1024 * 1024));
  let upload = null;
  for (let i = 0; i < 50 && !upload; i++) {
    await new Promise((r) => setTimeout(r, 50));
    for (const fd of readdirSync(`/proc/${srv.proc.pid}/fd`)) {
      let target = '';
      try { target = readlinkSync(`/proc/${srv.proc.pid}/fd/${fd}`); } catch { continue; }
      if (target.includes('haven-upload-')) upload = { target, mode: statSync(`/proc/${srv.proc.pid}/fd/${fd}`).mode & 0o777 };
    }
  }
  assert.ok(upload, 'the upload is in a file');
  assert.match(upload.target, /\(deleted\)$/);
  assert.equal(upload.mode, 0o600);
  sock.write(filler.subarray(1024 * 1024));
  const r = await answered;
  sock.destroy();
  assert.equal(r.status, 400, r.body); // a header and blank lines: errors, not a crash
  assert.ok(JSON.parse(r.body).errors.length > 0);
});

test('past the memory budget for bodies the answer is 503 with Retry-After, at once', async () => {
  const head = (n) => `POST /api/v1/stats/${'2024-01'}/enter HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${admin}\r\nContent-Length: ${n}\r\n\r\n`;
  // 1 MiB bodies: 48 MiB of budget hold 48 of them; the 49th is refused.
  const first = await Promise.all(Array.from({ length: 48 }, () => sendHead(head(1024 * 1024), { timeoutMs: 400 })));
  assert.deepEqual(first.map((r) => r.status), Array(48).fill(0), 'each body is accepted and awaited');
  const held = first.map((r) => r.sock);
  const refused = await sendHead(head(1024 * 1024));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers['retry-after'], '2');
  assert.equal(JSON.parse(refused.body).error.code, 'unavailable');
  refused.sock.destroy();
  for (const s of held) s.destroy();
  await new Promise((r) => setTimeout(r, 300));
  const after = await sendHead(head(1024 * 1024), { timeoutMs: 300 });
  assert.equal(after.status, 0, 'closing the connections gave the budget back');
  after.sock.destroy();
});

// Opens n sockets that each send a 1 MiB body as fast as they can; samples the RSS.
async function burst(n, extraHeader) {
  const body = Buffer.alloc(1024 * 1024, 0x61);
  const start = rssKiB(srv.proc.pid);
  let peak = start;
  const sampler = setInterval(() => { peak = Math.max(peak, rssKiB(srv.proc.pid)); }, 20);
  const statuses = {};
  await Promise.all(Array.from({ length: n }, async () => {
    const sock = await openSocket(port());
    if (!sock) { statuses.refused = (statuses.refused ?? 0) + 1; return; }
    await new Promise((resolve) => {
      let buf = Buffer.alloc(0);
      const done = (status) => {
        if (sock.counted) return;
        sock.counted = true;
        statuses[status] = (statuses[status] ?? 0) + 1;
        sock.destroy();
        resolve();
      };
      const timer = setTimeout(() => done('timeout'), 60000); // a busy machine reads 48 MiB slowly
      sock.on('data', (d) => { buf = Buffer.concat([buf, d]); const r = parseResponse(buf); if (r.complete) { clearTimeout(timer); done(r.status); } });
      sock.on('error', () => {});
      // An early answer closes the connection while the body is still arriving; the
      // kernel may then reset it before the client reads the answer.
      sock.on('close', () => { clearTimeout(timer); if (!sock.counted) done('reset'); });
      sock.write(post('/api/v1/persons', body.length, extraHeader));
      sock.write(body);
    });
  }));
  clearInterval(sampler);
  peak = Math.max(peak, rssKiB(srv.proc.pid));
  await new Promise((r) => setTimeout(r, 500));
  const result = { start, peak, end: rssKiB(srv.proc.pid), statuses };
  console.log(`RSS KiB: ${JSON.stringify(result)}`);
  return result;
}

test('400 concurrent unauthenticated 1 MiB bodies: 401 for all, memory flat', async () => {
  const r = await burst(400, '');
  assert.equal((r.statuses[401] ?? 0) + (r.statuses.reset ?? 0), 400, JSON.stringify(r.statuses));
  assert.ok(r.statuses[401] > 0, JSON.stringify(r.statuses));
  assert.ok(r.peak - r.start < 40 * 1024, `RSS ${r.start} -> peak ${r.peak} KiB`);
  assert.ok(r.end - r.start < 16 * 1024, `RSS ${r.start} -> ${r.end} KiB after`);
});

test('400 concurrent authenticated 1 MiB bodies: the budget holds memory, the rest get 503', async () => {
  const r = await burst(400, `Authorization: Bearer ${admin}\r\n`);
  const seen = (r.statuses[400] ?? 0) + (r.statuses[503] ?? 0) + (r.statuses.reset ?? 0);
  assert.equal(seen, 400, JSON.stringify(r.statuses));
  assert.ok(r.statuses[400] > 0 && r.statuses[503] > 0, JSON.stringify(r.statuses));
  assert.ok(r.peak - r.start < (48 + 40) * 1024, `RSS ${r.start} -> peak ${r.peak} KiB`);
  assert.ok(r.end - r.start < 16 * 1024, `RSS ${r.start} -> ${r.end} KiB after`);
  const health = await srv.request('GET', '/healthz');
  assert.equal(health.status, 200);
});
