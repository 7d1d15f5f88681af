// Working without a network: a service worker for a part of the interface, reference
// data kept on the device for pages that must open offline, and wiping the device at
// logout. Any module can use these pieces: the outreach pages register
// /outreach/sw.js for the scope /outreach/ (docs/offline.md); another page registers
// its own worker for its own scope.
import { get, ApiError } from './api.js';
import { tx, clearAll as clearOutbox } from './outbox.js';

// Caches whose names start with one of these hold what logout removes.
const DEVICE_CACHE_PREFIXES = ['haven-outreach-'];

export async function cacheGet(key) {
  try {
    const row = await tx('cache', 'readonly', (s) => s.get(key));
    return row ? row.value : undefined;
  } catch {
    return undefined;
  }
}

export async function cachePut(key, value) {
  try {
    await tx('cache', 'readwrite', (s) => s.put({ key, value, at: new Date().toISOString() }));
  } catch (e) {
    console.error(e);
  }
}

// GETs path from the server and keeps a copy on the device; when the server cannot be
// reached, answers the copy (rejects as the request did when there is none). For
// reference data only (locations, forms, code lists): never a person's record.
export async function cachedGet(path) {
  try {
    const value = await get(path);
    await cachePut(`get:${path}`, value);
    return value;
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) {
      const copy = await cacheGet(`get:${path}`);
      if (copy !== undefined) return copy;
    }
    throw e;
  }
}

// Registers a service worker for scope and asks it to keep urls (plus every
// same-origin file this page has loaded so far) for offline use. Resolves to the
// registration, or null where service workers are not available (plain http on
// another host than localhost, old browsers): the pages then work online only.
export async function registerServiceWorker(script, scope, urls = []) {
  if (!('serviceWorker' in navigator)) return null;
  try {
    const reg = await navigator.serviceWorker.register(script, { scope });
    const worker = reg.active || reg.waiting || reg.installing;
    const loaded = performance.getEntriesByType('resource')
      .map((e) => new URL(e.name)).filter((u) => u.origin === location.origin && !u.pathname.startsWith('/api/'))
      .map((u) => u.pathname);
    const message = { type: 'keep', urls: [...new Set([...urls, ...loaded])] };
    if (worker) worker.postMessage(message);
    return reg;
  } catch (e) {
    console.error(e);
    return null;
  }
}

// Resolves when the page is controlled by a service worker (or at once if it is).
export function serviceWorkerReady() {
  if (!('serviceWorker' in navigator)) return Promise.resolve(false);
  return navigator.serviceWorker.ready.then(() => true);
}

// Wipes what this browser keeps for offline work: the outbox, the cached reference
// data and the caches of the workers listed above. Called at logout.
export async function clearDeviceData() {
  await clearOutbox();
  if ('caches' in window) {
    for (const name of await caches.keys()) {
      if (DEVICE_CACHE_PREFIXES.some((p) => name.startsWith(p))) await caches.delete(name);
    }
  }
}
