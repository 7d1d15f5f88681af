// On a person's profile: the possible duplicates, which a registrar marks the same
// person (merge: the other record becomes part of this one, nothing is deleted) or not
// the same person (never suggested again), and the records merged into this person,
// each with "Undo merge". Every action is confirmed in a dialog saying what happens.
import { h, bdi, personName, announce } from '../dom.js';
import { get, post, ApiError } from '../api.js';
import { t, fmtBirthFull, fmtNumber, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { errorMessage } from '../forms.js';
import { confirmDialog } from './confirm.js';

const profileHref = (id) => `/persons/${encodeURIComponent(id)}`;

function summary(p) {
  return h('p', { class: 'hint' }, h('span', { class: 'reg-no' }, p.reg_no), ' · ', fmtBirthFull(p), ' · ',
    codeName('countries', p.citizenship));
}

// Returns {dupes, merged, refresh()}: the two sections (hidden while empty).
// person() gives the profile shown now; changed() reloads it after a merge or undo.
export function duplicateSections({ person, app, changed }) {
  const url = () => `/api/v1/persons/${encodeURIComponent(person().id)}`;
  const canMerge = app.can('person.merge');
  const dupes = h('section', { class: 'card', 'aria-labelledby': 'dup-h', id: 'duplicates', hidden: true });
  const merged = h('section', { class: 'card', 'aria-labelledby': 'merged-h', id: 'merged-records', hidden: true });
  const dupProblem = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const mergedProblem = h('div', { class: 'form-error', role: 'alert', hidden: true });

  const words = (other) => ({ other: personName(other), other_reg: other.reg_no, this: personName(person()), this_reg: person().reg_no });

  // Runs a confirmed action; a refusal (409: both checked in...) is shown in box.
  async function act(box, fn) {
    box.hidden = true;
    try {
      await fn();
      return true;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 401) throw e;
      box.textContent = errorMessage(e, 'merge');
      box.hidden = false;
      return false;
    }
  }

  async function merge(c) {
    const ok = await confirmDialog({ title: t('person.merge_title'), text: t('person.merge_text', words(c)),
      confirm: t('person.merge_confirm'), danger: false });
    if (!ok || !(await act(dupProblem, () => post(`${url()}/merge`, { other_id: c.id })))) return;
    await changed();
    await refresh();
    announce(t('person.merged'));
    merged.querySelector('h2')?.focus();
  }

  async function distinct(c) {
    const ok = await confirmDialog({ title: t('person.distinct_title'), text: t('person.distinct_text', words(c)),
      confirm: t('person.distinct_confirm'), danger: false });
    if (!ok || !(await act(dupProblem, () => post(`${url()}/distinct`, { other_id: c.id })))) return;
    await refresh();
    announce(t('person.distinct_done'));
    (dupes.hidden ? document.getElementById('hist-h') : dupes.querySelector('h2'))?.focus();
  }

  async function unmerge(other) {
    const ok = await confirmDialog({ title: t('person.unmerge_title'), text: t('person.unmerge_text', words(other)),
      confirm: t('person.undo_merge'), danger: true });
    if (!ok || !(await act(mergedProblem, () => post(`${url()}/unmerge`, { other_id: other.id })))) return;
    await changed();
    await refresh();
    announce(t('person.unmerged'));
    (merged.hidden ? document.getElementById('hist-h') : merged.querySelector('h2'))?.focus();
  }

  function candidateItem(c) {
    const reasons = (c.reason_codes || []).map((code, i) => (Object.hasOwn(KEYS.REASON, code) ? tOf(KEYS.REASON, code) : c.reasons[i]));
    const why = h('p', { class: 'hint' }, reasons.join(', '), ' · ', t('candidates.strength', { pct: fmtNumber(c.score, { style: 'percent' }) }));
    if (!c.visible) {
      return h('li', { class: 'hidden-match' }, h('p', { class: 'candidate-name' }, t('candidates.hidden_title')),
        why, h('p', { class: 'hint' }, t('candidates.hidden_text')));
    }
    return h('li', { dataset: { candidate: c.id } },
      h('p', { class: 'candidate-name' }, h('a', { href: profileHref(c.id) }, bdi(personName(c)))),
      summary(c), why,
      canMerge ? h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-small merge-btn', 'aria-label': t('person.merge_x', { name: personName(c) }),
          onclick: () => merge(c) }, t('person.merge')),
        h('button', { type: 'button', class: 'btn btn-small distinct-btn', 'aria-label': t('person.distinct_x', { name: personName(c) }),
          onclick: () => distinct(c) }, t('person.distinct'))) : null);
  }

  async function showDupes() {
    let r;
    try { r = await get(`${url()}/candidates`); } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw e;
      dupes.hidden = true;
      return;
    }
    dupes.hidden = !r.items.length && dupProblem.hidden;
    dupes.replaceChildren(h('h2', { id: 'dup-h', tabindex: '-1' }, t('person.duplicates')),
      h('p', { class: 'hint' }, t('person.duplicates_hint')), dupProblem,
      h('ul', { class: 'dupe-list', id: 'dupe-list' }, r.items.map(candidateItem)));
  }

  async function mergedItem(id) {
    let other;
    try { other = await get(`/api/v1/persons/${encodeURIComponent(id)}`); } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw e;
      return h('li', {}, h('span', { class: 'reg-no' }, id));
    }
    return h('li', { dataset: { merged: id } },
      h('p', { class: 'candidate-name' }, h('a', { href: profileHref(id) }, bdi(personName(other)))),
      summary(other),
      canMerge ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn-danger btn-small unmerge-btn',
        'aria-label': t('person.undo_merge_x', { name: personName(other) }), onclick: () => unmerge(other) }, t('person.undo_merge'))) : null);
  }

  async function showMerged() {
    const ids = person().merged || [];
    merged.hidden = !ids.length && mergedProblem.hidden;
    const items = await Promise.all(ids.map(mergedItem));
    merged.replaceChildren(h('h2', { id: 'merged-h', tabindex: '-1' }, t('person.merged_records')),
      h('p', { class: 'hint' }, t('person.merged_records_hint')), mergedProblem,
      h('ul', { class: 'dupe-list', id: 'merged-list' }, items));
  }

  async function refresh() {
    await Promise.all([showDupes(), showMerged()]);
  }

  return { dupes, merged, refresh };
}
