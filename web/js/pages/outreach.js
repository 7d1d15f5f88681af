// Outreach home: what waits on this phone (the outbox), the month's figures of the
// mobile teams and the latest visits. Opens offline with the outbox alone.
import { h } from '../dom.js';
import { get, ApiError } from '../api.js';
import { t, fmtNumber, fmtDate } from '../i18n.js';
import { frame, outboxPanel } from '../outreach/common.js';

function kpi(id, label, value, sub) {
  return h('div', { class: 'kpi', id }, h('p', { class: 'kpi-label' }, label), h('p', { class: 'kpi-value' }, fmtNumber(value ?? 0)), sub ? h('p', { class: 'kpi-sub' }, sub) : null);
}

export default async function render({ root, app }) {
  frame(root, app, 'outreach.home.title');
  const actions = h('div', { class: 'actions or-big-actions' },
    app.can('outreach.write') ? h('a', { class: 'btn-primary', href: '/outreach/visits/new', id: 'new-visit' }, t('outreach.nav.new_visit')) : null,
    h('a', { class: 'btn', href: '/outreach/forms' }, t('outreach.nav.forms')),
    h('a', { class: 'btn', href: '/outreach/map' }, t('outreach.nav.map')));
  const figures = h('section', { id: 'outreach-figures', 'aria-labelledby': 'figures-h' }, h('h2', { id: 'figures-h' }, t('outreach.home.month')));
  const visits = h('section', { id: 'outreach-visits', class: 'card', 'aria-labelledby': 'visits-h' }, h('h2', { id: 'visits-h' }, t('outreach.home.latest')));
  root.append(actions, app.can('outreach.write') ? outboxPanel() : null, figures, visits);
  try {
    const [f, v] = await Promise.all([get('/api/v1/outreach/figures'), get('/api/v1/outreach/visits?limit=10')]);
    const tot = f.totals;
    figures.append(h('div', { class: 'kpis' },
      kpi('kpi-visits', t('outreach.home.visits'), tot.visits),
      kpi('kpi-people', t('outreach.home.people'), tot.people, t('outreach.home.people_sub', {
        men: fmtNumber(tot.by_sex_age.M_adult || 0), women: fmtNumber(tot.by_sex_age.F_adult || 0),
        minors: fmtNumber((tot.by_sex_age.M_minor || 0) + (tot.by_sex_age.F_minor || 0)),
      })),
      kpi('kpi-transported', t('outreach.home.transported'), tot.transported, t('outreach.home.arrived', { n: fmtNumber(tot.arrived || 0) })),
      kpi('kpi-locations', t('outreach.home.locations'), f.locations.filter((l) => l.visits > 0).length)));
    visits.append(v.items.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'visits-h' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('outreach.visit.date')), h('th', { scope: 'col' }, t('outreach.visit.location')),
        h('th', { scope: 'col', class: 'num' }, t('outreach.home.people')), h('th', { scope: 'col', class: 'num' }, t('outreach.home.transported')))),
      h('tbody', {}, v.items.map((x) => h('tr', {}, h('td', {}, fmtDate(x.visited_on)), h('td', {}, x.location_name),
        h('td', { class: 'num' }, fmtNumber(x.people)), h('td', { class: 'num' }, fmtNumber(x.transported)))))))
      : h('p', { class: 'muted' }, t('outreach.home.no_visits')));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 0) throw e;
    figures.append(h('p', { class: 'muted' }, t('outreach.home.figures_offline')));
    visits.hidden = true;
  }
}
