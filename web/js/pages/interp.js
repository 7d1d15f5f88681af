// Interpreting for the coordinator: the requests of a period with their interpreter,
// a scheduling run with the reason and the nearest free slot for each request left
// unserved, and a form for a new request.
import { h, announce, append } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtDateTime, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, showError, clearErrors, busy, errorMessage, dateInput, dateValue, parseDate } from '../forms.js';
import { sitePicker, table } from '../components/centres-common.js';

const KINDS = ['asylum_interview', 'gbv_interview', 'medical', 'legal_information', 'registration', 'protection', 'counselling', 'other'];
const MODES = ['in_person', 'video', 'phone'];
const NOSHOW_REASONS = ['no_notice', 'illness', 'transport', 'technical', 'transferred', 'other'];

const ymd = (d) => d.toISOString().slice(0, 10);
function nextWeek() {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  const to = new Date(d);
  to.setUTCDate(d.getUTCDate() + 4);
  return [ymd(d), ymd(to)];
}
function localTime(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const iso = (v) => (v ? new Date(v).toISOString().replace(/\.\d+Z$/, 'Z') : undefined);

export default async function render({ root, query, app }) {
  app.setTitle(t('interp.title'));
  const sites = await app.sites();
  await codeList('languages');
  const langName = (code) => codeName('languages', code);
  const [defFrom, defTo] = nextWeek();
  const from = dateInput({ id: 'interp-from', value: query.get('from') || defFrom });
  const to = dateInput({ id: 'interp-to', value: query.get('to') || defTo });
  const period = h('div', { class: 'toolbar', role: 'group', 'aria-label': t('interp.period') });
  const show = h('button', { type: 'button', id: 'interp-show' }, t('interp.show'));
  const runBox = h('div', { id: 'interp-run', 'aria-live': 'polite' });
  const listBox = h('div');

  const noshowBox = h('div', { id: 'interp-noshow-box' });
  const assignmentCell = (r) => {
    const a = r.assignment;
    if (!a) return h('span', { class: 'muted' }, t('interp.unassigned'));
    const text = h('span', {}, a.interpreter_name, ' · ', fmtDateTime(a.starts_at), ' · ', tOf(KEYS.INTERP_MODE, a.mode), ' · ',
      tOf(KEYS.INTERP_ASTATUS, a.status), a.locked && !a.no_show ? ` (${t('interp.locked')})` : '');
    if (a.no_show) {
      const undo = app.can('interp.write') ? [' ', h('button', { type: 'button', class: 'btn btn-small', dataset: { withdraw: a.id },
        'aria-label': t('interp.noshow.withdraw_for', { name: a.interpreter_name, when: fmtDateTime(a.starts_at) }),
        onclick: () => withdrawForm(r) }, t('interp.noshow.withdraw'))] : null;
      return h('span', {}, text, ' ', h('span', { class: 'badge badge-off', dataset: { noshow: a.no_show.who } },
        tOf(KEYS.INTERP_NOSHOW_BADGE, a.no_show.who), ' · ', tOf(KEYS.INTERP_NOSHOW_REASON, a.no_show.reason)), undo);
    }
    if (!app.can('interp.write') || new Date(a.starts_at) > new Date()) return text;
    return h('span', {}, text, ' ', h('button', { type: 'button', class: 'btn btn-small', dataset: { noshow: a.id },
      'aria-label': t('interp.noshow.record_for', { name: a.interpreter_name, when: fmtDateTime(a.starts_at) }),
      onclick: () => noshowForm(r) }, t('interp.noshow.record')));
  };

  // Who did not come to an assignment that has started, and why.
  function noshowForm(r) {
    const a = r.assignment;
    const who = ['interpreter', 'client'].map((w, i) => h('input', { type: 'radio', name: 'noshow-who', id: `noshow-who-${w}`, value: w, checked: i === 0 }));
    const reason = select(NOSHOW_REASONS.map((x) => ({ value: x, label: tOf(KEYS.INTERP_NOSHOW_REASON, x) })), 'no_notice', { id: 'noshow-reason' });
    const note = h('textarea', { id: 'noshow-note', rows: 2, maxlength: 1000 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'noshow-submit' }, t('interp.noshow.save'));
    const cancel = h('button', { type: 'button', class: 'btn', onclick: () => noshowBox.replaceChildren() }, t('interp.noshow.cancel'));
    const form = h('form', { id: 'noshow-form', novalidate: true },
      h('p', {}, a.interpreter_name, ' · ', fmtDateTime(a.starts_at), ' · ', sites.find((s) => s.id === r.site_id)?.name || '', ' · ', langName(r.language)),
      fieldset({ legend: t('interp.noshow.who'), name: 'who', children: who.map((c) => h('label', { for: c.id, class: 'check' }, c, ' ', tOf(KEYS.INTERP_NOSHOW_WHO, c.value))) }),
      field({ label: t('interp.noshow.reason'), input: reason, name: 'reason' }),
      field({ label: t('interp.noshow.note'), input: note, name: 'note', hint: t('interp.noshow.note_hint') }),
      h('div', { class: 'actions' }, submit, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { who: who.find((c) => c.checked).value, reason: reason.value };
      if (note.value.trim()) body.note = note.value.trim();
      await busy(submit, async () => {
        try {
          await post(`/api/v1/interp/assignments/${encodeURIComponent(a.id)}/no-show`, body);
          announce(t('interp.noshow.saved'));
          noshowBox.replaceChildren();
          await load();
        } catch (err) { showError(form, err, 'interp'); }
      });
    });
    noshowBox.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'noshow-h' }, h('h2', { id: 'noshow-h' }, t('interp.noshow.title')), form));
    who[0].focus();
  }

  // A no-show recorded by mistake is withdrawn with a reason (kept in the audit log).
  function withdrawForm(r) {
    const a = r.assignment;
    const reason = h('textarea', { id: 'withdraw-reason', rows: 2, maxlength: 500 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'withdraw-submit' }, t('interp.noshow.withdraw'));
    const cancel = h('button', { type: 'button', class: 'btn', onclick: () => noshowBox.replaceChildren() }, t('interp.noshow.cancel'));
    const form = h('form', { id: 'withdraw-form', novalidate: true },
      h('p', {}, a.interpreter_name, ' · ', fmtDateTime(a.starts_at), ' · ', tOf(KEYS.INTERP_NOSHOW_BADGE, a.no_show.who)),
      field({ label: t('interp.noshow.withdraw_reason'), input: reason, name: 'reason', hint: t('interp.noshow.withdraw_hint') }),
      h('div', { class: 'actions' }, submit, cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          await post(`/api/v1/interp/assignments/${encodeURIComponent(a.id)}/no-show/withdraw`, { reason: reason.value });
          announce(t('interp.noshow.withdrawn'));
          noshowBox.replaceChildren();
          await load();
        } catch (err) { showError(form, err, 'interp'); }
      });
    });
    noshowBox.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'withdraw-h' }, h('h2', { id: 'withdraw-h' }, t('interp.noshow.withdraw_title')), form));
    reason.focus();
  }

  async function load() {
    clearErrors(period);
    let range;
    try {
      range = { from: dateValue(from), to: dateValue(to) };
    } catch (err) {
      showError(period, err, 'interp');
      return;
    }
    const list = await get(withQuery('/api/v1/interp/requests', { ...range, status: 'open' }));
    listBox.replaceChildren(table('interp-requests', t('interp.requests'), [
      { key: 'interp.window', cell: (r) => `${fmtDateTime(r.earliest)} – ${fmtDateTime(r.latest)}` },
      { key: 'interp.site', cell: (r) => sites.find((s) => s.id === r.site_id)?.name || '' },
      { key: 'interp.language', cell: (r) => langName(r.language) },
      { key: 'interp.kind', cell: (r) => tOf(KEYS.INTERP_KIND, r.kind) },
      { key: 'interp.priority', num: true, cell: (r) => String(r.priority) },
      { key: 'interp.assignment', cell: assignmentCell },
    ], list.items, t('interp.none')));
  }
  show.addEventListener('click', load);

  function reasonText(u) {
    const p = u.params || {};
    const nearest = p.nearest_at ? `${fmtDateTime(p.nearest_at)}, ${p.nearest_name}` : t('interp.reason.none_near');
    return tOf(KEYS.INTERP_REASON, u.reason, { ...p, language: p.language ? langName(p.language) : p.language, nearest });
  }

  let runButton = null;
  if (app.can('interp.schedule')) {
    runButton = h('button', { type: 'button', class: 'btn-primary', id: 'interp-run-button' }, t('interp.run'));
    runButton.addEventListener('click', () => busy(runButton, async () => {
      try {
        const r = await post('/api/v1/interp/schedule', { from: dateValue(from), to: dateValue(to) });
        runBox.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'interp-run-h' },
          h('h2', { id: 'interp-run-h' }, t('interp.run_title')),
          h('p', { id: 'interp-run-summary' }, t('interp.run_summary', { served: r.served, requests: r.requests, greedy: r.greedy_served })),
          h('p', {}, t('interp.run_priority', { served: r.priority_served, total: r.priority_total, bound: r.priority_bound })),
          h('p', {}, tOf(KEYS.INTERP_STATUS, r.status)),
          h('h3', {}, t('interp.unserved')),
          r.unserved.length
            ? h('ul', { id: 'interp-unserved' }, r.unserved.map((u) => h('li', { dataset: { request: u.request_id, reason: u.reason } }, reasonText(u))))
            : h('p', { id: 'interp-all-served' }, t('interp.all_served'))));
        announce(t('interp.run_summary', { served: r.served, requests: r.requests, greedy: r.greedy_served }));
        await load();
      } catch (err) { runBox.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, errorMessage(err, 'interp'))); }
    }));
  }

  let newCard = null;
  if (app.can('interp.write')) {
    const site = sitePicker(sites, sites[0]?.id, 'new-site');
    const unit = h('input', { type: 'text', id: 'new-unit', maxlength: 120 });
    const language = h('input', { type: 'text', id: 'new-language', maxlength: 8 });
    const gender = select([{ value: '', label: t('interp.gender_any') }, { value: 'F', label: t('interp.gender.F') }, { value: 'M', label: t('interp.gender.M') }], '', { id: 'new-gender' });
    const start = new Date(`${parseDate(from.value) || defFrom}T09:00`);
    const earliest = h('input', { type: 'datetime-local', id: 'new-earliest', value: localTime(start) });
    const latest = h('input', { type: 'datetime-local', id: 'new-latest', value: localTime(new Date(start.getTime() + 4 * 3600e3)) });
    const duration = h('input', { type: 'number', id: 'new-duration', min: '15', max: '480', value: '60' });
    const priority = select([1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) })), '3', { id: 'new-priority' });
    const kind = select(KINDS.map((k) => ({ value: k, label: tOf(KEYS.INTERP_KIND, k) })), KINDS[0], { id: 'new-kind' });
    const modes = MODES.map((m) => h('input', { type: 'checkbox', id: `new-mode-${m}`, value: m, checked: m !== 'phone' }));
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'new-submit' }, t('interp.create'));
    const form = h('form', { id: 'new-request', novalidate: true },
      h('div', { class: 'form-row' }, site.field, field({ label: t('interp.unit'), input: unit, name: 'unit' }),
        field({ label: t('interp.language'), input: language, name: 'language', hint: t('interp.language_hint') }),
        field({ label: t('interp.gender_required'), input: gender, name: 'gender_required' })),
      h('div', { class: 'form-row' }, field({ label: t('interp.earliest'), input: earliest, name: 'earliest' }),
        field({ label: t('interp.latest'), input: latest, name: 'latest' }),
        field({ label: t('interp.duration'), input: duration, name: 'duration_minutes' }),
        field({ label: t('interp.priority'), input: priority, name: 'priority' }),
        field({ label: t('interp.kind'), input: kind, name: 'kind' })),
      fieldset({ legend: t('interp.modes'), name: 'modes', children: modes.map((c) => h('label', { for: c.id, class: 'check' }, c, ' ', tOf(KEYS.INTERP_MODE, c.value))) }),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { site_id: site.select.value, unit: unit.value.trim(), language: language.value.trim(), earliest: iso(earliest.value),
        latest: iso(latest.value), duration_minutes: Number(duration.value) || 0, priority: Number(priority.value), kind: kind.value,
        modes: modes.filter((c) => c.checked).map((c) => c.value) };
      if (gender.value) body.gender_required = gender.value;
      await busy(submit, async () => {
        try {
          await post('/api/v1/interp/requests', body);
          announce(t('interp.created'));
          unit.value = '';
          language.value = '';
          await load();
        } catch (err) { showError(form, err, 'interp'); }
      });
    });
    newCard = h('section', { class: 'card', 'aria-labelledby': 'interp-new-h' }, h('h2', { id: 'interp-new-h' }, t('interp.new')), form);
  }

  root.append(h('h1', {}, t('interp.title')),
    h('p', {}, h('a', { href: '/interp/interpreters', id: 'interp-people-link' }, t('interp.people.title')), ' · ',
      h('a', { href: '/interp/hours', id: 'interp-hours-link' }, t('interp.hours.title'))),
    append(period, [field({ label: t('interp.from'), input: from, name: 'from' }), field({ label: t('interp.to'), input: to, name: 'to' }), show, runButton]),
    runBox,
    h('section', { class: 'card', 'aria-labelledby': 'interp-list-h' }, h('h2', { id: 'interp-list-h' }, t('interp.requests')), listBox),
    noshowBox,
    newCard);
  await load();
}
