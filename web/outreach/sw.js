// The outreach pages' service worker (scope /outreach/, registered by web/js/offline.js).
// It keeps the files of the interface (the app shell, the outreach pages, messages,
// the map library and boundaries) so that the pages open with no network, and nothing
// else: requests to /api/ are never answered from here (data for offline pages lives
// in IndexedDB, owned by the page and wiped at logout), and the tile file is left to
// the network. Files are fetched from the network first (so a new version shows at
// once) with a short wait, and from the cache when the network fails or is slow.
const CACHE = 'haven-outreach-v1';
const NETWORK_WAIT_MS = 4000;
const SHELL = [
  '/outreach/', '/index.html', '/favicon.svg', '/img/globe.svg', '/css/app.css', '/css/outreach.css',
  '/js/app.js', '/js/api.js', '/js/dom.js', '/js/forms.js', '/js/i18n.js', '/js/outbox.js', '/js/offline.js',
  '/js/components/confirm.js', '/js/components/chart.js',
  '/js/outreach/expr.js', '/js/outreach/common.js', '/js/outreach/fill.js',
  '/js/pages/outreach.js', '/js/pages/outreach-visit.js', '/js/pages/outreach-forms.js',
  '/js/pages/outreach-form.js', '/js/pages/outreach-fill.js', '/js/pages/outreach-map.js',
  '/js/pages/outreach-locations.js', '/js/pages/login.js',
  '/i18n/en.json', '/i18n/bs.json', '/i18n/sr-Cyrl.json',
  '/i18n/outreach/en.json', '/i18n/outreach/bs.json', '/i18n/outreach/sr-Cyrl.json',
  '/vendor/leaflet/leaflet.js', '/vendor/leaflet/leaflet.css', '/vendor/boundaries.json',
  '/vendor/chart.umd.min.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // One missing file must not stop the rest from being kept.
    await Promise.all(SHELL.map((url) => cache.add(url).catch(() => null)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('haven-outreach-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// A page asks to keep more files ({type: 'keep', urls}): what it loaded, its bundles.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(data.urls.filter(keepable).map((url) => cache.add(url).catch(() => null)));
  })());
});

function keepable(path) {
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('/api/')
    && !path.startsWith('/tiles/') && !path.endsWith('/sw.js');
}

async function fromNetwork(request, cache, key) {
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
  return response;
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  const network = fromNetwork(request, cache, key);
  const timeout = new Promise((resolve) => { setTimeout(() => resolve(null), NETWORK_WAIT_MS); });
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

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (!keepable(url.pathname)) return; // the API and tiles: always the network
  if (request.headers.has('range')) return;
  if (request.mode === 'navigate') {
    // Every page of the app is index.html; kept once, under /outreach/.
    event.respondWith(networkFirst(request, '/outreach/'));
    return;
  }
  event.respondWith(networkFirst(request, url.pathname + url.search));
});
