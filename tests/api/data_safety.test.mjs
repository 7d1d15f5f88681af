// Data safety on the command line (issue #10): `haven key rotate` is refused while
// `haven serve` runs on the database (the server holds <db>.lock) and works once it
// stops; a second server on the same database is refused; the database, its -wal and
// -shm, and a backup are mode 0600; `haven audit verify` checks the head checkpoint
// kept beside the key file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, haven } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'haven-safety-'));
const db = join(dir, 'haven.db');
after(() => rmSync(dir, { recursive: true, force: true }));

async function serve() {
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet'],
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

async function stop(proc) {
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  proc.kill('SIGTERM');
  assert.equal(await exited, 0);
}

const mode = (p) => statSync(p).mode & 0o777;

test('key rotate is refused while the server runs, and works after it stops', async () => {
  const init = haven(['init', '--db', db, '--demo', '--demo-people', '60']);
  assert.equal(init.status, 0, init.stderr);
  const key = `${db}.key`;
  const { proc, base } = await serve();
  assert.ok(base, 'the server started');
  try {
    const keyBefore = readFileSync(key);
    const dbBefore = readFileSync(db);
    const rot = haven(['key', 'rotate', '--db', db]);
    assert.equal(rot.status, 1);
    assert.match(rot.stderr, /in use by haven serve \(process \d+\); stop it first/);
    assert.match(rot.stderr, new RegExp(`process ${proc.pid}\\b`));
    assert.deepEqual(readFileSync(key), keyBefore, 'the key file is unchanged');
    assert.deepEqual(readFileSync(db), dbBefore, 'the database is unchanged');
    // A second server on the same database is refused the same way.
    const second = await serve();
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /in use by haven serve/);
    // The files of the live database are the owner's alone.
    for (const f of [db, `${db}-wal`, `${db}-shm`, key]) assert.equal(mode(f), 0o600, f);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  } finally {
    await stop(proc);
  }
  const rot = haven(['key', 'rotate', '--db', db]);
  assert.equal(rot.status, 0, rot.stderr);
  assert.match(rot.stdout, /re-encrypted \(\d+ values\)/);
});

test('a backup is private and the audit log verifies against its checkpoint', () => {
  const out = join(dir, 'backup.db');
  const b = haven(['backup', '--db', db, '--out', out]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(mode(out), 0o600);
  assert.equal(mode(`${db}.key.audit-key`), 0o600);
  assert.equal(mode(`${db}.key.audit-head`), 0o600);
  const v = haven(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /audit log intact: \d+ entries, up to its checkpoint/);
  const [, seq] = readFileSync(`${db}.key.audit-head`, 'utf8').match(/\n(\d+) /);
  assert.match(v.stdout, new RegExp(`intact: ${seq} entries`), 'the checkpoint names the newest entry');
});

test('a backup carries its own audit checkpoint, and a backup cut short is seen', () => {
  const out = join(dir, 'backup2.db');
  const b = haven(['backup', '--db', db, '--out', out]);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /its audit checkpoint: .*backup2\.db\.audit-head/);
  assert.equal(mode(`${out}.audit-head`), 0o600);
  const ok = haven(['audit', 'verify', '--db', out, '--key-file', `${db}.key`,
    '--checkpoint', `${out}.audit-head`]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /audit log intact: \d+ entries, up to its checkpoint/);
  // Someone with the file drops the append-only trigger and removes the newest entry.
  const sql = spawnSync('sqlite3', [out, 'DROP TRIGGER audit_log_no_delete; '
    + 'DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log);'], { encoding: 'utf8' });
  assert.equal(sql.status, 0, sql.stderr);
  const cut = haven(['audit', 'verify', '--db', out, '--key-file', `${db}.key`,
    '--checkpoint', `${out}.audit-head`]);
  assert.equal(cut.status, 1);
  assert.match(cut.stderr, /audit log truncated: 1 entries missing/);
  // A checkpoint that is not this key's is refused, not trusted.
  const forged = haven(['audit', 'verify', '--db', out, '--key-file', `${db}.key`,
    '--checkpoint', `${db}.key`]);
  assert.equal(forged.status, 1);
  assert.match(forged.stderr, /altered \(or is not this key's\)/);
});
