// The caching core shared by Haven's service workers. Each part of the interface that
// works offline has a small worker of its own (web/outreach/sw.js, web/phrasebook/sw.js)
// that loads this file with importScripts and calls havenServiceWorker(config):
//
//   cache       the cache's name, with a version: 'haven-outreach-v1'
//   prefix      caches starting with it and not named `cache` are old: deleted on activate
//   shell       files kept at install (a missing one does not stop the others)
//   page        the key under which the page of every navigation in the scope is kept
//   api         path prefixes under /api/ that may be kept (reference data that is the
//               same for every user, never a person's record); default none
//   versioned   a function (URL) -> true for URLs whose content never changes (they name
//               their version): answered from the cache first
//   waitMs      how long the network may take before the cache answers (4000)
//
// Files are fetched from the network first (so a new version shows at once) with a short
// wait, and from the cache when the network fails or is slow. Everything else under
// /api/ is never answered from here, and the map tiles (/tiles/, range requests) are left
// to the network. A page asks to keep more files with postMessage({type: 'keep', urls}).
self.havenServiceWorker = function havenServiceWorker(config) {
  const CACHE = config.cache;
  const PREFIX = config.prefix;
  const API = config.api || [];
  const WAIT_MS = config.waitMs || 4000;
  const versioned = config.versioned || (() => false);

  function keepable(path) {
    if (typeof path !== 'string' || !path.startsWith('/')) return false;
    if (path.startsWith('/api/')) return API.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));
    return !path.startsWith('/tiles/') && !path.endsWith('/sw.js');
  }

  self.addEventListener('install', (event) => {
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(config.shell.map((url) => cache.add(url).catch(() => null)));
      await self.skipWaiting();
    })());
  });

  self.addEventListener('activate', (event) => {
    event.waitUntil((async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })());
  });

  self.addEventListener('message', (event) => {
    const data = event.data || {};
    if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
    event.waitUntil((async () => {
      const cache = await caches.open(CACHE);
      const urls = data.urls.filter((u) => keepable(new URL(u, self.location.origin).pathname));
      await Promise.all(urls.map((url) => cache.add(url).catch(() => null)));
    })());
  });

  async function fromNetwork(request, cache, key) {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
    return response;
  }

  async function networkFirst(request, key) {
    const cache = await caches.open(CACHE);
    const network = fromNetwork(request, cache, key);
    const timeout = new Promise((resolve) => { setTimeout(() => resolve(null), WAIT_MS); });
    try {
      const quick = await Promise.race([network, timeout]);
      if (quick) return quick;
    } catch {
      // offline: the cache below
    }
    const kept = await cache.match(key);
    if (kept) return kept;
    return network; // nothing kept: wait for the network's answer or its error
  }

  async function cacheFirst(request, key) {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(key);
    if (kept) return kept;
    return fromNetwork(request, cache, key);
  }

  self.addEventListener('fetch', (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== self.location.origin) return;
    if (!keepable(url.pathname)) return; // the rest of the API and tiles: always the network
    if (request.headers.has('range')) return;
    if (request.mode === 'navigate') {
      // Every page of the scope is one page; kept once, under config.page.
      event.respondWith(networkFirst(request, config.page));
      return;
    }
    const key = url.pathname + url.search;
    event.respondWith(versioned(url) ? cacheFirst(request, key) : networkFirst(request, key));
  });
};
