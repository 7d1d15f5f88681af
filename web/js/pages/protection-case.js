// A case: who, where, which worker; the plan (actions with due dates), notes and
// follow-ups, best-interests assessments for children, transfer and closing.
import { h, bdi, personName, announce } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, fmtDate, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy, dateInput, dateValue } from '../forms.js';
import { loadQuestionnaire, facts, CLOSE_REASONS, BIA_OUTCOMES } from '../components/protection-common.js';
import { auditPanel } from '../components/audit-panel.js';

// A small form with the fields given; onSubmit(values) posts; errors land at fields.
function miniForm(id, fields, submitLabel, onSubmit) {
  const go = h('button', { type: 'submit', class: 'btn', id: `${id}-submit` }, submitLabel);
  const form = h('form', { novalidate: true, id }, h('div', { class: 'form-row' },
    fields.map((f) => field({ label: f.label, input: f.input, name: f.name, hint: f.hint }))), go);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    await busy(go, async () => {
      try { await onSubmit(); } catch (err) { showError(form, err, 'protection'); }
    });
  });
  return form;
}

export default async function render({ root, params, app }) {
  const id = params[0];
  const url = `/api/v1/protection/cases/${encodeURIComponent(id)}`;
  await loadQuestionnaire();
  const sites = await app.sites();
  let c = await get(url);
  const person = await get(`/api/v1/persons/${encodeURIComponent(c.person_id)}`);
  const siteName = (sid) => sites.find((s) => s.id === sid)?.name || '—';
  const today = new Date().toISOString().slice(0, 10);
  const writer = app.can('protection.write');
  // Names, not logins: the officers of the case's site by their display name.
  const names = new Map();
  if (app.can('protection.details')) {
    try {
      for (const w of (await get(`/api/v1/protection/workers?site=${encodeURIComponent(c.site_id)}`)).items) {
        if (w.display_name) names.set(w.username, w.display_name);
      }
    } catch { /* the logins are shown instead */ }
  }
  // The server names everyone who wrote on the case (c.names), officers of a site the case
  // has left included.
  const who = (login) => c.names?.[login] || names.get(login) || login;
  // A best-interests assessment is for children: not offered on an adult's case, as the
  // server refuses it (src/protection/case_items.c): 18 or over today even by the latest
  // birth date the record allows (31 December for a year alone or an estimated age); a
  // case without a birth date keeps it.
  const adult = (() => {
    if (!person.birth_date) return false;
    let [y, m, d] = person.birth_date.split('-').map(Number);
    if (person.birth_date_precision && person.birth_date_precision !== 'exact') [m, d] = [12, 31];
    const now = new Date();
    const age = now.getUTCFullYear() - y - ((now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) ? 1 : 0);
    return age >= 18;
  })();
  app.setTitle(t('protection.case_title', { name: personName(person) }));
  const body = h('div');

  async function reload(focusId) {
    c = await get(url);
    await show();
    if (focusId) document.getElementById(focusId)?.focus();
  }

  function planSection() {
    const rows = c.actions.map((a) => h('tr', { dataset: { action: a.id } },
      h('td', {}, h('bdi', { dir: 'auto' }, a.description)),
      h('td', { class: a.status === 'open' && a.due_date < today ? 'overdue' : null }, fmtDate(a.due_date),
        a.status === 'open' && a.due_date < today ? ` · ${t('protection.overdue')}` : ''),
      h('td', {}, tOf(KEYS.PROTECTION_ACTION_STATUS, a.status), a.done_by ? ` (${who(a.done_by)})` : ''),
      h('td', { class: 'row-actions' }, writer && c.state === 'open' && a.status === 'open' ? h('button', {
        type: 'button', class: 'btn btn-small',
        onclick: async (e) => {
          await busy(e.target, () => patch(`${url}/actions/${encodeURIComponent(a.id)}`, { status: 'done' }));
          announce(t('protection.action_done'));
          await reload('plan-h');
        },
      }, t('protection.mark_done')) : null)));
    const desc = h('input', { id: 'action-description', autocomplete: 'off' });
    const due = dateInput({ id: 'action-due' });
    return h('section', { class: 'card', 'aria-labelledby': 'plan-h' }, h('h2', { id: 'plan-h', tabindex: '-1' }, t('protection.plan')),
      c.actions.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'case-actions' },
        h('caption', { class: 'visually-hidden' }, t('protection.plan')),
        h('thead', {}, h('tr', {}, ['protection.action', 'protection.due', 'common.status', 'common.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows))) : h('p', { class: 'muted' }, t('protection.no_actions')),
      writer && c.state === 'open' ? miniForm('action-form', [
        { label: t('protection.action'), input: desc, name: 'description' },
        { label: t('protection.due'), input: due, name: 'due_date' },
      ], t('protection.add_action'), async () => {
        await post(`${url}/actions`, { description: desc.value, due_date: dateValue(due) });
        announce(t('protection.action_added'));
        await reload('plan-h');
      }) : null);
  }

  function notesSection() {
    const kind = select(['note', 'follow_up'].map((k) => ({ value: k, label: tOf(KEYS.PROTECTION_NOTE_KIND, k) })), 'note', { id: 'note-kind' });
    const text = h('textarea', { rows: 3, id: 'note-text' });
    const next = dateInput({ id: 'note-next' });
    return h('section', { class: 'card', 'aria-labelledby': 'notes-h' }, h('h2', { id: 'notes-h', tabindex: '-1' }, t('protection.notes')),
      c.notes.length ? h('ol', { class: 'timeline', id: 'case-notes' }, c.notes.map((n) => h('li', {},
        h('strong', {}, fmtDateTime(n.written_at)), ` · ${tOf(KEYS.PROTECTION_NOTE_KIND, n.kind)} · ${who(n.written_by)}`, h('br'),
        h('bdi', { dir: 'auto', class: 'note-text' }, n.text),
        n.next_follow_up ? [h('br'), t('protection.next_follow_up'), ': ', fmtDate(n.next_follow_up)] : null)))
        : h('p', { class: 'muted' }, t('protection.no_notes')),
      writer && c.state === 'open' ? miniForm('note-form', [
        { label: t('protection.note_kind_label'), input: kind, name: 'kind' },
        { label: t('protection.note'), input: text, name: 'text', hint: t('protection.sealed_hint') },
        { label: t('protection.next_follow_up'), input: next, name: 'next_follow_up' },
      ], t('protection.add_note'), async () => {
        const b = { kind: kind.value, text: text.value };
        if (dateValue(next)) b.next_follow_up = dateValue(next);
        await post(`${url}/notes`, b);
        announce(t('protection.note_added'));
        await reload('notes-h');
      }) : null);
  }

  function biaSection() {
    if (adult && !c.best_interests.length) return null;
    const outcome = select(BIA_OUTCOMES.map((o) => ({ value: o, label: tOf(KEYS.PROTECTION_BIA, o) })), 'family_tracing', { id: 'bia-outcome' });
    const summary = h('textarea', { rows: 2, id: 'bia-summary' });
    return h('section', { class: 'card', 'aria-labelledby': 'bia-h' }, h('h2', { id: 'bia-h', tabindex: '-1' }, t('protection.best_interests')),
      c.best_interests.length ? h('ul', { id: 'case-bia' }, c.best_interests.map((b) => h('li', {},
        h('strong', {}, tOf(KEYS.PROTECTION_BIA, b.outcome)), ` · ${fmtDateTime(b.assessed_at)} · ${who(b.assessed_by)}`, h('br'),
        h('bdi', { dir: 'auto' }, b.summary)))) : h('p', { class: 'muted' }, t('protection.no_bia')),
      writer && c.state === 'open' && !adult ? miniForm('bia-form', [
        { label: t('protection.bia_outcome'), input: outcome, name: 'outcome' },
        { label: t('protection.summary'), input: summary, name: 'summary' },
      ], t('protection.add_bia'), async () => {
        await post(`${url}/best-interests`, { outcome: outcome.value, summary: summary.value });
        announce(t('protection.bia_added'));
        await reload('bia-h');
      }) : null);
  }

  function endSection() {
    if (!writer || c.state !== 'open') return null;
    const reason = select(CLOSE_REASONS.map((r) => ({ value: r, label: tOf(KEYS.PROTECTION_CLOSE_REASON, r) })), 'goals_met', { id: 'close-reason' });
    const note = h('textarea', { rows: 2, id: 'close-note' });
    const others = sites.filter((s) => s.id !== c.site_id);
    const to = select(others.map((s) => ({ value: s.id, label: s.name })), others[0]?.id, { id: 'transfer-site' });
    const tnote = h('textarea', { rows: 2, id: 'transfer-note' });
    return h('section', { class: 'card', 'aria-labelledby': 'end-h' }, h('h2', { id: 'end-h' }, t('protection.transfer_or_close')),
      others.length ? [h('h3', {}, t('protection.transfer')), miniForm('transfer-form', [
        { label: t('protection.transfer_to'), input: to, name: 'site_id' },
        { label: t('protection.note'), input: tnote, name: 'note' },
      ], t('protection.transfer'), async () => {
        const b = { site_id: to.value };
        if (tnote.value.trim()) b.note = tnote.value.trim();
        await post(`${url}/transfer`, b);
        announce(t('protection.transferred'));
        app.navigate('/protection');
      })] : null,
      h('h3', {}, t('protection.close_case')), miniForm('close-form', [
        { label: t('protection.close_reason_label'), input: reason, name: 'reason' },
        { label: t('protection.note'), input: note, name: 'note' },
      ], t('protection.close_case'), async () => {
        const b = { reason: reason.value };
        if (note.value.trim()) b.note = note.value.trim();
        await post(`${url}/close`, b);
        announce(t('protection.case_closed'));
        await reload('case-state');
      }));
  }

  // Reassigning the case to another protection officer of the case's site.
  async function workerForm() {
    if (!writer || c.state !== 'open') return null;
    const workers = (await get(`/api/v1/protection/workers?site=${encodeURIComponent(c.site_id)}`)).items;
    const pick = select(workers.map((w) => ({ value: w.id, label: w.display_name || w.username })), c.worker_id, { id: 'case-worker' });
    return miniForm('worker-form', [{ label: t('protection.assign_to'), input: pick, name: 'worker_id' }],
      t('protection.assign'), async () => {
        await patch(url, { worker_id: pick.value });
        announce(t('protection.assigned'));
        await reload('case-h');
      });
  }

  async function show() {
    const info = h('section', { class: 'card', 'aria-labelledby': 'case-h' }, h('h2', { id: 'case-h', tabindex: '-1' }, t('protection.case')), facts([
      [t('protection.person'), h('a', { href: `/persons/${encodeURIComponent(person.id)}/protection` }, bdi(personName(person)), ' ', person.reg_no)],
      [t('common.status'), h('span', { id: 'case-state', tabindex: '-1' }, tOf(KEYS.PROTECTION_CASE_STATE, c.state),
        c.close_reason ? ` (${tOf(KEYS.PROTECTION_CLOSE_REASON, c.close_reason)})` : '')],
      [t('protection.site'), siteName(c.site_id)],
      [t('protection.worker'), c.worker_name],
      [t('protection.risk_level'), tOf(KEYS.PROTECTION_LEVEL, c.risk_level)],
      [t('protection.opened'), `${fmtDateTime(c.opened_at)} · ${who(c.opened_by)}`],
      [t('protection.next_follow_up'), c.next_follow_up ? fmtDate(c.next_follow_up) : null],
      [t('protection.guardian'), c.guardian ? h('bdi', { dir: 'auto' }, c.guardian) : null],
      [t('protection.summary'), c.summary ? h('bdi', { dir: 'auto' }, c.summary) : null],
    ]));
    const assign = await workerForm();
    if (assign) info.append(assign);
    body.replaceChildren(h('div', { class: 'grid grid-2' }, h('div', { class: 'stack' }, info, planSection(), biaSection()),
      h('div', { class: 'stack' }, notesSection(), endSection())));
  }

  await show();
  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('protection.case_heading'), ': ', bdi(personName(person)))),
    h('p', { class: 'notice' }, t('protection.audited_notice')), body,
    auditPanel(app, c.person_id));
}
