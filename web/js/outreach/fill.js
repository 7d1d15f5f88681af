// Filling an XLSForm in the browser: one field per question, groups as fieldsets,
// relevance and calculations updated as the user types, required answers and
// constraints checked before saving, with the form's own messages in the interface's
// language. The server checks the same rules again (src/outreach/formcheck.c).
import { h, newId } from '../dom.js';
import { t } from '../i18n.js';
import { dateInput, parseDate } from '../forms.js';
import { parse, evaluate, toBool, toText } from './expr.js';
import { formText } from './common.js';

const SKIP = new Set(['begin_group', 'end_group', 'note']);
const META = new Set(['start', 'end', 'today']);

// Answers as ODK keeps them: text, numbers as text, select_multiple joined by spaces.
function asText(v) {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join(' ');
  if (typeof v === 'number') return toText({ t: 'num', v });
  return String(v);
}

function isEmpty(v) {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'number' && Number.isNaN(v));
}

// Renders def into an element; initial holds answers to start from (a fix).
// Returns {element, collect() -> {data} or null when something must be fixed,
// showServerError(error)}.
export function renderForm(def, initial = {}) {
  const langs = def.languages || [];
  const text = (o) => formText(o, langs);
  const trees = new Map();
  const tree = (src) => {
    if (!trees.has(src)) trees.set(src, parse(src));
    return trees.get(src);
  };
  const answers = { ...initial };
  const startedAt = new Date().toISOString();
  const widgets = new Map(); // name -> {q, wrap, read(), error}
  const root = h('div', { class: 'or-form' });
  const stack = [root];

  for (const q of def.questions) {
    const parent = stack[stack.length - 1];
    if (q.type === 'begin_group') {
      const box = h('fieldset', { class: 'or-group', dataset: { group: q.name } }, h('legend', {}, text(q.label) || q.name));
      parent.append(box);
      stack.push(box);
      widgets.set(q.name, { q, wrap: box });
      continue;
    }
    if (q.type === 'end_group') { if (stack.length > 1) stack.pop(); continue; }
    if (META.has(q.type) || q.type === 'calculate') { widgets.set(q.name, { q, wrap: null }); continue; }
    if (q.type === 'note') {
      const wrap = h('p', { class: 'notice or-note', dataset: { question: q.name } }, text(q.label));
      parent.append(wrap);
      widgets.set(q.name, { q, wrap });
      continue;
    }
    const w = makeWidget(q, def, text, answers);
    parent.append(w.wrap);
    widgets.set(q.name, w);
  }

  // Values as the expressions see them, and relevance of each question, in form order.
  function refresh() {
    const values = {};
    for (const [name, w] of widgets) if (w.read) answers[name] = w.read();
    for (const [name, v] of Object.entries(answers)) values[name] = asText(v);
    const lookup = (n) => values[n] ?? '';
    const relevantNow = new Map();
    const groups = [true];
    for (const q of def.questions) {
      if (q.type === 'end_group') { if (groups.length > 1) groups.pop(); continue; }
      let rel = groups[groups.length - 1];
      if (rel && q.relevant) rel = toBool(evaluate(tree(q.relevant), { lookup }));
      if (q.type === 'begin_group') groups.push(rel);
      relevantNow.set(q.name, rel);
      const w = widgets.get(q.name);
      if (w && w.wrap) w.wrap.hidden = !rel;
      if (!rel) values[q.name] = '';
      if (q.type === 'calculate') {
        const v = rel ? evaluate(tree(q.calculation), { lookup }) : null;
        const s = v ? toText(v) : '';
        answers[q.name] = s === 'NaN' ? '' : s;
        values[q.name] = answers[q.name];
      }
    }
    return { values, relevantNow, lookup };
  }
  root.addEventListener('input', () => refresh());
  root.addEventListener('change', () => refresh());
  refresh();

  function clearErrors() {
    for (const w of widgets.values()) if (w.error) { w.error.hidden = true; w.input?.removeAttribute('aria-invalid'); }
  }
  function showAt(name, message) {
    const w = widgets.get(name);
    if (!w || !w.error) return false;
    w.error.textContent = message;
    w.error.hidden = false;
    w.input?.setAttribute('aria-invalid', 'true');
    w.focus();
    return true;
  }

  function collect() {
    clearErrors();
    const { values, relevantNow } = refresh();
    const data = {};
    for (const q of def.questions) {
      if (SKIP.has(q.type) || !relevantNow.get(q.name)) continue;
      if (q.type === 'start') { data[q.name] = answers.start || startedAt; continue; }
      if (q.type === 'end') { data[q.name] = new Date().toISOString(); continue; }
      if (q.type === 'today') { data[q.name] = new Date().toISOString().slice(0, 10); continue; }
      const v = answers[q.name];
      if (q.type === 'calculate') { if (!isEmpty(v)) data[q.name] = v; continue; }
      const w = widgets.get(q.name);
      if (w.invalid && w.invalid()) return showAt(q.name, w.invalid()) && null;
      if (isEmpty(v)) {
        if (q.required) { showAt(q.name, text(q.required_message) || t('outreach.fill.required')); return null; }
        continue;
      }
      if (q.constraint) {
        const ok = toBool(evaluate(tree(q.constraint), { dot: asText(v), lookup: (n) => values[n] ?? '' }));
        if (!ok) { showAt(q.name, text(q.constraint_message) || t('outreach.fill.constraint')); return null; }
      }
      data[q.name] = v;
    }
    return { data, started_at: initial.start || startedAt, ended_at: new Date().toISOString() };
  }

  // An error the server gave on "data.<name>": shown at the question.
  function showServerError(error) {
    const name = (error.field || '').replace(/^data\./, '');
    return showAt(name, error.message);
  }

  return { element: root, collect, showServerError };
}

