// Haven's web interface: boot, session, navigation and the page frame. Pages live in
// pages/*.js; each default-exports async render(ctx) that fills ctx.root.
import { renderNav } from './components/nav-menu.js';
import { h, announce } from './dom.js';
import { get, patch, del, setUnauthenticatedHandler, ApiError } from './api.js';
import { t, tn, setLocale, localeCode, LOCALES, pickLocale, loadCodeNames, tOf } from './i18n.js';
import { KEYS } from './keys.js';
import { errorMessage } from './forms.js';
import { setOwner, startAutoFlush, unsentCount } from './outbox.js';
import { cacheGet, cachePut, clearDeviceData } from './offline.js';
import { confirmDialog } from './components/confirm.js';

const ROUTES = [
  { re: /^\/$/, page: 'dashboard', perm: 'report.read' },
  { re: /^\/register$/, page: 'register', perm: 'person.write' },
  { re: /^\/search$/, page: 'search', perm: 'person.read' },
  { re: /^\/persons\/([^/]+)$/, page: 'person', perm: 'person.read' },
  { re: /^\/persons\/([^/]+)\/protection$/, page: 'protection-person', perm: 'protection.read' },
  { re: /^\/protection$/, page: 'protection', perm: 'protection.details' },
  { re: /^\/protection\/cases\/([^/]+)$/, page: 'protection-case', perm: 'protection.read' },
  { re: /^\/sites$/, page: 'sites', perm: 'site.read' },
  { re: /^\/sites\/([^/]+)$/, page: 'board', perm: 'stay.read' },
  { re: /^\/stays$/, page: 'stays', perm: 'stay.read' },
  { re: /^\/admin\/sites$/, page: 'admin-sites', perm: 'site.write' },
  { re: /^\/admin\/users$/, page: 'admin-users', perm: 'user.read' },
  { re: /^\/stats$/, page: 'stats', perm: 'stats.read' },
  { re: /^\/distributions$/, page: 'distributions', perm: 'distribution.write' },
  { re: /^\/distributions\/stock$/, page: 'distributions-stock', perm: 'distribution.read' },
  { re: /^\/distributions\/reports$/, page: 'distributions-reports', perm: 'distribution.read' },
  { re: /^\/feedback$/, page: 'feedback', perm: 'feedback.read' },
  { re: /^\/feedback\/new$/, page: 'feedback-new', perm: 'feedback.record' },
  { re: /^\/feedback\/([^/]+)$/, page: 'feedback-item', perm: 'feedback.read' },
  { re: /^\/psea\/new$/, page: 'psea-new', perm: 'psea.record' },
  { re: /^\/psea$/, page: 'psea', perm: 'psea.read' },
  { re: /^\/psea\/([^/]+)$/, page: 'psea-report', perm: 'psea.read' },
  { re: /^\/surveys$/, page: 'surveys', perm: ['survey.read', 'survey.write'] },
  { re: /^\/sessions$/, page: 'sessions', perm: 'sessions.read' },
  { re: /^\/sessions\/([^/]+)$/, page: 'session', perm: 'sessions.read' },
  { re: /^\/trainings$/, page: 'trainings', perm: 'training.read' },
  { re: /^\/trainings\/([^/]+)$/, page: 'training', perm: 'training.read' },
  { re: /^\/outreach\/?$/, page: 'outreach', perm: 'outreach.read', offline: true },
  { re: /^\/outreach\/visits\/new$/, page: 'outreach-visit', perm: 'outreach.write', offline: true },
  { re: /^\/outreach\/locations$/, page: 'outreach-locations', perm: 'outreach.read', offline: true },
  { re: /^\/outreach\/map$/, page: 'outreach-map', perm: 'outreach.read', offline: true },
  { re: /^\/outreach\/forms$/, page: 'outreach-forms', perm: 'outreach.read', offline: true },
  { re: /^\/outreach\/forms\/([^/]+)$/, page: 'outreach-form', perm: 'outreach.read' },
  { re: /^\/outreach\/forms\/([^/]+)\/fill$/, page: 'outreach-fill', perm: 'outreach.write', offline: true },
  { re: /^\/outreach\/arrivals$/, page: 'outreach-arrivals', perm: 'outreach.arrival' },
  { re: /^\/login$/, page: 'login', perm: null },
  { re: /^\/account\/password$/, page: 'account-password', perm: 'session.own' },
  { re: /^\/interp$/, page: 'interp', perm: 'interp.read' },
  { re: /^\/interp\/mine$/, page: 'interp-mine', perm: 'interp.own' },
  { re: /^\/returns$/, page: 'returns', perm: 'returns.read' },
  { re: /^\/returns\/cases\/([^/]+)$/, page: 'return-case', perm: 'returns.read' },
  { re: /^\/returns\/persons\/([^/]+)$/, page: 'return-person', perm: 'returns.read' },
  { re: /^\/audit$/, page: 'audit', perm: 'audit.read' },
  { re: /^\/families$/, page: 'families', perm: 'family.read' },
  { re: /^\/families\/([^/]+)$/, page: 'family', perm: 'family.read' },
  { re: /^\/tracing$/, page: 'tracing', perm: 'tracing.read' },
  { re: /^\/tracing\/([^/]+)$/, page: 'tracing-request', perm: 'tracing.read' },
  { re: /^\/interp\/hours$/, page: 'interp-hours', perm: 'interp.read' },
  { re: /^\/interp\/interpreters$/, page: 'interp-interpreters', perm: 'interp.read' },
  { re: /^\/interp\/interpreters\/([^/]+)$/, page: 'interp-interpreter', perm: 'interp.write' },
  { re: /^\/returns\/dashboard$/, page: 'returns-dashboard', perm: 'returns.read' },
  { re: /^\/returns\/readmissions$/, page: 'returns-readmissions', perm: 'returns.read' },
  { re: /^\/returns\/operations$/, page: 'returns-operations', perm: 'returns.monitoring.read' },
  { re: /^\/returns\/operations\/([^/]+)$/, page: 'returns-operation', perm: 'returns.monitoring.read' },
  { re: /^\/card$/, page: 'card-scan', perm: 'person.read' },
  { re: /^\/sync\/conflicts$/, page: 'sync-conflicts', perm: 'sync.conflicts' },
];

