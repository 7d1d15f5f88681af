// The phrasebook's service worker (scope /phrasebook/, registered by its page), on the
// shared core (web/js/sw-core.js). Beside the page's files it keeps the phrasebook's own
// API answers: the catalogue (the same for every member of staff, no personal data),
// fetched from the network first so that edits arrive, and the audio, whose URLs name
// their version and are answered from the cache first.
importScripts('/js/sw-core.js');

self.havenServiceWorker({
  cache: 'haven-phrasebook-v1',
  prefix: 'haven-phrasebook-',
  page: '/phrasebook/',
  api: ['/api/v1/phrasebook'],
  versioned: (url) => url.pathname.startsWith('/api/v1/phrasebook/audio/') && url.searchParams.has('v'),
  shell: [
    '/phrasebook/', '/phrasebook/app.js', '/phrasebook/phrasebook.css', '/phrasebook/manifest.webmanifest',
    '/phrasebook/icon.svg', '/phrasebook/icon-192.png',
    '/js/api.js', '/js/dom.js', '/js/offline.js', '/js/outbox.js',
    '/i18n/phrasebook/en.json', '/i18n/phrasebook/bs.json', '/i18n/phrasebook/sr-Cyrl.json',
  ],
});