function makeWidget(q, def, text, answers) {
  const id = newId('q');
  const errId = `${id}-err`;
  const hint = text(q.hint);
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const error = h('p', { class: 'field-error', id: errId, hidden: true, role: 'alert' });
  const describedBy = [hintEl && hintEl.id, errId].filter(Boolean).join(' ');
  const label = `${text(q.label) || q.name}${q.required ? ' *' : ''}`;
  const start = answers[q.name] ?? q.default;
  const dataset = { field: `data.${q.name}`, question: q.name };
  if (q.type === 'select_one' || q.type === 'select_multiple') {
    const multi = q.type === 'select_multiple';
    const chosen = new Set(multi ? (Array.isArray(start) ? start : String(start || '').split(' ').filter(Boolean)) : [start]);
    const inputs = (def.choices[q.list] || []).map((c) => h('input', {
      type: multi ? 'checkbox' : 'radio', name: id, value: c.name, checked: chosen.has(c.name),
      'aria-describedby': describedBy,
    }));
    const wrap = h('fieldset', { class: 'field or-question', dataset },
      h('legend', {}, label), hintEl,
      h('div', { class: 'or-choices' }, inputs.map((input, i) => h('label', { class: 'choice' }, input, text(def.choices[q.list][i].label) || def.choices[q.list][i].name))),
      error);
    return {
      q, wrap, error, input: inputs[0],
      focus: () => inputs[0]?.focus(),
      read: () => (multi ? inputs.filter((i) => i.checked).map((i) => i.value) : (inputs.find((i) => i.checked)?.value ?? '')),
    };
  }
  let input;
  let invalid = null;
  let extra = null;
  if (q.type === 'integer' || q.type === 'decimal') {
    input = h('input', { id, type: 'number', step: q.type === 'integer' ? '1' : 'any', inputmode: q.type === 'integer' ? 'numeric' : 'decimal', value: start ?? '' });
    invalid = () => (input.validity.badInput || (input.value !== '' && q.type === 'integer' && !Number.isInteger(Number(input.value))) ? t('outreach.fill.number') : null);
  } else if (q.type === 'date') {
    input = dateInput({ id, value: start ?? '' });
    invalid = () => (input.value.trim() && !parseDate(input.value) ? t('errors.key.date_format') : null);
  } else if (q.type === 'geopoint') {
    input = h('input', { id, type: 'text', inputmode: 'decimal', value: start ?? '', placeholder: '44.8169 15.8708' });
    invalid = () => (input.value.trim() && !/^-?\d+(\.\d+)?\s+-?\d+(\.\d+)?(\s+-?\d+(\.\d+)?){0,2}$/.test(input.value.trim()) ? t('outreach.fill.geopoint') : null);
    extra = 'geolocation' in navigator ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => {
      navigator.geolocation.getCurrentPosition((p) => {
        input.value = `${p.coords.latitude.toFixed(6)} ${p.coords.longitude.toFixed(6)} ${Math.round(p.coords.altitude || 0)} ${Math.round(p.coords.accuracy || 0)}`;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, () => { error.textContent = t('outreach.fill.no_position'); error.hidden = false; }, { timeout: 15000 });
    } }, t('outreach.fill.use_position')) : null;
  } else if (q.appearance === 'multiline') {
    input = h('textarea', { id, rows: 3 }, start ?? '');
  } else {
    input = h('input', { id, type: 'text', value: start ?? '' });
  }
  input.setAttribute('aria-describedby', describedBy);
  const wrap = h('div', { class: 'field or-question', dataset }, h('label', { for: id }, label), hintEl, input, extra, error);
  const read = () => {
    const v = input.value;
    if (q.type === 'integer' || q.type === 'decimal') return v === '' ? '' : Number(v);
    if (q.type === 'date') return parseDate(v) || v.trim();
    return q.type === 'text' ? v : v.trim();
  };
  return { q, wrap, error, input, focus: () => input.focus(), read, invalid };
}
