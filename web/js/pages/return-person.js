// A person's return file: their counselling sessions (and a form to record one), their
// return cases, and opening a case in the state "intention" with the family members who
// travel with them.
import { h, bdi, personName, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtDateTime, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, showError, clearErrors, busy } from '../forms.js';
import { table } from '../components/centres-common.js';
import { stateBadge } from '../components/returns-common.js';

const TOPICS = ['avrr_programme', 'eligibility', 'travel_documents', 'reintegration', 'medical', 'family', 'legal_options', 'other'];
const OUTCOMES = ['information_only', 'considering', 'intention_expressed', 'declined'];
const MODES = ['in_person', 'virtual', 'phone'];

export default async function render({ root, params, app }) {
  const id = params[0];
  const person = await get(`/api/v1/persons/${encodeURIComponent(id)}`);
  const countries = await codeList('countries');
  app.setTitle(t('ret.file_title', { name: personName(person) }));
  const writer = app.can('returns.write');
  const sessionsBox = h('div');
  const casesBox = h('div');

  async function load() {
    const [sessions, cases] = await Promise.all([
      get(withQuery('/api/v1/returns/counselling', { person: id, limit: 100 })),
      get(withQuery('/api/v1/returns', { person: id, limit: 100 })),
    ]);
    sessionsBox.replaceChildren(table('counselling-list', t('ret.counselling'), [
      { key: 'ret.when', cell: (s) => fmtDateTime(s.held_at) },
      { key: 'ret.counsellor', cell: (s) => s.counsellor_name },
      { key: 'ret.language', cell: (s) => codeName('languages', s.language) + (s.interpreter ? ` · ${s.interpreter}` : '') },
      { key: 'ret.topics', cell: (s) => s.topics.map((x) => tOf(KEYS.RET_TOPIC, x)).join(', ') },
      { key: 'ret.outcome_label', cell: (s) => tOf(KEYS.RET_OUTCOME, s.outcome) },
    ], sessions.items, t('ret.no_counselling')));
    casesBox.replaceChildren(table('person-cases', t('ret.cases'), [
      { key: 'ret.destination', cell: (c) => h('a', { href: `/returns/cases/${encodeURIComponent(c.id)}` }, codeName('countries', c.destination_country)) },
      { key: 'ret.state_label', cell: (c) => stateBadge(c.state, c.overdue) },
      { key: 'ret.travellers', num: true, cell: (c) => String(c.travellers_count) },
    ], cases.items, t('ret.no_cases')));
  }

  function counsellingForm() {
    const language = h('input', { type: 'text', id: 'coun-language', maxlength: 8, value: (person.languages || [])[0] || '' });
    const interpreter = h('input', { type: 'text', id: 'coun-interpreter', maxlength: 120 });
    const mode = select(MODES.map((m) => ({ value: m, label: tOf(KEYS.RET_MODE, m) })), 'in_person', { id: 'coun-mode' });
    const outcome = select(OUTCOMES.map((o) => ({ value: o, label: tOf(KEYS.RET_OUTCOME, o) })), 'information_only', { id: 'coun-outcome' });
    const boxes = TOPICS.map((x) => h('input', { type: 'checkbox', id: `topic-${x}`, value: x }));
    const note = h('textarea', { id: 'coun-note', rows: 2 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'coun-submit' }, t('ret.record_counselling'));
    const form = h('form', { id: 'counselling-form', novalidate: true },
      h('div', { class: 'form-row' }, field({ label: t('ret.language'), input: language, name: 'language', hint: t('ret.language_hint') }),
        field({ label: t('ret.interpreter'), input: interpreter, name: 'interpreter' }),
        field({ label: t('ret.mode_label'), input: mode, name: 'mode' }),
        field({ label: t('ret.outcome_label'), input: outcome, name: 'outcome' })),
      fieldset({ legend: t('ret.topics'), name: 'topics', children: h('div', { class: 'choice-row' }, TOPICS.map((x, i) => h('label', { class: 'choice' }, boxes[i], ' ', tOf(KEYS.RET_TOPIC, x)))) }),
      field({ label: t('ret.detail.note'), input: note, name: 'note' }),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { person_id: id, language: language.value.trim(), mode: mode.value, outcome: outcome.value,
        topics: boxes.filter((b) => b.checked).map((b) => b.value) };
      if (interpreter.value.trim()) body.interpreter = interpreter.value.trim();
      if (note.value.trim()) body.note = note.value.trim();
      await busy(submit, async () => {
        try {
          await post('/api/v1/returns/counselling', body);
          announce(t('ret.counselling_recorded'));
          form.reset();
          await load();
        } catch (err) { showError(form, err, 'ret'); }
      });
    });
    return form;
  }

  // The person's registered family (for users who may see families): each member this
  // user may see, to tick when they travel on the same case.
  async function familyMembers() {
    if (!app.can('family.read')) return [];
    try {
      const r = await get(`/api/v1/persons/${encodeURIComponent(id)}/family`);
      return (r.family?.members || []).filter((m) => m.visible && m.person_id !== id);
    } catch { return []; }
  }

  function caseForm(members) {
    const ticks = members.map((m) => {
      const box = h('input', { type: 'checkbox', id: `case-member-${m.person_id}`, value: m.person_id, dataset: { member: m.person_id } });
      return { box, row: h('div', { class: 'check' }, box, h('label', { for: box.id }, bdi(personName(m.person)), ' ',
        h('span', { class: 'reg-no' }, m.person.reg_no), ` · ${tOf(KEYS.FAM_REL, m.relation)}`)) };
    });
    const country = select([{ value: '', label: t('ret.choose_country') }, ...countries.map((c) => ({ value: c.code, label: c.name }))],
      person.citizenship && countries.some((c) => c.code === person.citizenship) ? person.citizenship : '', { id: 'case-country' });
    const place = h('input', { type: 'text', id: 'case-place', maxlength: 120 });
    const family = h('input', { type: 'text', id: 'case-family', autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'case-submit' }, t('ret.open_case'));
    const form = h('form', { id: 'case-form', novalidate: true },
      h('div', { class: 'form-row' }, field({ label: t('ret.destination'), input: country, name: 'destination_country' }),
        field({ label: t('ret.place'), input: place, name: 'destination_place' })),
      ticks.length ? fieldset({ legend: t('ret.family_members'), name: 'travellers_family', children: ticks.map((x) => x.row) }) : null,
      field({ label: ticks.length ? t('ret.family_others') : t('ret.family'), input: family, name: 'travellers', hint: t('ret.family_hint') }),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { person_id: id, destination_country: country.value };
      if (place.value.trim()) body.destination_place = place.value.trim();
      await busy(submit, async () => {
        try {
          // Family members by registration number (or id), looked up among the user's people.
          const wanted = family.value.split(/[\s,;]+/).filter(Boolean);
          const ticked = ticks.filter((x) => x.box.checked).map((x) => x.box.value);
          if (wanted.length || ticked.length) {
            body.travellers = [...ticked];
            for (const w of wanted) {
              const r = await get(withQuery('/api/v1/persons', { q: w, limit: 2 }));
              const hit = r.items.find((p) => p.reg_no === w || p.id === w);
              if (!hit) { showError(form, { field: 'travellers', code: 'invalid', message: t('ret.family_unknown', { who: w }) }, 'ret'); return; }
              if (!body.travellers.includes(hit.id)) body.travellers.push(hit.id);
            }
          }
          const c = await post('/api/v1/returns', body);
          announce(t('ret.case_opened'));
          app.navigate(`/returns/cases/${encodeURIComponent(c.id)}`);
        } catch (err) { showError(form, err, 'ret'); }
      });
    });
    return form;
  }

  root.append(h('h1', {}, t('ret.file_title', { name: personName(person) })),
    h('p', {}, h('a', { href: `/persons/${encodeURIComponent(id)}` }, bdi(personName(person)), ' ', h('span', { class: 'reg-no' }, person.reg_no)),
      ` · ${codeName('countries', person.citizenship)}`),
    h('section', { class: 'card', 'aria-labelledby': 'coun-h' }, h('h2', { id: 'coun-h' }, t('ret.counselling')), sessionsBox,
      writer ? [h('h3', {}, t('ret.record_counselling')), counsellingForm()] : null),
    h('section', { class: 'card', 'aria-labelledby': 'cases-h' }, h('h2', { id: 'cases-h' }, t('ret.cases')), casesBox,
      writer ? [h('h3', {}, t('ret.open_case')), caseForm(await familyMembers())] : null));
  await load();
}
