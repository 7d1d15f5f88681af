// Group sessions: people reached per month and kind (a chart), the list, and a form to
// record a new session.
import { h, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtNumber, fmtDateTime, fmtMonth } from '../i18n.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { drawChart, dataTable } from '../components/chart.js';
import { sitePicker, table, label, kpi } from '../components/centres-common.js';

const PALETTE = ['#1a5490', '#8a5a00', '#2e7d32', '#6a1b9a', '#b3261e', '#00695c', '#4e342e', '#ad1457'];

function localTime(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export default async function render({ root, query, app }) {
  app.setTitle(t('ses.title'));
  const sites = await app.sites();
  const { kinds } = await get('/api/v1/sessions/kinds');
  const kindName = (c) => label(kinds.find((k) => k.code === c)) || c;
  const site = sitePicker(sites, query.get('site') || '', 'ses-site', t('centres.all_sites'));
  const kind = select([{ value: '', label: t('ses.all_kinds') }, ...kinds.map((k) => ({ value: k.code, label: label(k) }))], query.get('kind') || '', { id: 'ses-kind' });
  const chartBox = h('div', { class: 'chart-box', id: 'ses-chart' });
  const figBox = h('div');
  const listBox = h('div');

  async function load() {
    const [fig, list] = await Promise.all([
      get(withQuery('/api/v1/sessions/figures', { site: site.select.value })),
      get(withQuery('/api/v1/sessions', { site: site.select.value, kind: kind.value, limit: 100 })),
    ]);
    const months = [...new Set(fig.months.map((m) => m.month))].sort();
    const used = [...new Set(fig.months.map((m) => m.kind))];
    await drawChart(chartBox, t('ses.chart_label'), {
      type: 'bar',
      data: { labels: months.map((m) => fmtMonth(m)), datasets: used.map((k, i) => ({ label: kindName(k), backgroundColor: PALETTE[i % PALETTE.length],
        data: months.map((m) => fig.months.filter((x) => x.month === m && x.kind === k).reduce((n, x) => n + x.total, 0)) })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    figBox.replaceChildren(h('div', { class: 'kpis' }, kpi(t('ses.sessions'), fig.totals.sessions, 'kpi-sessions'),
      kpi(t('ses.reached'), fig.totals.total, 'kpi-reached'), kpi(t('ses.women'), fig.totals.female, 'kpi-women'), kpi(t('ses.children'), fig.totals.children, 'kpi-children')),
    dataTable(t('ses.chart_label'), [
      { label: t('ses.month'), cell: (m) => fmtMonth(m.month) }, { label: t('ses.kind'), cell: (m) => kindName(m.kind) },
      { label: t('ses.sessions'), num: true, cell: (m) => fmtNumber(m.sessions) }, { label: t('ses.registered'), num: true, cell: (m) => fmtNumber(m.registered) },
      { label: t('ses.anonymous'), num: true, cell: (m) => fmtNumber(m.anonymous) }, { label: t('ses.total'), num: true, cell: (m) => fmtNumber(m.total) },
    ], fig.months));
    listBox.replaceChildren(table('session-list', t('ses.list'), [
      { key: 'ses.when', cell: (s) => h('a', { href: `/sessions/${encodeURIComponent(s.id)}` }, fmtDateTime(s.starts_at)) },
      { key: 'ses.kind', cell: (s) => kindName(s.kind) },
      { key: 'ses.topic', cell: (s) => s.topic },
      { key: 'centres.site', cell: (s) => s.site_name },
      { key: 'ses.total', num: true, cell: (s) => fmtNumber(s.attendance.total) },
    ], list.items, t('ses.none')));
  }
  site.select.addEventListener('change', load);
  kind.addEventListener('change', load);

  let newCard = null;
  if (app.can('sessions.write')) {
    const allowed = kinds.filter((k) => app.can(k.permission));
    const nk = select(allowed.map((k) => ({ value: k.code, label: label(k) })), allowed[0]?.code, { id: 'new-kind' });
    const ns = sitePicker(sites, sites[0]?.id, 'new-site');
    const topic = h('input', { type: 'text', id: 'new-topic', maxlength: 200 });
    const when = h('input', { type: 'datetime-local', id: 'new-when', value: localTime(new Date()) });
    const duration = h('input', { type: 'number', id: 'new-duration', min: '1', max: '1440', value: '60' });
    const facilitator = h('input', { type: 'text', id: 'new-facilitator', maxlength: 120, value: app.me.display_name || '' });
    const language = h('input', { type: 'text', id: 'new-language', maxlength: 8, value: 'fa' });
    const interpreter = h('input', { type: 'text', id: 'new-interpreter', maxlength: 120 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'new-submit' }, t('ses.record'));
    const form = h('form', { id: 'new-session', novalidate: true },
      h('div', { class: 'form-row' }, field({ label: t('ses.kind'), input: nk, name: 'kind' }), ns.field, field({ label: t('ses.when'), input: when, name: 'starts_at' }),
        field({ label: t('ses.duration'), input: duration, name: 'duration_minutes' })),
      field({ label: t('ses.topic'), input: topic, name: 'topic' }),
      h('div', { class: 'form-row' }, field({ label: t('ses.facilitator'), input: facilitator, name: 'facilitator' }),
        field({ label: t('ses.language'), input: language, name: 'language', hint: t('fb.language_hint') }),
        field({ label: t('ses.interpreter'), input: interpreter, name: 'interpreter' })),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { kind: nk.value, site_id: ns.select.value, topic: topic.value.trim(), starts_at: when.value ? new Date(when.value).toISOString().replace(/\.\d+Z$/, 'Z') : undefined,
        duration_minutes: Number(duration.value) || undefined, facilitator: facilitator.value.trim(), language: language.value.trim() };
      if (interpreter.value.trim()) body.interpreter = interpreter.value.trim();
      await busy(submit, async () => {
        try {
          const r = await post('/api/v1/sessions', body);
          announce(t('ses.recorded'));
          app.navigate(`/sessions/${encodeURIComponent(r.id)}`);
        } catch (err) { showError(form, err, 'ses'); }
      });
    });
    newCard = h('section', { class: 'card', 'aria-labelledby': 'new-h' }, h('h2', { id: 'new-h' }, t('ses.new')), form);
  }
  root.append(h('h1', {}, t('ses.title')), h('div', { class: 'toolbar' }, site.field, h('div', { class: 'field' }, h('label', { for: 'ses-kind' }, t('ses.kind')), kind)),
    h('section', { class: 'card', 'aria-labelledby': 'ses-fig-h' }, h('h2', { id: 'ses-fig-h' }, t('ses.reached_title')), chartBox, figBox),
    newCard,
    h('section', { class: 'card', 'aria-labelledby': 'ses-list-h' }, h('h2', { id: 'ses-list-h' }, t('ses.list')), listBox));
  await load();
}
