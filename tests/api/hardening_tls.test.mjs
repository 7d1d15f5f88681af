// The session cookie's Secure flag follows TLS (issue 10): libmicrohttpd's own TLS
// (--tls-cert/--tls-key), or a trusted reverse proxy's X-Forwarded-Proto, never a
// header from anyone else.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'haven-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function selfSigned() {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key, cert };
}

function httpsRequest(base, ca, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const req = https.request(base + path, {
      method, ca,
      headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {},
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const login = (srv, headers = {}) => srv.request('POST', '/api/v1/session',
  { body: { username: 'admin', password: srv.logins.admin.password }, headers });

test('over libmicrohttpd\'s TLS the session cookie is Secure', async () => {
  const { key, cert } = selfSigned();
  const srv = await startServer({ serveArgs: ['--tls-cert', cert, '--tls-key', key] });
  try {
    const base = srv.base.replace('http://', 'https://');
    const ca = readFileSync(cert);
    const health = await httpsRequest(base, ca, 'GET', '/healthz');
    assert.equal(health.status, 200);
    const r = await httpsRequest(base, ca, 'POST', '/api/v1/session', { username: 'admin', password: srv.logins.admin.password });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers['set-cookie'][0], /; Secure/);
  } finally {
    await srv.stop();
  }
});

test('over plain HTTP it is not, and X-Forwarded-Proto from an untrusted peer changes nothing', async () => {
  const srv = await startServer();
  try {
    const plain = await login(srv);
    assert.equal(plain.status, 201);
    assert.doesNotMatch(plain.headers.get('set-cookie'), /Secure/);
    const forged = await login(srv, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' });
    assert.doesNotMatch(forged.headers.get('set-cookie'), /Secure/);
    const token = plain.body.token;
    const audit = await srv.request('GET', '/api/v1/audit?limit=5', { token });
    assert.ok(!JSON.stringify(audit.body).includes('203.0.113.9'), 'a client cannot choose its address');
  } finally {
    await srv.stop();
  }
});

test('behind a trusted proxy: its X-Forwarded-Proto sets Secure, its X-Forwarded-For is the address', async () => {
  const srv = await startServer({ serveArgs: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const r = await login(srv, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' });
    assert.equal(r.status, 201);
    assert.match(r.headers.get('set-cookie'), /; Secure/);
    const plain = await login(srv, { 'X-Forwarded-Proto': 'http' });
    assert.doesNotMatch(plain.headers.get('set-cookie'), /Secure/);
    const audit = await srv.request('GET', '/api/v1/audit?limit=5', { token: r.body.token });
    const text = JSON.stringify(audit.body);
    assert.ok(text.includes('203.0.113.7'), 'the address the proxy saw is audited');
    assert.ok(!text.includes('198.51.100.1'), 'not the one the client claimed before it');
  } finally {
    await srv.stop();
  }
});
