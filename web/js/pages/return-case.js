// One return case: who travels, where to, the vulnerable mark, the dated timeline of
// its steps, and the next allowed steps as buttons. A button opens the details that
// step needs; a step the server refuses (the case moved meanwhile) shows why.
import { h, bdi, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtDate, fmtDateTime, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, clearErrors, busy, showError, dateInput, dateValue } from '../forms.js';
import { label } from '../components/centres-common.js';
import { stateBadge, returnsErrorText } from '../components/returns-common.js';
import { instalmentsBlock } from '../components/returns-instalments.js';

const CODES = {
  document_type: ['passport', 'travel_document', 'laissez_passer', 'id_card'],
  medical_clearance: ['fit', 'fit_with_assistance'],
  escort: ['none', 'operational', 'medical', 'social'],
};
const DATES = new Set(['departure_date', 'arrival_date']);
const PLAN_KINDS = ['business', 'housing', 'medical', 'education', 'psychosocial'];
const MODALITIES = ['cash', 'in_kind', 'mixed'];
const LONG = new Set(['note', 'itinerary', 'reason']);

function detailInput(name, value) {
  const id = `detail-${name}`;
  if (CODES[name]) return select(CODES[name].map((c) => ({ value: c, label: tOf(KEYS.RET_CODE, c) })), value || CODES[name][0], { id });
  if (DATES.has(name)) return dateInput({ id, value: value || new Date().toISOString().slice(0, 10) });
  if (LONG.has(name)) return h('textarea', { id, rows: 2 });
  return h('input', { type: 'text', id, value: value || '', autocomplete: 'off' });
}

function detailText(details) {
  return Object.entries(details || {}).map(([k, v], i) => h('span', { class: 'detail' }, i ? ' · ' : '',
    `${tOf(KEYS.RET_DETAIL, k)}: `, CODES[k] ? tOf(KEYS.RET_CODE, v) : DATES.has(k) ? fmtDate(v) : bdi(v)));
}

