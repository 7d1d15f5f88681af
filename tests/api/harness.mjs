// Shared by the API and browser tests: a real `haven` on a loopback port with a fresh
// database in a temporary directory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.HAVEN_BIN || new URL('../../build-test/haven', import.meta.url).pathname;
export const WEB = process.env.HAVEN_WEB || new URL('../../web', import.meta.url).pathname;

// Runs `haven ARGS...`; returns {status, stdout, stderr}.
export function haven(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
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

// Starts a server on a new database. options.demo adds demo data (options.people of them);
// options.serveArgs are added to `haven serve` (e.g. ['--threads', '8']); options.env
// is more environment; options.quiet: false keeps the request log on stderr.
export async function startServer(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'haven-api-'));
  const db = join(dir, 'haven.db');
  const args = ['init', '--db', db];
  if (options.demo) args.push('--demo', '--demo-people', String(options.people ?? 300));
  const init = haven(args);
  if (init.status !== 0) throw new Error(`haven init failed: ${init.stderr}`);
  const logins = parseLogins(init.stdout);
  const serveArgs = ['serve', '--db', db, '--listen', '127.0.0.1:0'];
  if (options.quiet !== false) serveArgs.push('--quiet');
  if (existsSync(WEB)) serveArgs.push('--web', WEB);
  serveArgs.push(...(options.serveArgs ?? []));
  const proc = spawn(BIN, serveArgs,
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(options.env ?? {}) } });
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
      if (code !== 0) throw new Error(`haven serve exited ${code}: ${stderr}`);
    },
  };
  return server;
}
