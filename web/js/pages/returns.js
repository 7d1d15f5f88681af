// The return counsellor's caseload: open cases of their sites (the longest waiting
// first), filtered by state, site, destination and overdue steps, with figures by state.
import { h, bdi } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtDate, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { select } from '../forms.js';
import { sitePicker, table, kpi } from '../components/centres-common.js';
import { STATES, stateBadge } from '../components/returns-common.js';


export default async function render({ root, query, app }) {
  app.setTitle(t('ret.caseload_title'));
  const sites = await app.sites();
  await codeList('countries');
  const site = sitePicker(sites, query.get('site') || '', 'ret-site', t('centres.all_sites'));
  const state = select([{ value: 'open', label: t('ret.open_cases') }, { value: '', label: t('ret.all_cases') },
    ...STATES.map((s) => ({ value: s, label: tOf(KEYS.RET_STATE, s) }))], query.get('state') ?? 'open', { id: 'ret-state' });
  const overdue = h('input', { type: 'checkbox', id: 'ret-overdue', checked: query.get('overdue') === 'true' });
  const figures = h('div', { class: 'kpis', id: 'ret-figures' });
  const listBox = h('div');
  const visitsBox = h('div');

  async function load() {
    const params = { site: site.select.value, state: state.value, overdue: overdue.checked ? 'true' : '', limit: 500 };
    const [list, open, late, visits] = await Promise.all([
      get(withQuery('/api/v1/returns', params)),
      get(withQuery('/api/v1/returns', { site: site.select.value, state: 'open', limit: 500 })),
      get(withQuery('/api/v1/returns', { site: site.select.value, overdue: 'true', limit: 1 })),
      get('/api/v1/returns/visits'),
    ]);
    const byState = (s) => open.items.filter((c) => c.state === s).length;
    figures.replaceChildren(kpi(t('ret.open_cases'), open.total, 'kpi-open'),
      kpi(t('ret.overdue_cases'), late.total, 'kpi-overdue', late.total > 0),
      kpi(t('ret.state.travel_booked'), byState('travel_booked'), 'kpi-booked'),
      kpi(t('ret.state.departed'), byState('departed'), 'kpi-departed'));
    listBox.replaceChildren(table('case-list', t('ret.cases'), [
      { key: 'ret.person', cell: (c) => h('a', { href: `/returns/cases/${encodeURIComponent(c.id)}` }, bdi(`${c.given_name} ${c.family_name}`), ' ', h('span', { class: 'reg-no' }, c.reg_no)) },
      { key: 'ret.destination', cell: (c) => [codeName('countries', c.destination_country), c.destination_place ? ` (${c.destination_place})` : ''] },
      { key: 'ret.state_label', cell: (c) => stateBadge(c.state, c.overdue) },
      { key: 'ret.since', cell: (c) => fmtDate(c.state_at.slice(0, 10)) },
      { key: 'ret.travellers', num: true, cell: (c) => String(c.travellers_count) },
      { key: 'ret.counsellor', cell: (c) => c.counsellor_name || '—' },
      { key: 'centres.site', cell: (c) => c.site_name },
    ], list.items, t('ret.no_cases')));
    visitsBox.replaceChildren(table('visits-due', t('ret.visits_due'), [
      { key: 'ret.person', cell: (v) => h('a', { href: `/returns/cases/${encodeURIComponent(v.case_id)}` }, bdi(`${v.given_name} ${v.family_name}`)) },
      { key: 'ret.destination', cell: (v) => codeName('countries', v.destination_country) },
      { key: 'ret.visit_label', cell: (v) => t('ret.visit_month', { n: v.month }) },
      { key: 'ret.due_on', cell: (v) => [fmtDate(v.due_on), v.overdue ? [' · ', h('strong', { class: 'overdue' }, t('ret.overdue'))] : ''] },
    ], visits.items, t('ret.no_visits_due')));
  }
  for (const el of [site.select, state, overdue]) el.addEventListener('change', load);

  root.append(h('h1', {}, t('ret.caseload_title')),
    h('p', { class: 'lead' }, t('ret.caseload_lead')),
    figures,
    h('div', { class: 'form-row filters', role: 'group', 'aria-label': t('ret.filters') }, site.field,
      h('div', { class: 'field' }, h('label', { for: 'ret-state' }, t('ret.state_label')), state),
      h('div', { class: 'field choice-row' }, h('label', { class: 'choice' }, overdue, ' ', t('ret.overdue_only')))),
    listBox,
    h('h2', {}, t('ret.visits_due')),
    visitsBox,
    h('p', {}, h('a', { href: '/sessions?kind=return_information' }, t('ret.group_sessions_link'))));
  await load();
}
