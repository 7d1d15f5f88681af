// Slow clients (issue 10): hundreds of sockets that dribble header bytes must not take
// the server off the air; their headers have a deadline that a byte now and then does not
// extend; one address cannot hold more than its share of connections.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { readFileSync } from 'node:fs';
import { openSocket } from './rawhttp.mjs';

let srv;
let admin;
before(async () => {
  // Without the sanitizers' quarantine the RSS shows what the code holds.
  const env = { ASAN_OPTIONS: 'detect_leaks=1:quarantine_size_mb=0:thread_local_quarantine_size_kb=0' };
  srv = await startServer({ env, serveArgs: ['--header-timeout', '3', '--per-address-limit', '120'] });
  admin = await srv.login('admin');
});
after(async () => { await srv.stop(); });

const port = () => Number(new URL(srv.base).port);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function timed(fn) {
  const t0 = Date.now();
  const r = await fn();
  return { ...r, ms: Date.now() - t0 };
}

test('600 sockets dribbling headers: /healthz and a logged-in user are served, the dribblers cut at the deadline', async () => {
  // 100 from each of six loopback addresses (under the per-address limit).
  const socks = [];
  for (let a = 2; a <= 7; a++) {
    const batch = await Promise.all(Array.from({ length: 100 }, () => openSocket(port(), { localAddress: `127.0.0.${a}` })));
    socks.push(...batch.filter(Boolean));
  }
  assert.equal(socks.length, 600);
  for (const s of socks) { s.on('error', () => {}); s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'); }
  let i = 0;
  const dribble = setInterval(() => {
    for (const s of socks) if (!s.closedByServer && !s.destroyed) s.write(`X-${i}: y\r\n`);
    i++;
  }, 300);
  try {
    const openDuring = socks.filter((s) => !s.closedByServer).length;
    assert.ok(openDuring >= 550, `${openDuring} dribblers open while /healthz is asked`);
    const health = await timed(() => srv.request('GET', '/healthz'));
    assert.equal(health.status, 200);
    assert.ok(health.ms < 1000, `/healthz in ${health.ms} ms`);
    const me = await timed(() => srv.request('GET', '/api/v1/me', { token: admin }));
    assert.equal(me.status, 200);
    assert.ok(me.ms < 1000, `/api/v1/me in ${me.ms} ms`);
    // The deadline is 3 s from connecting, whatever they send; the guard looks 4 times a
    // second. Wait until the youngest is 4 s old.
    const youngest = Math.max(...socks.map((s) => s.openedAt));
    await sleep(Math.max(0, youngest + 4000 - Date.now()));
    const open = socks.filter((s) => !s.closedByServer).length;
    assert.equal(open, 0, `${open} dribblers still open after the header deadline`);
    // ... and none was cut before it, though they all kept sending.
    const early = socks.filter((s) => s.closedAt - s.openedAt < 2900).length;
    assert.equal(early, 0, `${early} dribblers closed before the deadline`);
  } finally {
    clearInterval(dribble);
    for (const s of socks) s.destroy();
  }
});

test('one address holds at most --per-address-limit connections; others are still served', async () => {
  const socks = (await Promise.all(Array.from({ length: 150 }, () => openSocket(port(), { localAddress: '127.0.0.9' })))).filter(Boolean);
  for (const s of socks) s.on('error', () => {});
  await sleep(300);
  const refused = socks.filter((s) => s.closedByServer).length;
  assert.equal(refused, 30, `${refused} of 150 refused`);
  const health = await timed(() => srv.request('GET', '/healthz'));
  assert.equal(health.status, 200);
  assert.ok(health.ms < 1000);
  for (const s of socks) s.destroy();
  await sleep(200);
  const again = await openSocket(port(), { localAddress: '127.0.0.9' });
  again.on('error', () => {});
  await sleep(200);
  assert.ok(!again.closedByServer, 'closed connections free their places');
  again.destroy();
});

test('a keep-alive connection idle past the deadline is closed; one that answers in time is kept', async () => {
  const s = await openSocket(port());
  s.on('error', () => {});
  let got = '';
  s.on('data', (d) => { got += d; });
  s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await sleep(1000);
  assert.match(got, /^HTTP\/1\.1 200/);
  s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'); // within 3 s of the first answer
  await sleep(1200);
  assert.equal(got.match(/HTTP\/1\.1 200/g).length, 2);
  assert.ok(!s.closedByServer);
  await sleep(2600);
  assert.ok(s.closedByServer, 'idle longer than the header deadline: closed');
});

test('a storm of 6 logins: at most two hashes at once, reads stay quick', async () => {
  const status = () => Object.fromEntries(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8')
    .split('\n').map((l) => l.split(':')).filter((p) => p.length === 2).map(([k, v]) => [k, parseInt(v, 10)]));
  const before = status();
  const latencies = [];
  let storming = true;
  const reader = (async () => {
    while (storming) {
      const t0 = performance.now();
      const r = await srv.request('GET', '/api/v1/me', { token: admin });
      latencies.push(performance.now() - t0);
      assert.equal(r.status, 200);
    }
  })();
  const t0 = Date.now();
  const loginMs = [];
  const logins = await Promise.all(Array.from({ length: 6 }, async () => {
    const t = performance.now();
    const r = await srv.request('POST', '/api/v1/session', { body: { username: 'admin', password: srv.logins.admin.password } });
    loginMs.push(performance.now() - t);
    return r;
  }));
  const stormMs = Date.now() - t0;
  storming = false;
  await reader;
  assert.deepEqual([...new Set(logins.map((r) => r.status))], [201]);
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)];
  const after = status();
  const grew = after.VmHWM - before.VmRSS; // KiB
  console.log(`login storm ${stormMs} ms, quickest login ${Math.min(...loginMs).toFixed(0)} ms; reads during it: n=${latencies.length} p50=${latencies[latencies.length >> 1].toFixed(1)} p99=${p99.toFixed(1)} ms; peak RSS +${grew} KiB`);
  assert.ok(latencies.length >= 20, 'reads went on during the storm');
  // A read that waited behind a login would take at least one hash; the quickest login
  // is one hash (its length depends on the machine's load, hence the relative bound).
  const hash = Math.min(...loginMs);
  assert.ok(p99 < hash / 2, `p99 of reads during the storm ${p99} ms, one hash ${hash} ms`);
  // Two Argon2id hashes of 64 MiB at once, not six (384 MiB).
  assert.ok(grew < 3 * 64 * 1024 + 32 * 1024, `peak RSS grew ${grew} KiB`);
});
