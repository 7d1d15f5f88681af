// Satisfaction survey results per site (a chart of the mean rating per question and
// site), and for the desk a short form to enter one person's answers.
import { h, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtNumber } from '../i18n.js';
import { field, fieldset, select, showError, clearErrors, busy } from '../forms.js';
import { drawChart, dataTable } from '../components/chart.js';
import { sitePicker, label } from '../components/centres-common.js';

const ql = (q) => label(q.label);

function answerForm(form, sites) {
  const site = sitePicker(sites, sites[0]?.id, 'sv-site');
  const inputs = form.questions.map((q) => {
    if (q.type === 'rating') {
      return { q, el: fieldset({ legend: ql(q), name: `answers.${q.id}`, className: 'rating', children: [1, 2, 3, 4, 5].map((n) => h('span', { class: 'choice' },
        h('input', { type: 'radio', name: `sv-${q.id}`, id: `sv-${q.id}-${n}`, value: String(n) }), h('label', { for: `sv-${q.id}-${n}` }, String(n)))) }) };
    }
    if (q.type === 'yes_no') {
      return { q, el: fieldset({ legend: ql(q), name: `answers.${q.id}`, children: [['yes', 'sv.yes'], ['no', 'sv.no']].map(([v, key]) => h('span', { class: 'choice' },
        h('input', { type: 'radio', name: `sv-${q.id}`, id: `sv-${q.id}-${v}`, value: v }), h('label', { for: `sv-${q.id}-${v}` }, t(key)))) }) };
    }
    const sel = select([{ value: '', label: '—' }, ...q.options.map((o) => ({ value: o.code, label: label(o) }))], '', { id: `sv-${q.id}` });
    return { q, el: field({ label: ql(q), input: sel, name: `answers.${q.id}` }), sel };
  });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'sv-submit' }, t('sv.save'));
  const done = h('p', { role: 'status', id: 'sv-done' });
  const el = h('form', { id: 'sv-form', novalidate: true }, site.field, inputs.map((i) => i.el), h('div', { class: 'actions' }, submit), done);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(el);
    const answers = {};
    for (const { q, sel } of inputs) {
      if (sel) { if (sel.value) answers[q.id] = sel.value; continue; }
      const v = el.querySelector(`input[name="sv-${q.id}"]:checked`)?.value;
      if (v) answers[q.id] = q.type === 'rating' ? Number(v) : v === 'yes';
    }
    await busy(submit, async () => {
      try {
        await post('/api/v1/surveys/responses', { form: form.code, site_id: site.select.value, answers });
        el.reset();
        done.textContent = t('sv.saved');
        announce(done.textContent);
      } catch (err) { showError(el, err, 'sv'); }
    });
  });
  return el;
}

export default async function render({ root, app }) {
  app.setTitle(t('sv.title'));
  const sites = await app.sites();
  const codes = await get('/api/v1/feedback/codes');
  const form = codes.forms[0];
  root.append(h('h1', {}, t('sv.title')), h('p', { class: 'lead' }, label(form.title)));
  if (app.can('survey.read')) {
    const r = await get(withQuery('/api/v1/surveys/results', { form: form.code }));
    const ratings = form.questions.filter((q) => q.type === 'rating');
    const chartBox = h('div', { class: 'chart-box', id: 'sv-chart' });
    const palette = ['#1a5490', '#8a5a00', '#2e7d32', '#6a1b9a', '#b3261e'];
    root.append(h('section', { class: 'card', 'aria-labelledby': 'sv-res-h' }, h('h2', { id: 'sv-res-h' }, t('sv.results', { n: fmtNumber(r.responses) })), chartBox,
      dataTable(t('sv.results_table'), [
        { label: t('centres.site'), cell: (s) => s.site_name || '' },
        { label: t('sv.responses'), num: true, cell: (s) => fmtNumber(s.responses) },
        ...ratings.map((q) => ({ label: ql(q), num: true, cell: (s) => (s.questions[q.id] ? fmtNumber(s.questions[q.id].mean, { maximumFractionDigits: 1 }) : '—') })),
      ], r.sites)));
    await drawChart(chartBox, t('sv.chart_label'), {
      type: 'bar',
      data: { labels: ratings.map(ql), datasets: r.sites.map((s, i) => ({ label: s.site_name, data: ratings.map((q) => s.questions[q.id]?.mean ?? null), backgroundColor: palette[i % palette.length] })) },
      options: { scales: { y: { min: 0, max: 5 } } },
    });
  }
  if (app.can('survey.write')) {
    root.append(h('section', { class: 'card', 'aria-labelledby': 'sv-form-h' }, h('h2', { id: 'sv-form-h' }, t('sv.answer')), answerForm(form, sites)));
  }
}
