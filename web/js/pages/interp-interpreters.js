// The interpreters for the coordinator: languages with their level, the sites reached
// in person, remote work, hours, and the no-shows of the last 90 days (two or more are
// marked), each with a link to edit it.
import { h } from '../dom.js';
import { get } from '../api.js';
import { t, fmtNumber, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { table } from '../components/centres-common.js';

export const DAYS = [1, 2, 3, 4, 5, 6, 7];

export default async function render({ root, app }) {
  app.setTitle(t('interp.people.title'));
  const [sites, list] = await Promise.all([app.sites(), get('/api/v1/interp/interpreters'), codeList('languages')]);
  const siteName = (id) => sites.find((s) => s.id === id)?.name || '';
  const rows = list.items;
  const repeated = rows.filter((p) => p.no_shows.last_90_days >= 2);
  root.append(h('h1', {}, t('interp.people.title')),
    h('p', {}, h('a', { href: '/interp' }, t('interp.title')), ' · ', h('a', { href: '/interp/hours' }, t('interp.hours.title'))),
    app.can('interp.write') ? h('p', {}, h('a', { class: 'btn-primary', href: '/interp/interpreters/new', id: 'interp-new-person' }, t('interp.people.new'))) : null,
    repeated.length ? h('p', { class: 'notice notice-warn', id: 'interp-repeated', role: 'status' },
      t('interp.people.repeated', { names: repeated.map((p) => p.name).join(', ') })) : null,
    regionOf(table('interp-people', t('interp.people.title'), [
      { key: 'interp.people.name', cell: (p) => h('a', { href: `/interp/interpreters/${encodeURIComponent(p.id)}` }, p.name) },
      { key: 'interp.people.languages', cell: (p) => p.languages.map((l) => `${codeName('languages', l.code)} (${tOf(KEYS.INTERP_LEVEL, l.level)})`).join(', ') },
      { key: 'interp.people.sites', cell: (p) => p.sites.map(siteName).filter(Boolean).join(', ') },
      { key: 'interp.people.remote', cell: (p) => p.remote.map((m) => tOf(KEYS.INTERP_MODE, m)).join(', ') },
      { key: 'interp.people.weekly', cell: (p) => p.weekly.map((w) => `${tOf(KEYS.INTERP_DAY, w.day)} ${w.from}–${w.to}`).join(', ') },
      { key: 'interp.people.noshows', num: true, cell: (p) => (p.no_shows.last_90_days >= 2
        ? h('span', { class: 'badge badge-off' }, fmtNumber(p.no_shows.last_90_days))
        : fmtNumber(p.no_shows.last_90_days)) },
      { key: 'interp.people.active', cell: (p) => (p.active ? t('interp.people.yes') : t('interp.people.no')) },
    ], rows, t('interp.people.none'))));
}

// The list may scroll sideways on a phone: reachable and scrollable by keyboard.
function regionOf(el) {
  if (el.classList.contains('table-wrap')) {
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', t('interp.people.title'));
  }
  return el;
}
