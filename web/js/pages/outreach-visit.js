// A visit of a mobile team, entered on a phone: where, when, who was met (counts by
// nationality, sex and age group, or registration numbers), what they were given, who
// was taken to a centre. Saved in the outbox and sent when the network allows.
import { h, announce, newId } from '../dom.js';
import { t, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, clearErrors, showError, dateInput, parseDate, dmy } from '../forms.js';
import { enqueue, resubmit, get as outboxGet, flush } from '../outbox.js';
import { cachedGet } from '../offline.js';
import { frame, newRecordId, today } from '../outreach/common.js';

const SERVICES = ['food', 'water', 'clothes', 'first_aid', 'information', 'referral'];
const GROUPS = [['M', 'adult', 'outreach.visit.men'], ['F', 'adult', 'outreach.visit.women'], ['M', 'minor', 'outreach.visit.boys'], ['F', 'minor', 'outreach.visit.girls']];
const COMMON = ['AF', 'MA', 'PK', 'SY', 'BD', 'IQ', 'IR', 'IN', 'TR', 'DZ', 'unknown'];

function count(attrs) {
  return h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric', class: 'or-count', ...attrs });
}

export default async function render({ root, app, query }) {
  frame(root, app, 'outreach.visit.title');
  const fixId = query.get('fix');
  const fixing = fixId ? await outboxGet(fixId) : null;
  const old = fixing ? fixing.body : null;
  const [locations, sites, countries] = await Promise.all([
    cachedGet('/api/v1/outreach/locations'), cachedGet('/api/v1/sites'),
    codeList('countries').catch(() => COMMON.map((code) => ({ code, name: code }))),
  ]);
  const byCode = new Map(countries.map((c) => [c.code, c.name]));
  const nationalities = [...COMMON.filter((c) => byCode.has(c)), ...countries.map((c) => c.code).filter((c) => !COMMON.includes(c))];

  const form = h('form', { id: 'visit-form', class: 'or-visit card', novalidate: true });
  const location = h('select', { id: 'visit-location', required: true },
    h('option', { value: '' }, t('outreach.visit.choose_location')),
    locations.items.map((l) => h('option', { value: l.id, selected: old && old.location_id === l.id }, `${l.name} (${l.municipality})`)));
  const date = dateInput({ id: 'visit-date', value: old ? old.visited_on : today(), required: true });
  const team = h('input', { id: 'visit-team', type: 'text', value: old ? old.team.join(', ') : (app.me.display_name || app.me.username), autocomplete: 'off' });

  const rows = h('div', { id: 'visit-people', class: 'or-people' });
  const addRow = (nat = 'AF', counts = {}) => {
    const rid = newId('nat');
    const sel = h('select', { id: rid, class: 'or-nat' }, nationalities.map((c) => h('option', { value: c, selected: c === nat }, byCode.get(c) || codeName('countries', c))));
    const inputs = GROUPS.map(([sex, age, key]) => {
      const iid = newId('cnt');
      const input = count({ id: iid, value: counts[`${sex}_${age}`] || '', dataset: { sex, age } });
      return h('div', { class: 'or-count-field' }, h('label', { for: iid }, t(key)), input);
    });
    const remove = h('button', { type: 'button', class: 'btn btn-small', onclick: () => { row.remove(); } }, t('outreach.visit.remove_row'));
    const row = h('div', { class: 'or-people-row' }, h('div', { class: 'field' }, h('label', { for: rid }, t('outreach.visit.nationality')), sel), h('div', { class: 'or-counts' }, inputs), remove);
    rows.append(row);
    return row;
  };
  if (old && old.people && old.people.length) {
    const byNat = new Map();
    for (const p of old.people) byNat.set(p.nationality, { ...(byNat.get(p.nationality) || {}), [`${p.sex}_${p.age_group}`]: p.count });
    for (const [nat, c] of byNat) addRow(nat, c);
  } else {
    addRow();
  }
  const regNos = h('textarea', { id: 'visit-regnos', rows: 2 }, old && old.registration_numbers ? old.registration_numbers.join('\n') : '');
  const services = SERVICES.map((s) => {
    const id = `svc-${s}`;
    return h('div', { class: 'or-count-field' }, h('label', { for: id }, tOf(KEYS.OUTREACH_SERVICE, s)), count({ id, value: old && old.services ? old.services[s] ?? '' : '' }));
  });
  const centre = h('select', { id: 'transport-site' }, h('option', { value: '' }, t('outreach.visit.no_transport')),
    sites.items.map((s) => h('option', { value: s.id, selected: old && old.transports && old.transports[0] && old.transports[0].site_id === s.id }, s.name)));
  const transported = count({ id: 'transport-people', value: old && old.transports && old.transports[0] ? old.transports[0].people : '' });
  const notes = h('textarea', { id: 'visit-notes', rows: 2 }, old ? old.notes || '' : '');
  const status = h('div', { id: 'visit-status', role: 'status' });
  const errorBox = h('p', { class: 'form-error', id: 'visit-error', role: 'alert', hidden: !fixing?.error }, fixing?.error ? fixing.error.message : '');

  form.append(errorBox,
    h('div', { class: 'form-row' },
      field({ label: t('outreach.visit.location'), input: location, name: 'location_id' }),
      field({ label: t('outreach.visit.date'), input: date, name: 'visited_on' })),
    field({ label: t('outreach.visit.team'), input: team, name: 'team', hint: t('outreach.visit.team_hint') }),
    h('fieldset', { class: 'field', dataset: { field: 'people' } }, h('legend', {}, t('outreach.visit.people_met')),
      h('p', { class: 'hint' }, t('outreach.visit.people_hint')), rows,
      h('button', { type: 'button', class: 'btn btn-small', id: 'visit-add-row', onclick: () => addRow('MA').querySelector('select').focus() }, t('outreach.visit.add_row')),
      h('p', { class: 'field-error', hidden: true })),
    field({ label: t('outreach.visit.regnos'), input: regNos, name: 'registration_numbers', hint: t('outreach.visit.regnos_hint') }),
    h('fieldset', { class: 'field', dataset: { field: 'services' } }, h('legend', {}, t('outreach.visit.services')),
      h('p', { class: 'hint' }, t('outreach.visit.services_hint')), h('div', { class: 'or-counts' }, services), h('p', { class: 'field-error', hidden: true })),
    h('fieldset', { class: 'field', dataset: { field: 'transports' } }, h('legend', {}, t('outreach.visit.transport')),
      h('div', { class: 'form-row' }, field({ label: t('outreach.visit.centre'), input: centre }), field({ label: t('outreach.visit.transported'), input: transported })),
      h('p', { class: 'field-error', hidden: true })),
    field({ label: t('outreach.visit.notes'), input: notes, name: 'notes', hint: t('outreach.visit.notes_hint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn-primary', id: 'visit-save' }, t('outreach.visit.save'))),
    status);
  root.append(form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    errorBox.hidden = true;
    const people = [];
    for (const row of rows.querySelectorAll('.or-people-row')) {
      const nat = row.querySelector('select').value;
      for (const input of row.querySelectorAll('input')) {
        const n = Number(input.value);
        if (input.value !== '' && n > 0) people.push({ nationality: nat, sex: input.dataset.sex, age_group: input.dataset.age, count: n });
      }
    }
    const body = {
      id: fixing ? fixing.id : newRecordId(),
      location_id: location.value,
      visited_on: parseDate(date.value),
      team: team.value.split(',').map((s) => s.trim()).filter(Boolean),
      people,
      registration_numbers: regNos.value.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean),
      services: Object.fromEntries(SERVICES.map((s) => [s, Number(document.getElementById(`svc-${s}`).value || 0)]).filter(([, n]) => n > 0)),
      transports: centre.value && Number(transported.value) > 0 ? [{ site_id: centre.value, people: Number(transported.value) }] : [],
      notes: notes.value.trim() || null,
    };
    if (!body.visited_on) { showError(form, { field: 'visited_on', code: 'invalid', key: 'date_format', params: {} }); return; }
    if (!body.location_id) { errorBox.textContent = t('outreach.visit.need_location'); errorBox.hidden = false; location.focus(); return; }
    const label = t('outreach.visit.outbox_label', { place: location.selectedOptions[0].textContent, date: body.visited_on });
    if (fixing) {
      const newIdAfterConflict = fixing.error && fixing.error.status === 409 ? newRecordId() : null;
      if (newIdAfterConflict) body.id = newIdAfterConflict;
      await resubmit(fixing.id, { body, label, newId: newIdAfterConflict });
    } else {
      await enqueue({ id: body.id, url: '/api/v1/outreach/visits', body, label, kind: 'visit' });
    }
    form.reset();
    rows.replaceChildren();
    addRow();
    date.value = dmy(today());
    team.value = body.team.join(', ');
    status.replaceChildren(h('p', { class: 'notice notice-ok', id: 'visit-saved' }, t('outreach.visit.saved')));
    announce(t('outreach.visit.saved'));
    await flush();
    if (fixing) app.navigate('/outreach/');
  });
}