// The menu. Each entry belongs to a group (the work it serves); later modules add
// their entries to a group of their own.
const NAV = [
  { href: '/', key: 'nav.dashboard', perm: 'report.read', group: 'reception' },
  { href: '/register', key: 'nav.register', perm: 'person.write', group: 'reception' },
  { href: '/sites', key: 'nav.sites', perm: 'site.read', group: 'reception' },
  { href: '/stays', key: 'nav.stays', perm: 'stay.read', group: 'reception' },
  { href: '/search', key: 'nav.search', perm: 'person.read', group: 'reception' },
  { href: '/protection', key: 'nav.protection', perm: 'protection.details', group: 'protection' },
  { href: '/admin/sites', key: 'nav.admin_sites', perm: 'site.write', group: 'admin' },
  { href: '/admin/users', key: 'nav.admin_users', perm: 'user.read', group: 'admin' },
  { href: '/stats', key: 'nav.stats', perm: 'stats.read', group: 'stats' },
  { href: '/distributions', key: 'nav.dist_desk', perm: 'distribution.write', group: 'centres' },
  { href: '/distributions/stock', key: 'nav.dist_stock', perm: 'distribution.read', group: 'centres' },
  { href: '/distributions/reports', key: 'nav.dist_reports', perm: 'distribution.read', group: 'centres' },
  { href: '/sessions', key: 'nav.sessions', perm: 'sessions.read', group: 'centres' },
  { href: '/trainings', key: 'nav.trainings', perm: 'training.read', group: 'centres' },
  { href: '/feedback', key: 'nav.feedback', perm: 'feedback.read', group: 'feedback' },
  { href: '/feedback/new', key: 'nav.feedback_new', perm: 'feedback.record', group: 'feedback' },
  { href: '/surveys', key: 'nav.surveys', perm: ['survey.read', 'survey.write'], group: 'feedback' },
  { href: '/psea', key: 'nav.psea', perm: 'psea.read', group: 'feedback' },
  { href: '/psea/new', key: 'nav.psea_new', perm: 'psea.record', group: 'feedback' },
  { href: '/outreach/', key: 'nav.outreach', perm: 'outreach.read', group: 'outreach' },
  { href: '/outreach/arrivals', key: 'nav.outreach_arrivals', perm: 'outreach.arrival', group: 'reception' },
  { href: '/phrasebook/', key: 'nav.phrasebook', perm: 'phrasebook.read', group: 'centres' },
  { href: '/interp', key: 'nav.interp', perm: 'interp.read', group: 'interp' },
  { href: '/interp/mine', key: 'nav.interp_mine', perm: 'interp.own', group: 'interp' },
  { href: '/returns', key: 'nav.returns', perm: 'returns.read', group: 'returns' },
  { href: '/audit', key: 'nav.audit', perm: 'audit.read', group: 'admin' },
  { href: '/families', key: 'nav.families', perm: 'family.read', group: 'reception' },
  { href: '/tracing', key: 'nav.tracing', perm: 'tracing.read', group: 'protection' },
  { href: '/interp/interpreters', key: 'nav.interp_people', perm: 'interp.read', group: 'interp' },
  { href: '/interp/hours', key: 'nav.interp_hours', perm: 'interp.read', group: 'interp' },
  { href: '/returns/dashboard', key: 'nav.returns_dashboard', perm: 'returns.read', group: 'returns' },
  { href: '/returns/readmissions', key: 'nav.readmissions', perm: 'returns.read', group: 'returns' },
  { href: '/returns/operations', key: 'nav.return_monitoring', perm: 'returns.monitoring.read', group: 'returns' },
  { href: '/card', key: 'nav.card_scan', perm: 'person.read', group: 'reception' },
  { href: '/sync/conflicts', key: 'nav.sync', perm: 'sync.conflicts', group: 'admin' },
];

