// The identity fields of a person, shared by the registration desk and the profile's
// edit form: names, sex, birth date (exact, year only or estimated age), citizenship,
// languages, phone. read() gives the API's JSON or throws {field, code:'invalid'}.
import { h, newId } from '../dom.js';
import { t, codeList, localeCode, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, parseDate } from '../forms.js';
import { combobox } from './combo.js';

// Citizenships and languages most often met at Bosnia and Herzegovina's centres:
// offered first before anything is typed.
const COMMON_COUNTRIES = ['AF', 'MA', 'PK', 'SY', 'BD', 'IQ', 'IR', 'IN', 'NP', 'DZ', 'TN', 'EG', 'TR', 'CU', 'stateless', 'unknown'];
const COMMON_LANGUAGES = ['ps', 'fa', 'prs', 'ar', 'ur', 'bn', 'ku', 'ckb', 'fr', 'en', 'tr', 'ne', 'pa', 'hi', 'es'];

function invalid(fieldName, key) {
  const e = new Error(fieldName);
  e.field = fieldName;
  e.code = 'invalid';
  if (key) e.key = key;
  return e;
}

// Names people say at the desk that are not the standard name of the code.
const ALIASES = { fa: 'Farsi', prs: 'Afghan Persian', ckb: 'Sorani', kmr: 'Kurmanji', ary: 'Darija', pa: 'Punjabi', GB: 'UK England', US: 'USA America', XK: 'Kosova' };

async function namedItems(kind) {
  const [local, en] = await Promise.all([codeList(kind), codeList(kind, 'en')]);
  const english = new Map(en.map((i) => [i.code, i.name]));
  return local.map((i) => ({ code: i.code, name: i.name,
    alt: [localeCode() === 'en' ? '' : english.get(i.code), ALIASES[i.code]].filter(Boolean).join(' ') }));
}

