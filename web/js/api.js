// The one way the interface talks to the server. The session is an HttpOnly cookie
// the browser sends by itself: no token is ever held in JavaScript.

// key and params, when the server gives them, name a message of the interface's own
// (errors.key.<key>, with {param} placeholders) that says the same in the user's
// language; message is the server's English.
export class ApiError extends Error {
  constructor(status, code, message, field, key, params) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.key = key || null;
    this.params = params || {};
  }
}

let onUnauthenticated = null;
// fn(error) is called when a request other than logging in answers 401.
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn; }

// Sends a request; body objects go as JSON. Resolves to the parsed answer (null for
// 204); rejects with ApiError (status 0, code "network" when the server is unreachable).
export async function api(method, path, body) {
  const opts = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    opts.body = JSON.stringify(body);
    opts.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    throw new ApiError(0, 'network', 'The Haven server cannot be reached.', null);
  }
  if (res.status === 204) return null;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json && json.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, e.field, e.key, e.params);
    if (res.status === 401 && path !== '/api/v1/session' && onUnauthenticated) onUnauthenticated(err);
    throw err;
  }
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

// Builds "path?a=1&b=2" leaving out empty values.
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
