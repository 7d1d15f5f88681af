// A new interpreter, or one to edit: name, gender, time zone, languages with their
// level, the sites reached in person, remote work, weekly hours and leave, rate.
// Every problem the page can see is shown at once, each at its field, before anything
// is sent; what the server refuses is shown at its field too.
import { h, announce } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, codeList, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, showErrors, clearErrors, clearErrorsOnEdit, busy } from '../forms.js';

const LEVELS = ['native', 'fluent', 'working'];
const DAYS = [1, 2, 3, 4, 5, 6, 7];
const ZONES = ['Europe/Sarajevo', 'Europe/Belgrade', 'Europe/Zagreb', 'Europe/Vienna', 'Europe/Berlin', 'Europe/Paris',
  'Europe/London', 'Europe/Istanbul', 'Asia/Kabul', 'Asia/Karachi', 'Asia/Tehran', 'Asia/Dhaka', 'Africa/Cairo', 'Asia/Baghdad'];
const invalid = (f) => ({ field: f, code: 'invalid' });

function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export default async function render({ root, params, app }) {
  const id = params[0] === 'new' ? null : params[0];
  const [sites, languages, cur] = await Promise.all([app.sites(), codeList('languages'),
    id ? get(`/api/v1/interp/interpreters/${encodeURIComponent(id)}`) : null]);
  const title = id ? t('interp.person.edit_title', { name: cur.name }) : t('interp.people.new');
  app.setTitle(title);
  let n = 0;
  const uid = (p) => `${p}-${++n}`;

  const name = h('input', { type: 'text', id: 'person-name', maxlength: 120, autocomplete: 'off', value: cur?.name || '' });
  const gender = select([{ value: '', label: t('interp.person.choose') }, ...['F', 'M', 'X'].map((g) => ({ value: g, label: tOf(KEYS.INTERP_PERSON_GENDER, g) }))],
    cur?.gender || '', { id: 'person-gender' });
  const zone = h('input', { type: 'text', id: 'person-tz', list: 'person-tz-list', maxlength: 64, autocomplete: 'off', value: cur?.time_zone || 'Europe/Sarajevo' });
  const zoneList = h('datalist', { id: 'person-tz-list' }, ZONES.map((z) => h('option', { value: z })));
  const langOptions = [{ value: '', label: t('interp.person.choose') }, ...languages.map((l) => ({ value: l.code, label: `${l.name} (${l.code})` }))];

  // Rows of languages, weekly hours and leave; each row's controls carry their own labels.
  const langRows = h('div', { class: 'rows', id: 'person-languages' });
  function addLanguage(l = {}) {
    const code = select(langOptions, l.code || '', { id: uid('lang-code'), 'data-role': 'code' });
    const level = select(LEVELS.map((v) => ({ value: v, label: tOf(KEYS.INTERP_LEVEL, v) })), l.level || 'fluent', { id: uid('lang-level'), 'data-role': 'level' });
    const dialect = h('input', { type: 'text', id: uid('lang-dialect'), maxlength: 60, value: l.dialect || '', 'data-role': 'dialect' });
    const row = h('div', { class: 'form-row row-item' },
      h('div', { class: 'field' }, h('label', { for: code.id }, t('interp.language')), code),
      h('div', { class: 'field' }, h('label', { for: level.id }, t('interp.person.level')), level),
      h('div', { class: 'field' }, h('label', { for: dialect.id }, t('interp.person.dialect')), dialect));
    row.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => row.remove() }, t('interp.person.remove_language'))));
    langRows.append(row);
  }
  const weekRows = h('div', { class: 'rows', id: 'person-weekly' });
  function addHours(w = {}) {
    const day = select(DAYS.map((d) => ({ value: String(d), label: tOf(KEYS.INTERP_DAY, d) })), String(w.day || 1), { id: uid('week-day'), 'data-role': 'day' });
    const from = h('input', { type: 'time', id: uid('week-from'), value: w.from || '09:00', 'data-role': 'from' });
    const to = h('input', { type: 'time', id: uid('week-to'), value: w.to || '17:00', 'data-role': 'to' });
    const row = h('div', { class: 'form-row row-item' },
      h('div', { class: 'field' }, h('label', { for: day.id }, t('interp.person.day')), day),
      h('div', { class: 'field' }, h('label', { for: from.id }, t('interp.from')), from),
      h('div', { class: 'field' }, h('label', { for: to.id }, t('interp.to')), to));
    row.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => row.remove() }, t('interp.person.remove_hours'))));
    weekRows.append(row);
  }
  const leaveRows = h('div', { class: 'rows', id: 'person-exceptions' });
  function addLeave(x = {}) {
    const kind = select(['leave', 'extra'].map((k) => ({ value: k, label: tOf(KEYS.INTERP_PERSON_EXCEPTION, k) })), x.kind || 'leave', { id: uid('exc-kind'), 'data-role': 'kind' });
    const from = h('input', { type: 'datetime-local', id: uid('exc-from'), value: localInput(x.from), 'data-role': 'from' });
    const to = h('input', { type: 'datetime-local', id: uid('exc-to'), value: localInput(x.to), 'data-role': 'to' });
    const row = h('div', { class: 'form-row row-item' },
      h('div', { class: 'field' }, h('label', { for: kind.id }, t('interp.person.exception_kind')), kind),
      h('div', { class: 'field' }, h('label', { for: from.id }, t('interp.from')), from),
      h('div', { class: 'field' }, h('label', { for: to.id }, t('interp.to')), to));
    row.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small', onclick: () => row.remove() }, t('interp.person.remove_exception'))));
    leaveRows.append(row);
  }
  (cur?.languages?.length ? cur.languages : [{}]).forEach((l) => addLanguage(l));
  (cur ? cur.weekly : [{ day: 1 }, { day: 2 }, { day: 3 }, { day: 4 }, { day: 5 }]).forEach((w) => addHours(w));
  (cur?.exceptions || []).forEach((x) => addLeave(x));

  const siteBoxes = sites.map((s) => h('input', { type: 'checkbox', id: `person-site-${s.id}`, value: s.id, checked: cur?.sites?.includes(s.id) }));
  const remoteBoxes = ['video', 'phone'].map((m) => h('input', { type: 'checkbox', id: `person-remote-${m}`, value: m, checked: cur?.remote?.includes(m) }));
  const rate = h('input', { type: 'number', id: 'person-rate', min: '0', step: '0.01', inputmode: 'decimal',
    value: cur?.hourly_rate != null ? (cur.hourly_rate / 100).toFixed(2) : '' });
  const currency = h('input', { type: 'text', id: 'person-currency', maxlength: 3, autocomplete: 'off', value: cur?.currency || 'BAM' });
  const active = h('input', { type: 'checkbox', id: 'person-active', checked: cur ? cur.active : true });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'person-submit' }, id ? t('interp.person.save') : t('interp.person.create'));
  const addButton = (key, fn, bid) => h('button', { type: 'button', class: 'btn btn-small', id: bid, onclick: () => fn() }, t(key));

  const form = h('form', { id: 'person-form', novalidate: true },
    h('div', { class: 'form-row' },
      field({ label: t('interp.people.name'), input: name, name: 'name' }),
      field({ label: t('interp.person.gender_label'), input: gender, name: 'gender' }),
      field({ label: t('interp.person.time_zone'), input: zone, name: 'time_zone', hint: t('interp.person.time_zone_hint') })),
    zoneList,
    fieldset({ legend: t('interp.people.languages'), name: 'languages', children: [langRows, addButton('interp.person.add_language', addLanguage, 'person-add-language')] }),
    fieldset({ legend: t('interp.person.sites_legend'), name: 'sites', children: siteBoxes.map((c) => h('label', { for: c.id, class: 'check' }, c, ' ', sites.find((s) => s.id === c.value).name)) }),
    fieldset({ legend: t('interp.people.remote'), name: 'remote', children: remoteBoxes.map((c) => h('label', { for: c.id, class: 'check' }, c, ' ', tOf(KEYS.INTERP_MODE, c.value))) }),
    fieldset({ legend: t('interp.person.weekly_legend'), name: 'weekly', hint: t('interp.person.weekly_hint'), children: [weekRows, addButton('interp.person.add_hours', addHours, 'person-add-hours')] }),
    fieldset({ legend: t('interp.person.exceptions_legend'), name: 'exceptions', children: [leaveRows, addButton('interp.person.add_exception', addLeave, 'person-add-exception')] }),
    h('div', { class: 'form-row' },
      field({ label: t('interp.person.rate'), input: rate, name: 'hourly_rate' }),
      field({ label: t('interp.person.currency'), input: currency, name: 'currency', hint: t('interp.person.currency_hint') }),
      h('div', { class: 'field' }, h('label', { for: active.id, class: 'check' }, active, ' ', t('interp.person.active')))),
    h('div', { class: 'actions' }, submit, h('a', { class: 'btn', href: '/interp/interpreters' }, t('interp.person.back'))));
  clearErrorsOnEdit(form);

  // The interpreter as entered, with every problem found: [body, errors].
  function read() {
    const errors = [];
    const body = { name: name.value.trim(), gender: gender.value, time_zone: zone.value.trim() };
    if (!body.name) errors.push(invalid('name'));
    if (!body.gender) errors.push(invalid('gender'));
    if (!body.time_zone) errors.push(invalid('time_zone'));
    const role = (row, r) => row.querySelector(`[data-role="${r}"]`).value;
    body.languages = [...langRows.children].map((row) => {
      const l = { code: role(row, 'code'), level: role(row, 'level') };
      if (role(row, 'dialect').trim()) l.dialect = role(row, 'dialect').trim();
      return l;
    });
    if (!body.languages.length || body.languages.some((l) => !l.code)) errors.push(invalid('languages'));
    body.sites = siteBoxes.filter((c) => c.checked).map((c) => c.value);
    body.remote = remoteBoxes.filter((c) => c.checked).map((c) => c.value);
    body.weekly = [...weekRows.children].map((row) => ({ day: Number(role(row, 'day')), from: role(row, 'from'), to: role(row, 'to') }));
    if (body.weekly.some((w) => !/^\d\d:\d\d$/.test(w.from) || !/^\d\d:\d\d$/.test(w.to) || w.from >= w.to)) errors.push(invalid('weekly'));
    body.exceptions = [...leaveRows.children].map((row) => ({ kind: role(row, 'kind'), from: role(row, 'from'), to: role(row, 'to') }));
    if (body.exceptions.some((x) => !x.from || !x.to || x.from >= x.to)) errors.push(invalid('exceptions'));
    body.exceptions = body.exceptions.map((x) => ({ kind: x.kind, from: x.from && new Date(x.from).toISOString(), to: x.to && new Date(x.to).toISOString() }));
    if (rate.value !== '') {
      const v = Number(rate.value);
      if (!Number.isFinite(v) || v < 0) errors.push(invalid('hourly_rate'));
      else body.hourly_rate = Math.round(v * 100);
    } else if (rate.validity.badInput) errors.push(invalid('hourly_rate'));
    const c = currency.value.trim().toUpperCase();
    if (c && !/^[A-Z]{3}$/.test(c)) errors.push(invalid('currency'));
    if (c) body.currency = c;
    body.active = active.checked;
    return [body, errors];
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const [body, errors] = read();
    if (errors.length) { showErrors(form, errors, 'interpreter'); return; }
    await busy(submit, async () => {
      try {
        const saved = id ? await patch(`/api/v1/interp/interpreters/${encodeURIComponent(id)}`, body)
          : await post('/api/v1/interp/interpreters', body);
        announce(t('interp.person.saved', { name: saved.name }));
        app.navigate('/interp/interpreters');
      } catch (err) { showErrors(form, err, 'interpreter'); }
    });
  });

  root.append(h('h1', {}, title),
    h('p', {}, h('a', { href: '/interp/interpreters' }, t('interp.people.title'))),
    h('section', { class: 'card', 'aria-label': title }, form));
}
