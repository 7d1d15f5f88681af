// Shared by the API and browser tests: a real `haven` on a loopback port with a fresh
// database in a temporary directory.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync,
  rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.HAVEN_BIN || new URL('../../build-test/haven', import.meta.url).pathname;
export const WEB = process.env.HAVEN_WEB || new URL('../../web', import.meta.url).pathname;

// HAVEN_PG_URL ("postgresql://user@127.0.0.1:PORT", the pg tests' server; see
// tests/pg/cluster.sh) runs every server on a new PostgreSQL database instead of a
// SQLite file: server.db is then its URL, and its protection key a file in server.dir.
export const PG_URL = process.env.HAVEN_PG_URL || '';
const pgKeys = new Map(); // database URL -> its protection key file

// Runs SQL with psql on the pg tests' server (its postgres database); returns what it
// printed (unaligned, tuples only).
export function psql(sql) {
  const r = spawnSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-d', `${PG_URL}/postgres`, '-c', sql],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
  return r.stdout;
}

// A new empty database (or a copy of template); returns its URL.
function pgCreate(template) {
  const name = `haven_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  psql(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return `${PG_URL}/${name}`;
}

function pgDrop(url) {
  psql(`DROP DATABASE IF EXISTS ${url.slice(url.lastIndexOf('/') + 1)} WITH (FORCE)`);
}

// PostgreSQL: restores a `haven backup` (pg_dump's custom format) into a new database
// that shares the key file of the database it was taken from; returns its URL.
export function pgRestore(dump, from) {
  const url = pgCreate();
  const r = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', url, dump], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_restore: ${r.stderr}`);
  pgKeys.set(url, pgKeys.get(from));
  return url;
}

// What a database holds at rest, for tests that look for text that must not be there:
// the SQLite file and its WAL, or on PostgreSQL every row as pg_dump prints it.
// Returns [{name, bytes}] and the path of the protection key file.
export function databaseAtRest(server) {
  if (!PG_URL) {
    const files = [server.db, `${server.db}-wal`].filter((f) => existsSync(f))
      .map((f) => ({ name: f, bytes: readFileSync(f) }));
    return { files, key: `${server.db}.key` };
  }
  const r = spawnSync('pg_dump', ['--data-only', '-d', server.db], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`pg_dump: ${r.stderr}`);
  return { files: [{ name: server.db, bytes: r.stdout }], key: pgKeys.get(server.db) };
}

// The environment for a haven command: on PostgreSQL, the key file of the database.
function envFor(args) {
  const i = args.indexOf('--db');
  const key = i >= 0 ? pgKeys.get(args[i + 1]) : undefined;
  return key && !process.env.HAVEN_KEY_FILE ? { HAVEN_KEY_FILE: key } : {};
}

// Runs `haven ARGS...`; returns {status, stdout, stderr}.
export function haven(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...envFor(args), ASAN_OPTIONS: 'detect_leaks=1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The roles' codes, from the one list the server reads (data/roles.tsv).
const ROLES = readFileSync(new URL('../../data/roles.tsv', import.meta.url), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')[0]);

// Parses the logins table printed by `haven init`.
function parseLogins(text) {
  const logins = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^(\S+)\s+(\S+)\s+(\S+)$/);
    if (m && ROLES.includes(m[2])) logins[m[1]] = { role: m[2], password: m[3] };
  }
  return logins;
}

// Runs `haven init` on db; returns what it printed (the logins).
function init(db, extra) {
  const r = haven(['init', '--db', db, ...extra]);
  if (r.status !== 0) throw new Error(`haven init failed: ${r.stderr}`);
  return r.stdout;
}

// A demo database of `people` into dir (haven.db, its key files). Generating the demo
// under the sanitizers costs seconds of CPU per server, and dozens of test files ask for
// the same few sizes: each (binary, size, day) is generated once per machine and copied.
// The copy is the same bytes init would have written that day, passwords included.
function demoInit(dir, people) {
  if (PG_URL) return pgDemoInit(dir, people);
  const bin = statSync(BIN);
  const day = new Date().toISOString().slice(0, 10);
  const key = createHash('sha256')
    .update([BIN, bin.size, bin.mtimeMs, people, day, process.env.HAVEN_KEY_FILE ?? ''].join('|'))
    .digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'haven-demo-cache');
  const cached = join(root, key);
  if (!existsSync(join(cached, 'init.out'))) {
    mkdirSync(root, { recursive: true });
    const fresh = mkdtempSync(join(root, 'new-'));
    const out = init(join(fresh, 'haven.db'), ['--demo', '--demo-people', String(people)]);
    writeFileSync(join(fresh, 'init.out'), out);
    try { renameSync(fresh, cached); } catch { rmSync(fresh, { recursive: true, force: true }); } // another test won
  }
  for (const f of readdirSync(cached)) if (f.startsWith('haven.db')) copyFileSync(join(cached, f), join(dir, f));
  return readFileSync(join(cached, 'init.out'), 'utf8');
}

