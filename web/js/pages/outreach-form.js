// A survey's results: per question, counts and shares of each choice (with a chart and
// its table) or the mean, lowest and highest number; exports in KoboToolbox's layout.
import { h } from '../dom.js';
import { get } from '../api.js';
import { t, tn, fmtNumber } from '../i18n.js';
import { drawChart, dataTable } from '../components/chart.js';
import { frame, formText } from '../outreach/common.js';

function pct(x) { return fmtNumber(x, { style: 'percent', maximumFractionDigits: 0 }); }

export default async function render({ root, params, app }) {
  const id = encodeURIComponent(params[0]);
  const s = await get(`/api/v1/outreach/forms/${id}/summary`);
  frame(root, app, 'outreach.form.title');
  root.querySelector('h1').textContent = s.form.title;
  app.setTitle(s.form.title);
  const text = (o) => formText(o, s.form.languages);
  root.append(h('p', { class: 'lead', id: 'form-count' }, tn('outreach.form.count', s.submissions, { version: s.form.version })));
  const actions = h('div', { class: 'actions' },
    app.can('outreach.write') ? h('a', { class: 'btn-primary', href: `/outreach/forms/${id}/fill` }, t('outreach.forms.fill')) : null,
    app.can('outreach.export') ? [
      h('a', { class: 'btn', id: 'export-csv', href: `/api/v1/outreach/forms/${id}/export?format=csv`, download: '' }, t('outreach.form.export', { format: 'CSV' })),
      h('a', { class: 'btn', id: 'export-xlsx', href: `/api/v1/outreach/forms/${id}/export?format=xlsx`, download: '' }, t('outreach.form.export', { format: 'XLSX' }))] : null);
  root.append(actions);
  const grid = h('div', { class: 'grid grid-2 or-summary' });
  root.append(grid);
  for (const q of s.questions) {
    if (q.type === 'calculate' || q.type === 'today') continue;
    const title = text(q.label) || q.name;
    const card = h('section', { class: 'card', dataset: { question: q.name } }, h('h2', {}, title),
      h('p', { class: 'muted' }, t('outreach.form.answered', { n: fmtNumber(q.answered) })));
    grid.append(card);
    if (q.choices) {
      const labels = q.choices.map((c) => text(c.label) || c.name);
      const box = h('div', { class: 'chart-box or-chart' });
      card.append(box, dataTable(title, [
        { label: t('outreach.form.choice'), cell: (c) => text(c.label) || c.name },
        { label: t('outreach.form.count_col'), cell: (c) => fmtNumber(c.count), num: true },
        { label: t('outreach.form.share'), cell: (c) => pct(c.share), num: true }], q.choices));
      drawChart(box, title, {
        type: 'bar',
        data: { labels, datasets: [{ label: t('outreach.form.count_col'), data: q.choices.map((c) => c.count), backgroundColor: '#1d4f91' }] },
        options: { indexAxis: 'y', maintainAspectRatio: false, plugins: { legend: { display: false } } },
      });
    } else if (q.mean !== undefined) {
      card.append(h('dl', { class: 'facts' },
        h('dt', {}, t('outreach.form.mean')), h('dd', {}, fmtNumber(q.mean, { maximumFractionDigits: 1 })),
        h('dt', {}, t('outreach.form.min')), h('dd', {}, fmtNumber(q.min)),
        h('dt', {}, t('outreach.form.max')), h('dd', {}, fmtNumber(q.max))));
    }
  }
}
