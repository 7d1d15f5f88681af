// The outreach pages' service worker (scope /outreach/, registered by web/js/offline.js),
// on the shared core (web/js/sw-core.js). It keeps the files of the interface (the app
// shell, the outreach pages, messages, the map library and boundaries) so that the pages
// open with no network, and nothing else: requests to /api/ are never answered from here
// (data for offline pages lives in IndexedDB, owned by the page and wiped at logout), and
// the tile file is left to the network.
importScripts('/js/sw-core.js');

self.havenServiceWorker({
  cache: 'haven-outreach-v3',
  prefix: 'haven-outreach-',
  page: '/outreach/',
  shell: [
    '/outreach/', '/index.html', '/favicon.svg', '/img/globe.svg', '/css/app.css', '/css/outreach.css',
    '/js/app.js', '/js/api.js', '/js/dom.js', '/js/forms.js', '/js/i18n.js', '/js/keys.js', '/js/outbox.js', '/js/offline.js',
    '/js/components/confirm.js', '/js/components/chart.js', '/js/components/nav-menu.js',
    '/js/outreach/expr.js', '/js/outreach/common.js', '/js/outreach/fill.js',
    '/js/pages/outreach.js', '/js/pages/outreach-visit.js', '/js/pages/outreach-forms.js',
    '/js/pages/outreach-form.js', '/js/pages/outreach-fill.js', '/js/pages/outreach-map.js',
    '/js/pages/outreach-locations.js', '/js/pages/login.js',
    '/i18n/en.json', '/i18n/bs.json', '/i18n/sr-Cyrl.json',
    '/i18n/outreach/en.json', '/i18n/outreach/bs.json', '/i18n/outreach/sr-Cyrl.json',
    '/vendor/leaflet/leaflet.js', '/vendor/leaflet/leaflet.css', '/vendor/boundaries.json',
    '/vendor/chart.umd.min.js',
  ],
});
