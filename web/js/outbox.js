// The outbox: requests made while the server cannot be reached wait here, in the
// browser's IndexedDB, and are sent when it can be (on the `online` event, at page
// start, after each new entry, and every 30 seconds while any wait). Any page may use
// it: enqueue({id, method, url, body, label, kind}) where id is the record's id made in
// the browser (crypto.randomUUID()) and the server creates records idempotently on it,
// so sending twice (two tabs, a lost answer) still makes one record.
//
// Each item keeps its status: pending (waiting to be sent), sending, or error (the
// server refused it: 400 and 409 answers are kept with their message and field, for
// the user to fix or discard; nothing is dropped silently). Sent items are deleted at
// once: the phone holds only what was not yet sent. Items belong to the user who made
// them and are sent only with that user's session.
const DB_NAME = 'haven-offline';
const DB_VERSION = 1;
const FLUSH_EVERY_MS = 30000;

let dbPromise = null;
let owner = null;
let flushing = null;
const listeners = new Set();

// The database: "outbox" (items by id) and "cache" (reference data for offline pages,
// {key, value}), both cleared at logout.
export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache', { keyPath: 'key' });
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('the offline store is blocked by another tab'));
    });
  }
  return dbPromise;
}

// Runs fn(store) in a transaction; resolves to the value of the request fn returns.
export async function tx(storeName, mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const t = db.transaction(storeName, mode);
    const req = fn(t.objectStore(storeName));
    let result;
    if (req) req.onsuccess = () => { result = req.result; };
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

function notify() { for (const fn of listeners) { try { fn(); } catch (e) { console.error(e); } } }

// fn() is called after any change of the outbox; returns a function that unsubscribes.
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// The user whose items are sent (null: nobody is logged in, nothing is sent).
export function setOwner(username) {
  owner = username || null;
  if (owner) flush();
}

// Every item, oldest first; only the owner's when mine.
export async function list({ mine = true } = {}) {
  const all = (await tx('outbox', 'readonly', (s) => s.getAll())) || [];
  all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return mine ? all.filter((i) => i.owner === owner) : all;
}

export async function get(id) { return tx('outbox', 'readonly', (s) => s.get(id)); }

// Items waiting or refused, of every user (what logout would delete).
export async function unsentCount() { return (await list({ mine: false })).length; }

// Adds a request. Resolves to the item; the send happens in the background.
export async function enqueue({ id, method = 'POST', url, body, label = '', kind = '' }) {
  if (!id) throw new Error('an outbox item needs the id of the record it creates');
  const item = {
    id, method, url, body, label, kind, owner,
    status: 'pending', attempts: 0, error: null,
    createdAt: new Date().toISOString(), lastTriedAt: null,
  };
  await tx('outbox', 'readwrite', (s) => s.put(item));
  notify();
  flush();
  return item;
}

// Replaces an item's request (a fix after an error) and sends it again. A record the
// server refused with 409 (the id was used for something else) gets a new id.
export async function resubmit(id, { body, url, label, newId = null }) {
  const old = await get(id);
  if (!old) return null;
  const item = { ...old, body: body ?? old.body, url: url ?? old.url, label: label ?? old.label,
    status: 'pending', error: null };
  if (newId) item.id = newId;
  await tx('outbox', 'readwrite', (s) => { if (newId) s.delete(id); return s.put(item); });
  notify();
  flush();
  return item;
}

export async function remove(id) {
  await tx('outbox', 'readwrite', (s) => s.delete(id));
  notify();
}

async function send(item) {
  let res;
  try {
    res = await fetch(item.url, {
      method: item.method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(item.body),
    });
  } catch {
    return 'offline';
  }
  if (res.ok) return 'sent';
  const json = await res.json().catch(() => null);
  const error = { status: res.status, ...((json && json.error) || { code: `http_${res.status}`, message: res.statusText }) };
  if (res.status === 401) return 'unauthenticated';
  if (res.status >= 500 || res.status === 429) return 'later';
  return { error };
}

async function flushNow() {
  if (!owner) return;
  for (const item of await list()) {
    if (item.status === 'error') continue;
    item.status = 'sending';
    item.attempts += 1;
    item.lastTriedAt = new Date().toISOString();
    await tx('outbox', 'readwrite', (s) => s.put(item));
    notify();
    const outcome = await send(item);
    if (outcome === 'sent') {
      await tx('outbox', 'readwrite', (s) => s.delete(item.id));
      notify();
      continue;
    }
    if (typeof outcome === 'object') {
      item.status = 'error';
      item.error = outcome.error;
    } else {
      item.status = 'pending';
    }
    await tx('outbox', 'readwrite', (s) => s.put(item));
    notify();
    // No network, no session or a busy server: the rest waits for the next flush.
    if (typeof outcome !== 'object') break;
  }
}

// Sends what waits, one flush at a time in this tab and, through a Web Lock, in all the
// tabs of this browser. Resolves when done.
export function flush() {
  if (!flushing) {
    const run = () => flushNow().catch((e) => console.error(e));
    flushing = (navigator.locks ? navigator.locks.request('haven-outbox-flush', run) : run())
      .finally(() => { flushing = null; });
  }
  return flushing;
}

let started = false;
// Sends on `online`, on page start and every 30 seconds while anything waits.
export function startAutoFlush() {
  if (started) return;
  started = true;
  window.addEventListener('online', () => flush());
  setInterval(async () => {
    if (owner && (await list()).some((i) => i.status === 'pending')) flush();
  }, FLUSH_EVERY_MS);
  flush();
}

// Deletes the whole offline store (outbox and cache) of this browser.
export async function clearAll() {
  if (dbPromise) {
    const db = await dbPromise.catch(() => null);
    if (db) db.close();
    dbPromise = null;
  }
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
  // No notify(): a panel redrawing now would open the store again.
}
