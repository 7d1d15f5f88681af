// What was given per site, month and item (a chart, then the table), and who has
// received nothing for a month.
import { h } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtNumber, fmtDateTime, fmtMonth } from '../i18n.js';
import { drawChart, dataTable } from '../components/chart.js';
import { sitePicker, itemName, table, personLabel, kpi } from '../components/centres-common.js';

export default async function render({ root, app }) {
  app.setTitle(t('dist.reports_title'));
  const sites = await app.sites();
  const catalogue = await get('/api/v1/distributions/items');
  const byCode = new Map(catalogue.items.map((i) => [i.code, i]));
  const site = sitePicker(sites, '', 'report-site', t('centres.all_sites'));
  const chartBox = h('div', { class: 'chart-box', id: 'report-chart' });
  const tableBox = h('div');
  const nothingSite = sitePicker(sites, sites[0]?.id, 'nothing-site');
  const nothingBox = h('div', { id: 'nothing-box' });

  async function load() {
    const r = await get(withQuery('/api/v1/distributions/report', { site: site.select.value }));
    const months = [...new Set(r.rows.map((x) => x.month))].sort();
    const codes = [...new Set(r.rows.map((x) => x.code))].filter((c) => c !== 'meal');
    const palette = ['#1a5490', '#8a5a00', '#2e7d32', '#6a1b9a', '#b3261e', '#00695c', '#4e342e', '#37474f', '#ad1457', '#283593', '#558b2f'];
    const qty = (m, c) => r.rows.filter((x) => x.month === m && x.code === c).reduce((n, x) => n + x.quantity, 0);
    await drawChart(chartBox, t('dist.chart_label'), {
      type: 'bar',
      data: { labels: months.map((m) => fmtMonth(m)), datasets: codes.map((c, i) => ({ label: itemName(byCode.get(c)), data: months.map((m) => qty(m, c)), backgroundColor: palette[i % palette.length] })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    const meals = r.by_item.find((x) => x.code === 'meal')?.quantity ?? 0;
    const items = r.by_item.filter((x) => x.code !== 'meal').reduce((n, x) => n + x.quantity, 0);
    tableBox.replaceChildren(h('div', { class: 'kpis' }, kpi(t('dist.meals'), meals, 'kpi-meals'), kpi(t('dist.items_given'), items, 'kpi-items')),
      dataTable(t('dist.chart_label'), [
        { label: t('dist.month'), cell: (x) => fmtMonth(x.month) },
        { label: t('centres.site'), cell: (x) => x.site_name || '' },
        { label: t('dist.item'), cell: (x) => itemName(byCode.get(x.code)) },
        { label: t('dist.quantity'), num: true, cell: (x) => fmtNumber(x.quantity) },
        { label: t('dist.people'), num: true, cell: (x) => fmtNumber(x.people) },
      ], r.rows));
  }

  async function nothing() {
    const r = await get(withQuery('/api/v1/distributions/nothing-received', { site: nothingSite.select.value, days: 30 }));
    nothingBox.replaceChildren(h('p', { class: 'muted' }, t('dist.nothing_count', { n: fmtNumber(r.items.length), present: fmtNumber(r.present) })),
      table('nothing', t('dist.nothing_title'), [
        { key: 'dist.person', cell: (x) => h('a', { href: `/persons/${encodeURIComponent(x.person.id)}` }, personLabel(x.person)) },
        { key: 'dist.checked_in', cell: (x) => fmtDateTime(x.checked_in_at) },
        { key: 'dist.last_received', cell: (x) => (x.last_received_at ? fmtDateTime(x.last_received_at) : t('dist.never')) },
      ], r.items, t('dist.nothing_none')));
  }
  site.select.addEventListener('change', load);
  nothingSite.select.addEventListener('change', nothing);
  root.append(h('h1', {}, t('dist.reports_title')), h('div', { class: 'toolbar' }, site.field),
    h('section', { class: 'card', 'aria-labelledby': 'given-h' }, h('h2', { id: 'given-h' }, t('dist.given_title')), chartBox, tableBox),
    h('section', { class: 'card', 'aria-labelledby': 'nothing-h' }, h('h2', { id: 'nothing-h' }, t('dist.nothing_title')),
      h('div', { class: 'toolbar' }, nothingSite.field), nothingBox));
  await Promise.all([load(), nothing()]);
}