const state = { me: null, sites: null, expired: false, returnTo: null, rendered: 0, shown: false, offline: false };

// Roles that work offline (the outreach teams) keep their session's description on the
// device, so that their pages open with no network; it is wiped at logout.
const OFFLINE_PERMISSION = 'outreach.write';

// The interface's view of the session, handed to every page.
export const app = {
  get me() { return state.me; },
  get expired() { return state.expired; },
  // perm may be a list: any of them.
  can(perm) {
    if (Array.isArray(perm)) return perm.some((p) => app.can(p));
    return Boolean(state.me && state.me.permissions.includes(perm));
  },
  // True when the page was opened with no network, from the session kept on the device.
  get offline() { return state.offline; },
  // A page with a form registers how to read what was typed: a change of language
  // draws the page again and hands that back to it as `kept`.
  keep(fn) { state.keeper = fn; },
  // The sites this user may see (cached; refresh after a change).
  async sites(refresh = false) {
    if (!state.sites || refresh) state.sites = (await get('/api/v1/sites')).items;
    return state.sites;
  },
  navigate(path, { replace = false } = {}) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    render();
  },
  // Called by the login page with the user the server answered.
  async loggedIn(user) {
    state.expired = false;
    await startSession(user);
    const to = state.returnTo && state.returnTo !== '/login' ? state.returnTo : '/';
    state.returnTo = null;
    app.navigate(to, { replace: true });
  },
  async logout() {
    const unsent = await unsentCount().catch(() => 0);
    if (unsent > 0 && !(await confirmDialog({ title: t('app.logout_unsent_title'),
      text: tn('app.logout_unsent', unsent), confirm: t('app.logout_anyway') }))) return;
    try { await del('/api/v1/session'); } catch { /* the session is gone either way */ }
    await clearDeviceData();
    setOwner(null);
    state.me = null;
    state.sites = null;
    state.offline = false;
    app.navigate('/login', { replace: true });
  },
  setTitle(text) { document.title = `${text} – Haven`; },
  rerender() { render(); },
};

async function startSession(user, { offline = false } = {}) {
  const me = user.permissions ? user : await get('/api/v1/me');
  state.me = me;
  state.sites = null;
  state.offline = offline;
  await setLocale(me.locale || localeCode());
  localStorage.setItem('haven.locale', localeCode());
  if (me.permissions.includes(OFFLINE_PERMISSION)) {
    if (!offline) await cachePut('me', me);
    setOwner(me.username);
    startAutoFlush();
  }
  try {
    await loadCodeNames();
  } catch (e) {
    if (!offline) throw e; // offline: pages show codes where names are not kept
  }
}

