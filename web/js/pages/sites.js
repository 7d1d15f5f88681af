// Sites the user may see, with people present and beds free; each opens its board.
import { h } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';

export default async function render({ root, app }) {
  app.setTitle(t('sites.title'));
  const sites = await app.sites(true);
  const boards = app.can('stay.read');
  const link = (s, text) => (boards ? h('a', { href: `/sites/${encodeURIComponent(s.id)}` }, text) : text);
  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('sites.title')), h('p', { class: 'muted' }, t(boards ? 'sites.lead' : 'sites.lead_readonly'))),
    sites.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'sites-table' },
      h('caption', { class: 'visually-hidden' }, t('sites.title')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('site.name')), h('th', { scope: 'col' }, t('site.code')),
        h('th', { scope: 'col' }, t('site.municipality')), h('th', { scope: 'col', class: 'num' }, t('dashboard.present')),
        h('th', { scope: 'col', class: 'num' }, t('site.capacity')), h('th', { scope: 'col', class: 'num' }, t('dashboard.beds_free')))),
      h('tbody', {}, sites.map((s) => h('tr', {},
        h('th', { scope: 'row' }, link(s, s.name), s.active ? null : [' ', h('span', { class: 'badge badge-off' }, t('common.inactive'))]),
        h('td', {}, s.code), h('td', {}, s.municipality || ''),
        h('td', { class: 'num' }, link(s, fmtNumber(s.present))), h('td', { class: 'num' }, fmtNumber(s.capacity)),
        h('td', { class: 'num' }, fmtNumber(s.beds_free)))))))
      : h('p', { class: 'notice' }, t('sites.none')));
}
