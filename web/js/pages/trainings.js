// Trainings and events for officials: participants per month by sex (a chart), the list,
// and a form for a new one.
import { h, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtNumber, fmtDate, tOf, fmtMonth } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy, dateInput, dateValue } from '../forms.js';
import { drawChart, dataTable } from '../components/chart.js';
import { table, kpi } from '../components/centres-common.js';

const KINDS = ['training', 'workshop', 'conference', 'study_visit', 'meeting'];

export default async function render({ root, app }) {
  app.setTitle(t('tr.title'));
  const [list, fig] = await Promise.all([get('/api/v1/trainings?limit=200'), get('/api/v1/trainings/figures')]);
  const chartBox = h('div', { class: 'chart-box', id: 'tr-chart' });
  let newCard = null;
  if (app.can('training.write')) {
    const title = h('input', { type: 'text', id: 'tr-title', maxlength: 200 });
    const kind = select(KINDS.map((k) => ({ value: k, label: tOf(KEYS.TR_KIND, k) })), 'training', { id: 'tr-kind' });
    const today = new Date().toISOString().slice(0, 10);
    const from = dateInput({ id: 'tr-from', value: today });
    const to = dateInput({ id: 'tr-to', value: today });
    const venue = h('input', { type: 'text', id: 'tr-venue', maxlength: 200 });
    const organiser = h('input', { type: 'text', id: 'tr-organiser', maxlength: 200 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'tr-submit' }, t('tr.create'));
    const form = h('form', { id: 'tr-form', novalidate: true }, field({ label: t('tr.title_label'), input: title, name: 'title' }),
      h('div', { class: 'form-row' }, field({ label: t('tr.kind_label'), input: kind, name: 'kind' }), field({ label: t('tr.from'), input: from, name: 'starts_on' }),
        field({ label: t('tr.to'), input: to, name: 'ends_on' })),
      h('div', { class: 'form-row' }, field({ label: t('tr.venue'), input: venue, name: 'venue' }), field({ label: t('tr.organiser'), input: organiser, name: 'organiser' })),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          const body = { title: title.value.trim(), kind: kind.value, starts_on: dateValue(from), ends_on: dateValue(to) };
          if (venue.value.trim()) body.venue = venue.value.trim();
          if (organiser.value.trim()) body.organiser = organiser.value.trim();
          const r = await post('/api/v1/trainings', body);
          announce(t('tr.created'));
          app.navigate(`/trainings/${encodeURIComponent(r.id)}`);
        } catch (err) { showError(form, err, 'tr'); }
      });
    });
    newCard = h('section', { class: 'card', 'aria-labelledby': 'tr-new-h' }, h('h2', { id: 'tr-new-h' }, t('tr.new')), form);
  }
  root.append(h('h1', {}, t('tr.title')),
    h('div', { class: 'kpis' }, kpi(t('tr.trainings'), fig.totals.trainings, 'kpi-trainings'), kpi(t('tr.participants'), fig.totals.participants, 'kpi-participants'),
      kpi(t('tr.women'), fig.totals.female, 'kpi-women'), kpi(t('tr.men'), fig.totals.male, 'kpi-men')),
    h('section', { class: 'card', 'aria-labelledby': 'tr-fig-h' }, h('h2', { id: 'tr-fig-h' }, t('tr.per_month')), chartBox,
      dataTable(t('tr.per_month'), [{ label: t('ses.month'), cell: (m) => fmtMonth(m.month) }, { label: t('tr.trainings'), num: true, cell: (m) => fmtNumber(m.trainings) },
        { label: t('tr.women'), num: true, cell: (m) => fmtNumber(m.female) }, { label: t('tr.men'), num: true, cell: (m) => fmtNumber(m.male) }], fig.months)),
    h('section', { class: 'card', 'aria-labelledby': 'tr-list-h' }, h('h2', { id: 'tr-list-h' }, t('tr.list')),
      table('training-list', t('tr.list'), [
        { key: 'tr.from', cell: (x) => fmtDate(x.starts_on) },
        { key: 'tr.title_label', cell: (x) => h('a', { href: `/trainings/${encodeURIComponent(x.id)}` }, x.title) },
        { key: 'tr.kind_label', cell: (x) => tOf(KEYS.TR_KIND, x.kind) },
        { key: 'tr.participants', num: true, cell: (x) => fmtNumber(x.figures.participants) },
      ], list.items, t('tr.none'))),
    newCard);
  await drawChart(chartBox, t('tr.per_month'), {
    type: 'bar',
    data: { labels: fig.months.map((m) => fmtMonth(m.month)), datasets: [
      { label: t('tr.women'), data: fig.months.map((m) => m.female), backgroundColor: '#8a5a00' },
      { label: t('tr.men'), data: fig.months.map((m) => m.male), backgroundColor: '#1a5490' }] },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
}
