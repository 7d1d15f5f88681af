// Shared by the families and tracing pages: relation names, a member's line, a small
// person-fields block for registering a relative in the family form.
import { h, bdi, personName, newId } from '../dom.js';
import { t, fmtBirth, codeList, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select } from '../forms.js';

export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'sibling', 'guardian', 'other_relative'];
export const TRACE_RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'other_relative'];

export function relationSelect(selected, attrs = {}, list = RELATIONS) {
  return select(list.map((r) => ({ value: r, label: tOf(KEYS.FAM_REL, r) })), selected, attrs);
}

export function separationSelect(selected, attrs = {}) {
  return select([{ value: '', label: t('fam.sep.none') }, ...['unaccompanied', 'separated'].map((s) => ({ value: s, label: tOf(KEYS.FAM_SEP, s) }))],
    selected || '', attrs);
}

export async function countrySelect(selected, attrs = {}) {
  const list = await codeList('countries');
  return select([{ value: '', label: t('fam.choose') }, ...list.map((c) => ({ value: c.code, label: c.name }))], selected || '', attrs);
}

// The identity fields of a person registered from a family form; names are the API's,
// under prefix ("members.2.person.") so that errors land on the right field.
export async function personFields(prefix, { family = '' } = {}) {
  const id = newId('pf');
  const given = h('input', { id: `${id}-given`, autocomplete: 'off', spellcheck: 'false' });
  const fam = h('input', { id: `${id}-family`, autocomplete: 'off', spellcheck: 'false', value: family });
  const sex = select([{ value: '', label: t('fam.choose') }, ...['M', 'F', 'X'].map((s) => ({ value: s, label: tOf(KEYS.FAM_SEX, s) }))], '', { id: `${id}-sex` });
  const birth = h('input', { id: `${id}-birth`, autocomplete: 'off', inputmode: 'numeric', class: 'narrow' });
  const cit = await countrySelect('AF', { id: `${id}-cit` });
  const el = h('div', { class: 'form-row' },
    field({ label: t('fam.given_name'), input: given, name: `${prefix}given_name` }),
    field({ label: t('fam.family_name'), input: fam, name: `${prefix}family_name` }),
    field({ label: t('fam.sex_label'), input: sex, name: `${prefix}sex` }),
    field({ label: t('fam.birth_date'), input: birth, name: `${prefix}birth_date`, hint: t('fam.birth_hint') }),
    field({ label: t('fam.citizenship'), input: cit, name: `${prefix}citizenship` }));
  const read = () => {
    const p = { given_name: given.value.trim(), family_name: fam.value.trim(), citizenship: cit.value || 'unknown' };
    if (sex.value) p.sex = sex.value;
    if (birth.value.trim()) p.birth_date = birth.value.trim();
    return p;
  };
  return { el, read, focus: () => given.focus() };
}

export function memberName(m) {
  if (!m.visible) return h('span', { class: 'muted' }, t('fam.member_elsewhere'));
  return [h('a', { href: `/persons/${encodeURIComponent(m.person_id)}` }, bdi(personName(m.person))), ' ',
    h('span', { class: 'reg-no' }, m.person.reg_no)];
}

export function memberFlags(m) {
  const out = [];
  if (m.minor) out.push(h('span', { class: 'badge' }, t('fam.minor')));
  if (m.separation) out.push(' ', h('span', { class: 'badge badge-off' }, tOf(KEYS.FAM_SEP, m.separation)));
  return out;
}

export function memberBirth(m) { return m.visible && m.person.birth_date ? fmtBirth(m.person) : '—'; }

// The profile's family card: the members together, or a way to start a family.
export async function familySection(personId, app) {
  const { get } = await import('../api.js');
  const r = await get(`/api/v1/persons/${encodeURIComponent(personId)}/family`);
  const box = h('section', { class: 'card', id: 'person-family', 'aria-labelledby': 'person-family-h' }, h('h2', { id: 'person-family-h' }, t('fam.profile_title')));
  if (!r.family) {
    box.append(h('p', { class: 'muted' }, t('fam.profile_none')));
    if (app.can('family.write')) box.append(h('a', { class: 'btn', id: 'person-family-start', href: `/families?person=${encodeURIComponent(personId)}` }, t('fam.profile_start')));
    return box;
  }
  const f = r.family;
  box.append(h('p', {}, h('a', { href: `/families/${encodeURIComponent(f.id)}`, id: 'person-family-link' }, bdi(t('fam.family_of', { name: f.name })))),
    h('ul', { class: 'timeline', id: 'person-family-members' }, f.members.map((m) => h('li', { dataset: { self: m.person_id === personId ? '1' : null } },
      m.person_id === personId ? h('strong', {}, memberName(m)) : memberName(m), ' · ', tOf(KEYS.FAM_REL, m.relation), ' ', ...memberFlags(m)))));
  return box;
}

// At the desk, registering a member of a family: the relation to choose, and the
// registration sent through the family (one request: registered and added together).
export async function familyJoin(familyId) {
  const { get, post } = await import('../api.js');
  const fam = await get(`/api/v1/families/${encodeURIComponent(familyId)}`);
  const rel = relationSelect('child', { id: 'desk-family-rel' });
  const el = h('section', { class: 'notice', id: 'desk-family', 'aria-labelledby': 'desk-family-h' },
    h('h2', { id: 'desk-family-h' }, bdi(t('fam.desk_joining', { name: fam.name }))),
    field({ label: t('fam.relation'), input: rel, name: 'relation', hint: t('fam.relation_hint') }),
    h('p', {}, h('a', { href: `/families/${encodeURIComponent(fam.id)}` }, t('fam.back_to_family'))));
  async function register(person) {
    let r;
    try {
      r = await post(`/api/v1/families/${encodeURIComponent(fam.id)}/members`, { relation: rel.value, person });
    } catch (err) {
      // The registration's own fields are named person.<field> here; the desk's are bare.
      if (err.field && err.field.startsWith('person.')) err.field = err.field.slice(7);
      throw err;
    }
    const added = r.registered[0];
    const p = await get(`/api/v1/persons/${encodeURIComponent(added.person_id)}`);
    return { id: added.person_id, reg_no: added.reg_no, person: p, stay: p.current_stay, candidates: added.candidates };
  }
  return { el, register };
}