// Builds the fields; `person` pre-fills them (edit). Returns {el, read(), reset(),
// focusFirst(), inputs} where inputs are the elements watched for candidates.
export async function personForm(person = null) {
  const [countries, languages] = await Promise.all([namedItems('countries'), namedItems('languages')]);
  const given = h('input', { name: 'given_name', autocomplete: 'off', spellcheck: 'false', required: true });
  const family = h('input', { name: 'family_name', autocomplete: 'off', spellcheck: 'false', required: true });
  const native = h('input', { name: 'native_name', autocomplete: 'off', dir: 'auto', spellcheck: 'false' });
  const sexName = newId('sex');
  const sexes = ['M', 'F', 'X'].map((v) => h('input', { type: 'radio', name: sexName, value: v }));
  const precName = newId('prec');
  const precs = ['exact', 'year', 'estimated'].map((v) => h('input', { type: 'radio', name: precName, value: v, checked: v === 'exact' }));
  const birth = h('input', { name: 'birth_date', autocomplete: 'off', inputmode: 'numeric', class: 'narrow' });
  const birthLabel = h('span');
  const birthHint = h('span');
  const birthEcho = h('span', { class: 'birth-echo' });
  const citizenship = combobox({ items: countries, preferred: COMMON_COUNTRIES });
  const langs = combobox({ items: languages, preferred: COMMON_LANGUAGES, multiple: true });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'off', class: 'narrow' });

  const precision = () => precs.find((p) => p.checked).value;
  function birthLabels() {
    const p = precision();
    birthLabel.textContent = tOf(KEYS.PERSON_BIRTH_INPUT, p);
    birthHint.textContent = tOf(KEYS.PERSON_BIRTH_HINT, p);
    birth.setAttribute('maxlength', p === 'exact' ? '10' : p === 'year' ? '4' : '3');
    echo();
  }
  function echo() {
    let text = '';
    try {
      const v = readBirth();
      if (v.birth_date && precision() !== 'exact') text = t('person.birth_echo_year', { year: v.birth_date.slice(0, 4) });
    } catch { text = ''; }
    birthEcho.textContent = text;
  }
  for (const p of precs) p.addEventListener('change', birthLabels);
  birth.addEventListener('input', echo);

  function readBirth() {
    const v = birth.value.trim();
    const p = precision();
    if (!v) return { birth_date: null };
    const year = new Date().getUTCFullYear();
    if (p === 'exact') {
      const d = parseDate(v);
      if (!d) throw invalid('birth_date');
      return { birth_date: d, birth_date_precision: 'exact' };
    }
    // Year only and estimated age ask for what their field takes, not a day.month.year.
    const key = p === 'year' ? 'birth_year' : 'birth_age';
    if (!/^\d+$/.test(v)) throw invalid('birth_date', key);
    const n = Number(v);
    const y = p === 'year' ? n : year - n;
    if (y < 1900 || y > year) throw invalid('birth_date', key);
    return { birth_date: `${y}-01-01`, birth_date_precision: p };
  }

  const birthField = fieldset({
    legend: t('person.birth_date'), name: 'birth_date_precision', className: 'birth-field',
    children: [
      h('div', { class: 'choice-row' }, precs.map((r) => h('label', { class: 'choice' }, r, tOf(KEYS.PERSON_PRECISION, r.value)))),
      h('div', { class: 'field', dataset: { field: 'birth_date' } },
        h('label', { for: birth.id || (birth.id = newId('birth')) }, birthLabel),
        birth, h('p', { class: 'hint', id: `${birth.id}-hint` }, birthHint, ' ', birthEcho),
        h('p', { class: 'field-error', id: `${birth.id}-err`, hidden: true })),
    ],
  });
  birth.setAttribute('aria-describedby', `${birth.id}-hint ${birth.id}-err`);

  const el = h('div', { class: 'person-fields' },
    h('div', { class: 'form-row' },
      field({ label: t('person.given_name'), input: given, name: 'given_name', hint: t('person.given_name_hint') }),
      field({ label: t('person.family_name'), input: family, name: 'family_name', hint: t('person.family_name_hint') }),
      field({ label: t('person.native_name'), input: native, name: 'native_name', hint: t('person.native_name_hint') })),
    h('div', { class: 'form-row' },
      fieldset({ legend: t('person.sex'), name: 'sex', className: 'sex-field',
        children: h('div', { class: 'choice-row' }, sexes.map((r) => h('label', { class: 'choice' }, r, tOf(KEYS.SEX, r.value)))) }),
      birthField),
    h('div', { class: 'form-row' },
      field({ label: t('person.citizenship'), input: citizenship.input, name: 'citizenship', hint: t('person.citizenship_hint') }),
      field({ label: t('person.languages'), input: langs.input, name: 'languages', hint: t('person.languages_hint') })),
    h('div', { class: 'form-row' },
      field({ label: t('person.phone'), input: phone, name: 'phone', hint: t('person.phone_hint') })));
  // The combobox wrappers hold the inputs (with their lists and chips): field() took
  // each input out of its wrapper, so put it back between the chips and the list, or
  // the list (placed under the wrapper) would cover the input being typed in.
  for (const [name, combo] of [['citizenship', citizenship], ['languages', langs]]) {
    el.querySelector(`[data-field="${name}"] label`).after(combo.el);
    combo.el.insertBefore(combo.input, combo.el.querySelector('.combo-list'));
  }

  function fill(p) {
    given.value = p?.given_name || '';
    family.value = p?.family_name || '';
    native.value = p?.native_name || '';
    for (const r of sexes) r.checked = p?.sex === r.value;
    const prec = p?.birth_date ? p.birth_date_precision || 'exact' : 'exact';
    for (const r of precs) r.checked = r.value === prec;
    if (!p?.birth_date) birth.value = '';
    else if (prec === 'exact') birth.value = p.birth_date.split('-').reverse().join('.');
    else if (prec === 'year') birth.value = p.birth_date.slice(0, 4);
    else birth.value = String(new Date().getUTCFullYear() - Number(p.birth_date.slice(0, 4)));
    citizenship.set(p?.citizenship || null);
    langs.set(p?.languages || []);
    phone.value = p?.phone || '';
    birthLabels();
  }
  fill(person);

  return {
    el,
    inputs: [given, family, birth, ...precs, citizenship.input],
    // The fields as typed, unchecked (kept across a change of language).
    snapshot() {
      return { given: given.value, family: family.value, native: native.value, sex: sexes.find((r) => r.checked)?.value || null,
        prec: precision(), birth: birth.value, citizenship: citizenship.value || null, languages: langs.value, phone: phone.value };
    },
    restore(k) {
      given.value = k.given; family.value = k.family; native.value = k.native;
      for (const r of sexes) r.checked = r.value === k.sex;
      for (const r of precs) r.checked = r.value === k.prec;
      birthLabels();
      birth.value = k.birth;
      echo();
      citizenship.set(k.citizenship);
      langs.set(k.languages || []);
      phone.value = k.phone;
    },
    citizenship,
    // The person as typed so far, without checking (for candidate look-ups).
    partial() {
      let b = {};
      try { b = readBirth(); } catch { b = {}; }
      return { given_name: given.value.trim(), family_name: family.value.trim(), ...b,
        citizenship: citizenship.value || undefined };
    },
    // The complete, checked person; throws {field} of the first problem, with
    // .errors listing every problem found (forms.js showErrors shows them all).
    read() {
      const errors = [];
      if (!given.value.trim()) errors.push(invalid('given_name'));
      if (!family.value.trim()) errors.push(invalid('family_name'));
      const sex = sexes.find((r) => r.checked);
      if (!sex) errors.push(invalid('sex'));
      let b = {};
      try { b = readBirth(); } catch (e) { errors.push(e); }
      if (!citizenship.value) errors.push(invalid('citizenship'));
      if (errors.length) {
        const first = errors[0];
        first.errors = errors;
        throw first;
      }
      return {
        given_name: given.value.trim(), family_name: family.value.trim(),
        native_name: native.value.trim() || null, sex: sex.value, ...b,
        ...(b.birth_date ? {} : { birth_date_precision: null }),
        citizenship: citizenship.value, languages: langs.value, phone: phone.value.trim() || null,
      };
    },
    reset() { fill(null); },
    focusFirst() { given.focus(); },
  };
}