// Any 401 after login means the session ended (idle timeout, logout elsewhere, account
// disabled): say so, and come back to the same page after logging in again.
setUnauthenticatedHandler(() => {
  if (!state.me) return;
  state.me = null;
  state.sites = null;
  state.expired = true;
  state.returnTo = location.pathname + location.search;
  history.replaceState(null, '', '/login');
  render();
});

function renderFrame(currentPath) {
  const nav = document.getElementById('nav');
  const tools = document.getElementById('tools');
  document.getElementById('brand').setAttribute('aria-label', t('app.home'));
  document.querySelector('.skip-link').textContent = t('app.skip');
  const items = state.me ? NAV.filter((n) => app.can(n.perm)) : [];
  nav.setAttribute('aria-label', t('nav.label'));
  // The longest entry that starts the path is the current one (/feedback/new, not /feedback).
  const matches = (n) => (n.href === '/' ? currentPath === '/' : (currentPath === n.href || currentPath.startsWith(`${n.href}/`))
    && !(n.href === '/sites' && currentPath.startsWith('/admin')));
  const current = items.filter(matches).sort((a, b) => b.href.length - a.href.length)[0];
  const lang = h('select', { id: 'locale-select', onchange: (e) => changeLocale(e.target.value) },
    LOCALES.map((l) => h('option', { value: l.code, selected: l.code === localeCode(), lang: l.code }, l.label)));
  const parts = [h('label', { for: 'locale-select', class: 'tool-label' },
    h('img', { src: '/img/globe.svg', alt: '' }), h('span', { class: 'visually-hidden' }, t('app.language'))), lang];
  if (state.me) {
    parts.push(h('span', { class: 'who' },
      h('span', { class: 'who-name' }, state.me.display_name || state.me.username),
      (state.me.display_name || '') === tOf(KEYS.ROLE, state.me.role) ? null : h('span', { class: 'who-role' }, tOf(KEYS.ROLE, state.me.role))));
    // On a phone the short label keeps the header on one line.
    parts.push(h('a', { href: '/account/password', class: 'btn-link', id: 'account-password' },
      h('span', { class: 'label-long' }, t('account.link')), h('span', { class: 'label-short' }, t('account.link_short'))));
    parts.push(h('button', { type: 'button', class: 'btn-link', id: 'logout', onclick: () => app.logout() }, t('app.logout')));
  }
  tools.replaceChildren(...parts);
  renderNav(nav, items, current);
  // On a phone the menu folds behind a button, so the page starts near the top; each
  // page change folds it again.
  // (An index.html kept from before the button, by the outreach service worker, has none.)
  const toggle = document.getElementById('nav-toggle');
  const topbar = document.getElementById('topbar');
  if (!toggle || !topbar) return;
  topbar.classList.remove('nav-open');
  toggle.setAttribute('aria-expanded', 'false');
  toggle.textContent = t('app.menu');
  toggle.hidden = !items.length;
  toggle.onclick = () => toggle.setAttribute('aria-expanded', String(topbar.classList.toggle('nav-open')));
}

async function changeLocale(code) {
  const chosen = pickLocale(code).code;
  // Kept first, so that a reload or a logout while the messages load keeps the choice.
  localStorage.setItem('haven.locale', chosen);
  if (!(await setLocale(chosen))) return; // a later choice took over
  if (state.me) {
    try {
      state.me = { ...state.me, ...(await patch('/api/v1/me', { locale: chosen })), permissions: state.me.permissions };
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
    }
    await loadCodeNames();
  }
  // What the page has typed so far is given back to it, drawn again in the new language.
  await render({ keepFocus: true, kept: state.keeper ? state.keeper() : null });
  // Back to the language picker (drawn again, so the focus fell to the body), unless the
  // user has gone on meanwhile: taking the focus from an open menu would close it.
  if (!document.activeElement || document.activeElement === document.body) document.getElementById('locale-select')?.focus();
  announce(t('app.language_changed'));
}

function messageState(titleKey, textKey, extra) {
  return h('section', { class: 'state-box' },
    h('h1', { tabindex: '-1' }, t(titleKey)), h('p', {}, t(textKey)), extra || null);
}

