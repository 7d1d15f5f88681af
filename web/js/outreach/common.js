// Shared by the outreach pages: their stylesheet, the service worker, the sub-menu,
// labels of forms in the interface's language, and the outbox panel that shows what
// waits on this phone and what the server refused.
import { h, announce } from '../dom.js';
import { t, tn, localeCode, BUNDLES, LOCALES, fmtDateTime } from '../i18n.js';
import { list, onChange, remove, flush } from '../outbox.js';
import { registerServiceWorker } from '../offline.js';

let cssAdded = false;
export function ensureCss() {
  if (cssAdded || document.querySelector('link[href="/css/outreach.css"]')) return;
  cssAdded = true;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/outreach.css' }));
}

// The outreach pages work offline: their worker keeps the files they need.
export function offlineReady() {
  const urls = ['/css/outreach.css'];
  for (const l of LOCALES) {
    urls.push(`/i18n/${l.code}.json`);
    for (const b of BUNDLES) urls.push(`/i18n/${b}/${l.code}.json`);
  }
  return registerServiceWorker('/outreach/sw.js', '/outreach/', urls);
}

const SUBNAV = [
  { href: '/outreach/', key: 'outreach.nav.home', perm: 'outreach.read' },
  { href: '/outreach/visits/new', key: 'outreach.nav.new_visit', perm: 'outreach.write' },
  { href: '/outreach/forms', key: 'outreach.nav.forms', perm: 'outreach.read' },
  { href: '/outreach/map', key: 'outreach.nav.map', perm: 'outreach.read' },
  { href: '/outreach/locations', key: 'outreach.nav.locations', perm: 'outreach.read' },
];

// The page frame of the outreach pages: sub-menu, offline notice, title.
export function frame(root, app, titleKey, extra = null) {
  ensureCss();
  offlineReady();
  app.setTitle(t(titleKey));
  const here = location.pathname;
  const nav = h('nav', { class: 'or-subnav', 'aria-label': t('outreach.nav.label') }, h('ul', {},
    SUBNAV.filter((n) => app.can(n.perm)).map((n) => h('li', {}, h('a', {
      href: n.href, 'aria-current': (n.href === '/outreach/' ? here === '/outreach/' || here === '/outreach' : here.startsWith(n.href)) ? 'page' : null,
    }, t(n.key))))));
  const offline = h('p', { class: 'notice notice-warn or-offline', id: 'offline-notice', hidden: navigator.onLine && !app.offline }, t('outreach.offline_notice'));
  const update = () => { offline.hidden = navigator.onLine && !app.offline; };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  root.append(nav, offline, h('div', { class: 'page-head' }, h('h1', {}, t(titleKey)), extra));
}

// A form's text in the interface's language: the column whose language code in
// parentheses is the locale's ("English (en)"), else one of the same language, else
// the default column, else any.
export function formText(obj, languages = []) {
  if (!obj || typeof obj !== 'object') return '';
  const code = localeCode();
  const keys = Object.keys(obj);
  const pick = (test) => keys.find((k) => test(k) && obj[k]);
  const paren = (k) => (k.match(/\(([^)]+)\)\s*$/) || [])[1] || '';
  const found = pick((k) => paren(k) === code) || pick((k) => paren(k).split('-')[0] === code.split('-')[0])
    || pick((k) => k === '') || languages.map((l) => (obj[l] ? l : null)).find(Boolean) || keys.find((k) => obj[k]);
  return found !== undefined ? obj[found] : '';
}

function statusText(item) {
  if (item.status === 'error') return t('outreach.outbox.status_error');
  if (item.status === 'sending') return t('outreach.outbox.status_sending');
  return t('outreach.outbox.status_pending');
}

// Where an item can be fixed: its own form, with ?fix=<item id>.
function fixLink(item) {
  if (item.kind === 'visit') return `/outreach/visits/new?fix=${encodeURIComponent(item.id)}`;
  if (item.kind === 'submission') return `${new URL(item.url, location.origin).pathname.replace(/^\/api\/v1/, '').replace(/\/submissions$/, '/fill')}?fix=${encodeURIComponent(item.id)}`;
  if (item.kind === 'location') return `/outreach/locations?fix=${encodeURIComponent(item.id)}`;
  return null;
}

// The outbox: each item waiting on this phone with its state; errors with the server's
// reason, a link to fix the entry and a button to discard it.
export function outboxPanel() {
  const body = h('div', { id: 'outbox-items' });
  const count = h('p', { id: 'outbox-count', class: 'muted', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', class: 'btn btn-small', id: 'outbox-send', onclick: () => flush() }, t('outreach.outbox.send_now'));
  const panel = h('section', { class: 'card or-outbox', id: 'outbox', 'aria-labelledby': 'outbox-h' },
    h('div', { class: 'or-outbox-head' }, h('h2', { id: 'outbox-h' }, t('outreach.outbox.title')), send), count, body);
  const draw = async () => {
    const items = await list();
    count.textContent = items.length ? tn('outreach.outbox.count', items.length) : t('outreach.outbox.empty');
    send.hidden = !items.some((i) => i.status === 'pending');
    body.replaceChildren(items.length ? h('ul', { class: 'or-outbox-list' }, items.map((item) => {
      const fix = item.status === 'error' ? fixLink(item) : null;
      return h('li', { class: ['or-outbox-item', `is-${item.status}`], dataset: { id: item.id, status: item.status } },
        h('p', { class: 'or-outbox-label' }, h('strong', {}, item.label || item.kind), ' ',
          h('span', { class: ['badge', item.status === 'error' ? 'badge-off' : null] }, statusText(item))),
        h('p', { class: 'muted or-outbox-when' }, t('outreach.outbox.saved_at', { when: fmtDateTime(item.createdAt) })),
        item.error ? h('p', { class: 'field-error', role: 'alert' }, item.error.status === 409 ? t('outreach.outbox.conflict') : item.error.message) : null,
        item.status === 'error' ? h('div', { class: 'actions' },
          fix ? h('a', { class: 'btn btn-small', href: fix }, t('outreach.outbox.fix')) : null,
          h('button', { type: 'button', class: 'btn-danger btn-small', onclick: async () => { await remove(item.id); announce(t('outreach.outbox.discarded')); } }, t('outreach.outbox.discard'))) : null);
    })) : null);
  };
  const off = onChange(() => { if (!panel.isConnected) { off(); return; } draw(); });
  draw();
  return panel;
}

// A record id made on this device (the server creates records once per id).
export function newRecordId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// Today as YYYY-MM-DD in the device's time zone.
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
