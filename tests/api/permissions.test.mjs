// Every endpoint against the permission matrix (data/permissions.tsv), for every role:
// a role without the permission gets 403, a role with it never does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, haven } from './harness.mjs';

let srv;
before(async () => { srv = await startServer({ demo: true, people: 20 }); });
after(async () => { await srv.stop(); });

test('each route answers each role as the matrix says', async () => {
  const routes = JSON.parse(haven(['routes']).stdout);
  const matrix = JSON.parse(haven(['permissions']).stdout);
  const roles = matrix.roles.map((r) => r.code);
  // The demo has a user named after each role (the login below fails if one is missing).
  const users = Object.fromEntries(roles.map((r) => [r, r]));
  const tokens = {};
  for (const role of roles) tokens[role] = await srv.login(users[role]);
  const fakeId = '01900000-0000-7000-8000-000000000000';
  let checked = 0;
  for (const route of routes) {
    if (!route.permission) continue;
    const path = route.path.replaceAll('{}', fakeId);
    for (const role of roles) {
      // Logging out would end the token the loop still needs: use a fresh one.
      const token = route.method === 'DELETE' && route.path === '/api/v1/session' ? await srv.login(users[role]) : tokens[role];
      const body = route.method === 'GET' ? undefined : {};
      const r = await srv.request(route.method, path, { token, body });
      const allowed = (matrix.permissions[route.permission] || []).includes(role);
      if (allowed) assert.notEqual(r.status, 403, `${role} ${route.method} ${route.path}: ${r.text}`);
      else assert.equal(r.status, 403, `${role} ${route.method} ${route.path} should be refused: ${r.status}`);
      assert.notEqual(r.status, 401, `${role} ${route.method} ${route.path}`);
      assert.ok(r.status < 500, `${role} ${route.method} ${route.path}: ${r.status} ${r.text}`);
      checked++;
    }
  }
  assert.ok(checked > 100);
});

test('without a session every protected route is 401', async () => {
  const routes = JSON.parse(haven(['routes']).stdout);
  for (const route of routes.filter((r) => r.permission)) {
    const r = await srv.request(route.method, route.path.replaceAll('{}', 'x'), { body: route.method === 'GET' ? undefined : {} });
    assert.equal(r.status, 401, `${route.method} ${route.path}`);
  }
});