// demoInit on PostgreSQL: the demo is generated once per (binary, size, day) into a
// template database, and each server gets a copy of it (CREATE DATABASE ... TEMPLATE)
// and of its key files. Returns [url, what init printed].
function pgDemoInit(dir, people) {
  const bin = statSync(BIN);
  const day = new Date().toISOString().slice(0, 10);
  const key = createHash('sha256').update([BIN, bin.size, bin.mtimeMs, people, day, PG_URL].join('|'))
    .digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'haven-pg-demo-cache');
  const cached = join(root, key);
  const template = `haven_tpl_${key}`;
  // The cache outlives a test server; its template does not.
  const has = spawnSync('psql', ['-X', '-tA', '-d', `${PG_URL}/postgres`, '-c',
    `SELECT 1 FROM pg_database WHERE datname = '${template}'`], { encoding: 'utf8' });
  if (has.stdout.trim() !== '1') rmSync(cached, { recursive: true, force: true });
  if (!existsSync(join(cached, 'init.out'))) {
    mkdirSync(root, { recursive: true });
    const fresh = mkdtempSync(join(root, 'new-'));
    const url = pgCreate();
    const keyFile = join(fresh, 'haven.key');
    pgKeys.set(url, keyFile);
    const out = init(url, ['--demo', '--demo-people', String(people)]);
    try {
      psql(`ALTER DATABASE ${url.slice(url.lastIndexOf('/') + 1)} RENAME TO ${template}`);
      writeFileSync(join(fresh, 'init.out'), out);
      renameSync(fresh, cached);
    } catch { // another test won
      pgDrop(url);
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  for (const f of readdirSync(cached)) if (f.startsWith('haven.key')) copyFileSync(join(cached, f), join(dir, f));
  return [pgCreate(template), readFileSync(join(cached, 'init.out'), 'utf8')];
}

// Starts a server on a new database. options.demo adds demo data (options.people of them);
// options.serveArgs are added to `haven serve` (e.g. ['--threads', '8']); options.env
// is more environment; options.quiet: false keeps the request log on stderr.
// options.sameDatabase: a server started before (PostgreSQL only) whose database and
// logins this one shares; stop this one first (the first drops the database).
export async function startServer(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'haven-api-'));
  let db = join(dir, 'haven.db');
  let printed;
  const shared = options.sameDatabase;
  if (shared) {
    if (!PG_URL) throw new Error('sameDatabase needs PostgreSQL (HAVEN_PG_URL)');
    db = shared.db;
    printed = '';
  } else if (PG_URL && options.demo) {
    [db, printed] = demoInit(dir, options.people ?? 300);
    pgKeys.set(db, join(dir, 'haven.key'));
  } else if (PG_URL) {
    db = pgCreate();
    pgKeys.set(db, join(dir, 'haven.key'));
    printed = init(db, []);
  } else {
    printed = options.demo ? demoInit(dir, options.people ?? 300) : init(db, []);
  }
  const logins = shared ? shared.logins : parseLogins(printed);
  const serveArgs = ['serve', '--db', db, '--listen', '127.0.0.1:0'];
  if (options.quiet !== false) serveArgs.push('--quiet');
  if (existsSync(WEB)) serveArgs.push('--web', WEB);
  serveArgs.push(...(options.serveArgs ?? []));
  const proc = spawn(BIN, serveArgs,
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...envFor(serveArgs), ...(options.env ?? {}) } });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/https?:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`haven serve exited ${code}: ${stderr}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, db, dir, logins, proc,
    get stderr() { return stderr; },
    // Sends a request; body objects are sent as JSON. Returns {status, headers, body}.
    async request(method, path, { token, body, headers = {}, raw } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      let payload = raw;
      if (body !== undefined) { payload = JSON.stringify(body); h['Content-Type'] ??= 'application/json'; }
      const res = await fetch(base + path, { method, headers: h, body: payload });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      return { status: res.status, headers: res.headers, body: json, text };
    },
    // Logs in as a demo or created user; returns the bearer token.
    async login(username, password) {
      const pw = password ?? logins[username]?.password;
      const r = await server.request('POST', '/api/v1/session', { body: { username, password: pw } });
      if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      return r.body.token;
    },
    // Stops the server and checks it exited cleanly (sanitizers report on exit).
    async stop() {
      const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
      proc.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      if (PG_URL && !shared) pgDrop(db);
      if (code !== 0) throw new Error(`haven serve exited ${code}: ${stderr}`);
    },
  };
  return server;
}
