// Complaints and feedback: what is open and overdue, received per category (a chart),
// and the list with its filters.
import { h } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtNumber, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { select } from '../forms.js';
import { drawChart, dataTable } from '../components/chart.js';
import { kpi, table, label } from '../components/centres-common.js';

const STATES = ['received', 'acknowledged', 'responded', 'closed'];

export default async function render({ root, query, app }) {
  app.setTitle(t('fb.title'));
  const [codes, fig] = await Promise.all([get('/api/v1/feedback/codes'), get('/api/v1/feedback/figures')]);
  const catName = (c) => label(codes.categories.find((x) => x.code === c)) || c;
  const chName = (c) => label(codes.channels.find((x) => x.code === c)) || c;
  const chartBox = h('div', { class: 'chart-box', id: 'fb-chart' });
  const state = select([{ value: '', label: t('fb.all_states') }, ...STATES.map((s) => ({ value: s, label: tOf(KEYS.FB_STATE, s) }))], query.get('state') || '', { id: 'fb-state' });
  const overdue = h('input', { type: 'checkbox', id: 'fb-overdue', checked: query.get('overdue') === '1' });
  const listBox = h('div');
  const exportLink = h('a', { class: 'btn', id: 'fb-export', href: '/api/v1/feedback/export', download: 'feedback.csv' }, t('fb.export'));

  async function load() {
    const r = await get(withQuery('/api/v1/feedback', { state: state.value, overdue: overdue.checked ? 1 : '', limit: 200 }));
    exportLink.href = withQuery('/api/v1/feedback/export', { state: state.value, overdue: overdue.checked ? 1 : '' });
    listBox.replaceChildren(h('p', { class: 'muted', id: 'fb-total' }, t('fb.shown', { n: fmtNumber(r.items.length), total: fmtNumber(r.total) })),
      table('feedback-list', t('fb.list'), [
        { key: 'fb.received', cell: (x) => h('a', { href: `/feedback/${encodeURIComponent(x.id)}` }, fmtDateTime(x.received_at)) },
        { key: 'fb.category', cell: (x) => catName(x.category) },
        { key: 'fb.channel', cell: (x) => chName(x.channel) },
        { key: 'fb.summary', cell: (x) => h('span', { dir: 'auto' }, x.summary.length > 80 ? `${x.summary.slice(0, 80)}…` : x.summary) },
        { key: 'fb.state_label', cell: (x) => h('span', { class: ['badge', x.overdue ? 'badge-off' : 'badge-ok'] }, tOf(KEYS.FB_STATE, x.state), x.overdue ? ` · ${t('fb.overdue')}` : '') },
      ], r.items, t('fb.none')));
  }
  state.addEventListener('change', load);
  overdue.addEventListener('change', load);
  const cats = Object.entries(fig.by_category).sort((a, b) => b[1] - a[1]);
  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('fb.title')),
    app.can('feedback.record') ? h('a', { class: 'btn-primary btn', href: '/feedback/new', id: 'fb-new' }, t('fb.new')) : null),
  h('div', { class: 'kpis' }, kpi(t('fb.open'), fig.open, 'kpi-open'), kpi(t('fb.overdue_n'), fig.overdue, 'kpi-overdue', fig.overdue > 0),
    kpi(t('fb.median_days'), fig.median_days_to_close === null ? '—' : fmtNumber(fig.median_days_to_close, { maximumFractionDigits: 1 }), 'kpi-median')),
  h('section', { class: 'card', 'aria-labelledby': 'fb-cat-h' }, h('h2', { id: 'fb-cat-h' }, t('fb.by_category')), chartBox,
    dataTable(t('fb.by_category'), [{ label: t('fb.category'), cell: (x) => catName(x[0]) }, { label: t('fb.count'), num: true, cell: (x) => fmtNumber(x[1]) }], cats)),
  h('section', { class: 'card', 'aria-labelledby': 'fb-list-h' }, h('h2', { id: 'fb-list-h' }, t('fb.list')),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'fb-state' }, t('fb.state_label')), state),
      h('div', { class: 'field choice' }, overdue, h('label', { for: 'fb-overdue' }, t('fb.only_overdue'))), exportLink), listBox));
  await drawChart(chartBox, t('fb.by_category'), {
    type: 'bar', data: { labels: cats.map((x) => catName(x[0])), datasets: [{ label: t('fb.count'), data: cats.map((x) => x[1]), backgroundColor: '#1a5490' }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });
  await load();
}