export default async function render({ root, params, app }) {
  const id = params[0];
  const url = `/api/v1/returns/${encodeURIComponent(id)}`;
  await codeList('countries');
  const { states } = await get('/api/v1/returns/states');
  const { questions } = await get('/api/v1/returns/monitoring-questions');
  let c = await get(url);
  const writer = app.can('returns.write');
  app.setTitle(t('ret.case_title', { name: `${c.given_name} ${c.family_name}` }));
  const body = h('div');
  root.append(body);

  // The last details given for a detail name (so that the issued document repeats the
  // embassy of the request).
  const lastDetail = (name) => c.history.slice().reverse().find((x) => x.details && x.details[name])?.details[name];

  function stepForm(to, box) {
    const spec = states.find((s) => s.state === to);
    const names = [...spec.required, ...spec.optional];
    const inputs = Object.fromEntries(names.map((n) => [n, detailInput(n, n === 'embassy' || n === 'document_type' ? lastDetail(n) : '')]));
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'step-submit' }, t('ret.record_step', { state: tOf(KEYS.RET_STATE, to) }));
    const cancel = h('button', { type: 'button', class: 'btn-link', onclick: () => { box.replaceChildren(); document.getElementById(`next-${to}`)?.focus(); } }, t('ret.cancel'));
    const form = h('form', { id: 'step-form', novalidate: true, 'aria-labelledby': 'step-h' },
      h('h3', { id: 'step-h', tabindex: '-1' }, tOf(KEYS.RET_STATE, to)),
      h('p', { class: 'hint' }, tOf(KEYS.RET_HELP, to)),
      names.map((n) => field({ label: `${tOf(KEYS.RET_DETAIL, n)}${spec.required.includes(n) ? '' : ` ${t('ret.optional')}`}`, input: inputs[n], name: `details.${n}` })),
      h('div', { class: 'actions' }, submit, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          const details = {};
          for (const n of names) {
            const v = DATES.has(n) ? dateValue(inputs[n]) : inputs[n].value.trim();
            if (v) details[n] = v;
          }
          c = await post(`${url}/transitions`, { to, details });
          announce(t('ret.step_recorded', { state: tOf(KEYS.RET_STATE, to) }));
          show();
          document.getElementById('timeline-h')?.focus();
        } catch (err) { showStepError(form, err); }
      });
    });
    box.replaceChildren(form);
    (names.length ? inputs[names[0]] : submit).focus();
  }

  function showStepError(form, err) {
    const msg = returnsErrorText(err);
    const wrap = err.field ? form.querySelector(`[data-field="${CSS.escape(err.field)}"]`) : null;
    if (wrap && err.status !== 409) {
      const errEl = wrap.querySelector('.field-error');
      errEl.textContent = msg;
      errEl.hidden = false;
      const input = wrap.querySelector('input, select, textarea');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    let box = form.querySelector('.form-error');
    if (!box) { box = h('div', { class: 'form-error', role: 'alert', id: 'step-error', tabindex: '-1' }); form.prepend(box); }
    box.textContent = msg;
    box.hidden = false;
    box.focus();
  }

  // The reintegration plan once the case has departed, its monitoring visits and the
  // visits due, with the questionnaire for the next one.
  function reintegrationSection() {
    const departed = c.history.some((x) => x.to === 'departed');
    if (!c.plan && (!departed || !writer || c.state === 'withdrawn' || c.state === 'cancelled')) return null;
    const section = h('section', { class: 'card', 'aria-labelledby': 'plan-h' }, h('h2', { id: 'plan-h', tabindex: '-1' }, t('ret.reintegration')));
    if (!c.plan) {
      const kind = select(PLAN_KINDS.map((k) => ({ value: k, label: tOf(KEYS.RET_PLAN_KIND, k) })), 'business', { id: 'plan-kind' });
      const budget = h('input', { type: 'number', id: 'plan-budget', min: '0', max: '100000', value: '2000' });
      const modality = select(MODALITIES.map((m) => ({ value: m, label: tOf(KEYS.RET_MODALITY, m) })), 'in_kind', { id: 'plan-modality' });
      const partner = h('input', { type: 'text', id: 'plan-partner', maxlength: 160, value: lastDetail('arrival_confirmed_by') || '' });
      const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'plan-submit' }, t('ret.record_plan'));
      const form = h('form', { id: 'plan-form', novalidate: true }, h('div', { class: 'form-row' },
        field({ label: t('ret.plan_kind_label'), input: kind, name: 'kind' }), field({ label: t('ret.budget'), input: budget, name: 'budget_eur' }),
        field({ label: t('ret.modality_label'), input: modality, name: 'modality' }), field({ label: t('ret.partner'), input: partner, name: 'partner' })),
      h('div', { class: 'actions' }, submit));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        await busy(submit, async () => {
          try {
            c = await post(`${url}/plan`, { kind: kind.value, budget_eur: Number(budget.value), modality: modality.value, partner: partner.value.trim() });
            announce(t('ret.plan_recorded'));
            show();
            document.getElementById('plan-h')?.focus();
          } catch (err) { showError(form, err, 'ret'); }
        });
      });
      section.append(h('p', { class: 'muted' }, t('ret.no_plan')), form);
      return section;
    }
    const p = c.plan;
    section.append(h('dl', { class: 'facts', id: 'plan-facts' },
      h('dt', {}, t('ret.plan_kind_label')), h('dd', {}, tOf(KEYS.RET_PLAN_KIND, p.kind)),
      h('dt', {}, t('ret.budget')), h('dd', {}, `${p.budget_eur} EUR · ${tOf(KEYS.RET_MODALITY, p.modality)}`),
      h('dt', {}, t('ret.partner')), h('dd', {}, bdi(p.partner))),
    h('h3', {}, t('ret.visits')),
    p.visits.length ? h('ul', { id: 'visits' }, p.visits.map((v) => h('li', {}, t('ret.visit_month', { n: v.month }), ` · ${fmtDate(v.visited_on)} · `,
      h('strong', {}, t('ret.score', { score: v.score })), ` · ${v.by_name}`))) : h('p', { class: 'muted' }, t('ret.no_visits')),
    p.due.length ? h('ul', { id: 'visits-due' }, p.due.map((d) => h('li', { class: d.overdue ? 'overdue' : null },
      t('ret.visit_due', { n: d.month, date: fmtDate(d.due_on) }), d.overdue ? [' · ', h('strong', {}, t('ret.overdue'))] : null))) : null);
    section.append(instalmentsBlock(p, url, writer, (nc) => { c = nc; show(); }));
    if (writer && p.due.length) {
      const month = select(p.due.map((d) => ({ value: String(d.month), label: t('ret.visit_month', { n: d.month }) })), String(p.due[0].month), { id: 'visit-month' });
      const on = dateInput({ id: 'visit-on', value: new Date().toISOString().slice(0, 10) });
      const answers = questions.map((q) => select([0, 1, 2].map((n) => ({ value: String(n), label: tOf(KEYS.RET_ANSWER, n) })), '2', { id: `answer-${q.id}` }));
      const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'visit-submit' }, t('ret.record_visit'));
      const form = h('form', { id: 'visit-form', novalidate: true },
        h('div', { class: 'form-row' }, field({ label: t('ret.visit_label'), input: month, name: 'month' }), field({ label: t('ret.visited_on'), input: on, name: 'visited_on' })),
        fieldset({ legend: t('ret.questionnaire'), children: questions.map((q, i) => field({ label: label(q), input: answers[i], name: `answers.${q.id}` })) }),
        h('div', { class: 'actions' }, submit));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        await busy(submit, async () => {
          try {
            c = await post(`${url}/plan/visits`, { month: Number(month.value), visited_on: dateValue(on),
              answers: Object.fromEntries(questions.map((q, i) => [q.id, Number(answers[i].value)])) });
            announce(t('ret.visit_recorded'));
            show();
            document.getElementById('plan-h')?.focus();
          } catch (err) { showError(form, err, 'ret'); }
        });
      });
      section.append(h('h3', {}, t('ret.record_visit')), form);
    }
    return section;
  }

  function show() {
    const formBox = h('div', { id: 'step-box' });
    const next = writer ? c.next : [];
    body.replaceChildren(
      h('h1', {}, t('ret.case_title', { name: `${c.given_name} ${c.family_name}` })),
      h('p', {}, h('a', { href: `/returns/persons/${encodeURIComponent(c.person_id)}` }, t('ret.return_file')), ' · ', h('a', { href: '/returns' }, t('ret.caseload_title'))),
      h('section', { class: 'card', 'aria-labelledby': 'case-h' }, h('h2', { id: 'case-h' }, t('ret.the_case')),
        h('dl', { class: 'facts' },
          h('dt', {}, t('ret.state_label')), h('dd', { id: 'case-state' }, stateBadge(c.state, c.overdue), c.due_at && !c.closed ? ` · ${t('ret.due', { date: fmtDate(c.due_at.slice(0, 10)) })}` : ''),
          h('dt', {}, t('ret.destination')), h('dd', {}, codeName('countries', c.destination_country), c.destination_place ? [' · ', bdi(c.destination_place)] : ''),
          h('dt', {}, t('ret.counsellor')), h('dd', {}, c.counsellor_name || '—'),
          h('dt', {}, t('centres.site')), h('dd', {}, c.site_name),
          c.closed_reason ? [h('dt', {}, t('ret.detail.reason')), h('dd', {}, bdi(c.closed_reason))] : null),
        c.vulnerable ? h('p', { class: 'notice notice-warn', id: 'vulnerable-flag' }, t('ret.vulnerable'), ' ',
          c.vulnerable_reasons.map((r) => tOf(KEYS.RET_VULNERABLE_REASON, r)).join(', ')) : null,
        h('h3', {}, t('ret.travellers')),
        h('ul', { id: 'travellers' }, c.travellers.map((p) => h('li', {}, h('a', { href: `/persons/${encodeURIComponent(p.person_id)}` }, bdi(`${p.given_name} ${p.family_name}`)), ' ',
          h('span', { class: 'reg-no' }, p.reg_no), p.principal ? ` · ${t('ret.principal')}` : '', p.child ? ` · ${t('ret.child')}` : '')))),
      h('section', { class: 'card', 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h', tabindex: '-1' }, t('ret.timeline')),
        h('ol', { class: 'timeline', id: 'timeline' }, c.history.map((x) => h('li', { dataset: { state: x.to } },
          h('strong', {}, tOf(KEYS.RET_STATE, x.to)), ` · ${fmtDateTime(x.at)} · ${x.by_name}`,
          Object.keys(x.details || {}).length ? [h('br'), detailText(x.details)] : null))),
        next.length ? h('div', { class: 'next-steps', role: 'group', 'aria-label': t('ret.next_steps') },
          h('p', {}, t('ret.next_steps')),
          next.map((s) => h('button', { type: 'button', class: s === 'withdrawn' || s === 'cancelled' ? 'btn' : 'btn-primary', id: `next-${s}`, dataset: { to: s },
            onclick: () => stepForm(s, formBox) }, tOf(KEYS.RET_TO, s)))) : null,
        formBox),
      reintegrationSection());
  }
  show();
}