// Shows the page of the current address.
async function render({ keepFocus = false, kept = null } = {}) {
  const path = location.pathname;
  const serial = ++state.rendered;
  const focusedBefore = document.activeElement;
  state.keeper = null;
  let route = ROUTES.find((r) => r.re.test(path));
  const main = document.getElementById('main');
  if (route && route.perm && !state.me) {
    state.returnTo = state.returnTo || path + location.search;
    history.replaceState(null, '', '/login');
    route = ROUTES.find((r) => r.page === 'login');
  }
  if (route && route.page === 'login' && state.me) {
    history.replaceState(null, '', '/');
    return render();
  }
  renderFrame(location.pathname);
  const root = h('div', { class: 'page' });
  main.replaceChildren(root);
  if (!route) {
    app.setTitle(t('state.not_found_title'));
    root.append(messageState('state.not_found_title', 'state.page_not_found', h('p', {}, h('a', { href: '/' }, t('nav.dashboard')))));
  } else if (state.offline && !route.offline) {
    app.setTitle(t('state.offline_title'));
    root.append(messageState('state.offline_title', 'state.offline', h('p', {}, h('a', { href: '/outreach/' }, t('nav.outreach')))));
  } else if (route.perm && !app.can(route.perm)) {
    app.setTitle(t('state.forbidden_title'));
    root.append(messageState('state.forbidden_title', 'state.forbidden_page'));
  } else {
    const params = (location.pathname.match(route.re) || []).slice(1).map(decodeURIComponent);
    const query = new URLSearchParams(location.search);
    try {
      const mod = await import(`./pages/${route.page}.js`);
      if (serial !== state.rendered) return;
      await mod.default({ root, params, query, app, kept });
    } catch (e) {
      if (serial !== state.rendered) return;
      if (!(e instanceof ApiError)) console.error(e);
      if (e instanceof ApiError && e.status === 401) return;
      root.replaceChildren(errorState(e));
    }
  }
  if (serial !== state.rendered) return;
  // The new page's heading takes the focus, unless the user has moved it meanwhile (into
  // a menu, say: taking it away would close the menu under their hand).
  const moved = document.activeElement && document.activeElement !== document.body
    && document.activeElement !== focusedBefore && document.activeElement.isConnected;
  if (!keepFocus && state.shown && !moved) {
    const h1 = root.querySelector('h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: false }); }
  }
  state.shown = true;
}

// The state shown when a page cannot be shown: not found (or not at your sites),
// forbidden, server unreachable, or anything else.
export function errorState(e) {
  if (e instanceof ApiError && e.status === 404) {
    app.setTitle(t('state.not_found_title'));
    return messageState('state.not_found_title', 'state.record_not_found', h('p', {}, h('a', { href: '/search' }, t('nav.search'))));
  }
  if (e instanceof ApiError && e.status === 403) {
    app.setTitle(t('state.forbidden_title'));
    return messageState('state.forbidden_title', 'state.forbidden_page');
  }
  if (e instanceof ApiError && e.status === 0) {
    app.setTitle(t('state.offline_title'));
    return messageState('state.offline_title', 'state.offline');
  }
  app.setTitle(t('state.error_title'));
  return h('section', { class: 'state-box' }, h('h1', { tabindex: '-1' }, t('state.error_title')),
    h('p', {}, e instanceof ApiError ? errorMessage(e) : t('errors.internal')));
}

// Same-origin links change the page without reloading it.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/phrasebook/')) return; // a page of its own (web/phrasebook/)
  if (a.getAttribute('href').startsWith('#')) return;
  e.preventDefault();
  app.navigate(url.pathname + url.search + url.hash);
});
window.addEventListener('popstate', () => render());

// Opened offline and the network is back: check the session again (the outbox sends
// with it), so that the other pages open once more.
window.addEventListener('online', async () => {
  if (!state.offline) return;
  try {
    await startSession(await get('/api/v1/me'));
    render({ keepFocus: true });
  } catch { /* still unreachable, or the session ended: the 401 handler shows the login */ }
});

async function boot() {
  await setLocale(localStorage.getItem('haven.locale') || 'en');
  try {
    await startSession(await get('/api/v1/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) {
      // No network: an outreach team's kept session opens the pages that work offline.
      const me = await cacheGet('me');
      if (me) await startSession(me, { offline: true });
    } else if (!(e instanceof ApiError) || e.status !== 401) {
      console.error(e);
    }
  }
  await render();
}

boot();
