// The protection key on the command line: `haven init` writes it beside the database
// (mode 0600), the database file alone holds no protection text, `haven key rotate`
// re-encrypts under a new key, and `haven serve` refuses a key that is not the
// database's own, then serves the data readable under the new one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, statSync, existsSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, haven } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'haven-key-'));
const db = join(dir, 'haven.db');
after(() => rmSync(dir, { recursive: true, force: true }));

// Demo texts the protection demo seals (see src/protection/demo.c).
const SEALED_TEXTS = ['tracing requested', 'sleeping better', 'Identified at arrival screening'];

function fileHolds(path, text) {
  return existsSync(path) && readFileSync(path).indexOf(text) !== -1;
}

async function serve(args) {
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve({ proc, base: `http://127.0.0.1:${m[1]}` });
    });
    proc.on('exit', (code) => resolve({ code, stderr }));
  });
}

test('init writes a private key, rotation keeps the data readable, a wrong key is refused', async () => {
  const init = haven(['init', '--db', db, '--demo', '--demo-people', '400']);
  assert.equal(init.status, 0, init.stderr);
  const key = `${db}.key`;
  assert.equal(statSync(key).mode & 0o777, 0o600);
  for (const text of SEALED_TEXTS) assert.ok(!fileHolds(db, text) && !fileHolds(`${db}-wal`, text), text);
  const password = init.stdout.match(/^protection\s+protection\s+(\S+)$/m)[1];

  const before = readFileSync(key);
  copyFileSync(key, join(dir, 'old.key'));
  chmodSync(join(dir, 'old.key'), 0o600);
  const rot = haven(['key', 'rotate', '--db', db]);
  assert.equal(rot.status, 0, rot.stderr);
  assert.match(rot.stdout, /re-encrypted \(\d+ values\)/);
  assert.notDeepEqual(readFileSync(key), before);
  assert.ok(!existsSync(`${key}.old`) && !existsSync(`${key}.new`));

  const refused = await serve(['--key-file', join(dir, 'old.key')]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /does not belong to this database/);

  const { proc, base } = await serve([]);
  try {
    const login = await fetch(`${base}/api/v1/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'protection', password }),
    });
    const { token } = await login.json();
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const referrals = await (await fetch(`${base}/api/v1/protection/referrals`, auth)).json();
    assert.ok(referrals.items.length > 0, 'the demo has referrals');
    const one = await fetch(`${base}/api/v1/protection/referrals/${referrals.items[0].id}`, auth);
    assert.equal(one.status, 200);
    const body = await one.json();
    assert.match(body.reason, /Identified at arrival screening/);
  } finally {
    const exited = new Promise((resolve) => proc.on('exit', resolve));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
});
