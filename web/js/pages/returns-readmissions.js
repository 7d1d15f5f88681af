// Readmission requests to and from neighbouring states: the list (pending first by the
// legal deadline, overdue answers marked), a form for a new request (its deadline comes
// from the agreement) and, per request, the answer, handover or withdrawal.
import { h, bdi, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtDate, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, clearErrors, busy, showError, dateInput, dateValue } from '../forms.js';
import { sitePicker, table, kpi, label } from '../components/centres-common.js';

const STATUSES = ['pending', 'accepted', 'refused', 'handed_over', 'withdrawn'];

function statusBadge(r) {
  return h('span', { class: ['badge', `badge-readm-${r.status}`] }, tOf(KEYS.AVRR_READM_STATUS, r.status),
    r.overdue ? [' · ', h('strong', { class: 'overdue' }, t('ret.overdue'))] : null);
}

export default async function render({ root, query, app }) {
  app.setTitle(t('avrr.readm_title'));
  await codeList('countries');
  const writer = app.can('returns.write');
  const { agreements } = await get('/api/v1/returns/readmission-agreements');
  const sites = await app.sites();
  const status = select([{ value: 'open', label: t('avrr.readm_open') }, { value: '', label: t('avrr.readm_all') },
    ...STATUSES.map((s) => ({ value: s, label: tOf(KEYS.AVRR_READM_STATUS, s) }))], query.get('status') ?? 'open', { id: 'readm-status' });
  const overdue = h('input', { type: 'checkbox', id: 'readm-overdue', checked: query.get('overdue') === 'true' });
  const figures = h('div', { class: 'kpis', id: 'readm-figures' });
  const listBox = h('div');
  const actionBox = h('div', { id: 'readm-action' });

  function actionForm(r, to) {
    const on = dateInput({ id: 'readm-on', value: new Date().toISOString().slice(0, 10) });
    const outcome = h('textarea', { id: 'readm-outcome', rows: 2 });
    const crossing = h('input', { type: 'text', id: 'readm-crossing', value: r.border_crossing || '', autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'readm-submit' }, tOf(KEYS.AVRR_READM_TO, to));
    const cancel = h('button', { type: 'button', class: 'btn-link', onclick: () => actionBox.replaceChildren() }, t('ret.cancel'));
    const form = h('form', { id: 'readm-move-form', novalidate: true, 'aria-labelledby': 'readm-move-h' },
      h('h2', { id: 'readm-move-h', tabindex: '-1' }, tOf(KEYS.AVRR_READM_TO, to), ': ', r.reference ? bdi(r.reference) : `${r.requesting_state} → ${r.requested_state}`),
      h('div', { class: 'form-row' }, field({ label: t('avrr.on'), input: on, name: 'on' }),
        to === 'handed_over' ? field({ label: t('avrr.border_crossing'), input: crossing, name: 'border_crossing' }) : null),
      to === 'accepted' || to === 'refused' || to === 'withdrawn' ? field({ label: t(to === 'refused' ? 'avrr.refusal_reason' : 'avrr.outcome'), input: outcome, name: 'outcome' }) : null,
      h('div', { class: 'actions' }, submit, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          const body = { to, on: dateValue(on) };
          if (outcome.value.trim()) body.outcome = outcome.value.trim();
          if (to === 'handed_over' && crossing.value.trim()) body.border_crossing = crossing.value.trim();
          await post(`/api/v1/returns/readmissions/${encodeURIComponent(r.id)}/status`, body);
          announce(t('avrr.readm_moved', { status: tOf(KEYS.AVRR_READM_STATUS, to) }));
          actionBox.replaceChildren();
          await load();
          document.getElementById('readm-list-h')?.focus();
        } catch (err) { showError(form, err, 'avrr'); }
      });
    });
    actionBox.replaceChildren(form);
    form.querySelector('h2').focus();
  }

  async function load() {
    const [list, late] = await Promise.all([
      get(withQuery('/api/v1/returns/readmissions', { status: status.value, overdue: overdue.checked ? 'true' : '', limit: 500 })),
      get(withQuery('/api/v1/returns/readmissions', { overdue: 'true', limit: 1 })),
    ]);
    figures.replaceChildren(kpi(t('avrr.readm_listed'), list.total, 'kpi-readm-listed'),
      kpi(t('avrr.readm_overdue'), late.total, 'kpi-readm-overdue', late.total > 0));
    listBox.replaceChildren(table('readm-list', t('avrr.readm_title'), [
      { key: 'avrr.reference', cell: (r) => (r.reference ? bdi(r.reference) : '—') },
      { key: 'avrr.states', cell: (r) => `${codeName('countries', r.requesting_state)} → ${codeName('countries', r.requested_state)}` },
      { key: 'avrr.requested_on', cell: (r) => fmtDate(r.requested_on) },
      { key: 'avrr.deadline', cell: (r) => fmtDate(r.deadline) },
      { key: 'avrr.persons', num: true, cell: (r) => String(r.persons_count) },
      { key: 'avrr.status', cell: (r) => [statusBadge(r), r.handover_on ? ` · ${fmtDate(r.handover_on)} · ${r.border_crossing}` : ''] },
      { key: 'avrr.actions', cell: (r) => (writer && r.next.length ? h('div', { class: 'btn-row' }, r.next.map((to) => h('button', {
        type: 'button', class: 'btn btn-small', dataset: { to, id: r.id },
        'aria-label': `${tOf(KEYS.AVRR_READM_TO, to)}: ${r.reference || r.requested_on}`, onclick: () => actionForm(r, to),
      }, tOf(KEYS.AVRR_READM_TO, to)))) : '—') },
    ], list.items, t('avrr.readm_none')));
  }

  function newForm() {
    const agreement = select(agreements.map((a) => ({ value: a.code, label: label(a) })), agreements[0]?.code, { id: 'new-agreement' });
    const stateOptions = () => {
      const a = agreements.find((x) => x.code === agreement.value);
      return a.states.map((c) => ({ value: c, label: codeName('countries', c) }));
    };
    const requesting = select(stateOptions(), stateOptions()[1]?.value, { id: 'new-requesting' });
    const requested = select(stateOptions(), stateOptions()[0]?.value, { id: 'new-requested' });
    agreement.addEventListener('change', () => {
      const opts = stateOptions();
      requesting.replaceChildren(...select(opts, opts[1]?.value).children);
      requested.replaceChildren(...select(opts, opts[0]?.value).children);
    });
    const on = dateInput({ id: 'new-on', value: new Date().toISOString().slice(0, 10) });
    const reference = h('input', { type: 'text', id: 'new-reference', autocomplete: 'off', maxlength: 80 });
    const site = sitePicker(sites, sites[0]?.id, 'new-site');
    const given = h('input', { type: 'text', id: 'new-given', autocomplete: 'off' });
    const family = h('input', { type: 'text', id: 'new-family', autocomplete: 'off' });
    const sex = select([{ value: 'M', label: t('avrr.sex.M') }, { value: 'F', label: t('avrr.sex.F') }, { value: 'X', label: t('avrr.sex.X') }], 'M', { id: 'new-sex' });
    const citizenship = h('input', { type: 'text', id: 'new-citizenship', autocomplete: 'off', maxlength: 2, size: 4, 'aria-describedby': 'new-citizenship-hint' });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'new-submit' }, t('avrr.readm_record'));
    const form = h('form', { id: 'readm-new-form', novalidate: true, 'aria-labelledby': 'readm-new-h' },
      h('h2', { id: 'readm-new-h' }, t('avrr.readm_new')),
      h('p', { class: 'hint' }, t('avrr.readm_new_hint')),
      h('div', { class: 'form-row' }, field({ label: t('avrr.agreement'), input: agreement, name: 'agreement' }),
        h('div', { class: 'field', dataset: { field: 'requesting_state' } }, h('label', { for: 'new-requesting' }, t('avrr.requesting_state')), requesting, h('p', { class: 'field-error', hidden: true })),
        h('div', { class: 'field', dataset: { field: 'requested_state' } }, h('label', { for: 'new-requested' }, t('avrr.requested_state')), requested, h('p', { class: 'field-error', hidden: true }))),
      h('div', { class: 'form-row' }, field({ label: t('avrr.requested_on'), input: on, name: 'requested_on' }),
        field({ label: t('avrr.reference'), input: reference, name: 'reference' }), site.field),
      h('fieldset', { class: 'field' }, h('legend', {}, t('avrr.person_on_request')),
        h('div', { class: 'form-row' }, field({ label: t('avrr.given_name'), input: given, name: 'persons[0].given_name' }),
          field({ label: t('avrr.family_name'), input: family, name: 'persons[0].family_name' }),
          field({ label: t('avrr.sex_label'), input: sex, name: 'persons[0].sex' }),
          field({ label: t('avrr.citizenship'), input: citizenship, name: 'persons[0].citizenship', hint: t('avrr.citizenship_hint') }))),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          await post('/api/v1/returns/readmissions', {
            agreement: agreement.value, requesting_state: requesting.value,
            requested_state: requested.value, requested_on: dateValue(on),
            reference: reference.value.trim() || undefined, site_id: site.select.value,
            persons: [{ given_name: given.value.trim(), family_name: family.value.trim(), sex: sex.value, citizenship: citizenship.value.trim().toUpperCase() }],
          });
          announce(t('avrr.readm_recorded'));
          form.reset();
          await load();
          document.getElementById('readm-list-h')?.focus();
        } catch (err) { showError(form, err, 'avrr'); }
      });
    });
    return form;
  }

  for (const el of [status, overdue]) el.addEventListener('change', load);
  root.append(h('h1', {}, t('avrr.readm_title')),
    h('p', { class: 'lead' }, t('avrr.readm_lead')),
    figures,
    h('div', { class: 'form-row filters', role: 'group', 'aria-label': t('avrr.filters') },
      h('div', { class: 'field' }, h('label', { for: 'readm-status' }, t('avrr.status')), status),
      h('div', { class: 'field choice-row' }, h('label', { class: 'choice' }, overdue, ' ', t('avrr.readm_overdue_only')))),
    h('h2', { id: 'readm-list-h', tabindex: '-1', class: 'visually-hidden' }, t('avrr.readm_title')),
    listBox, actionBox,
    writer ? h('section', { class: 'card' }, newForm()) : null);
  await load();
}
