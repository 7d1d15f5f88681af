// Form fields with their label, hint and error wired for screen readers, and the
// mapping of API errors to messages in the user's language.
import { h, newId } from './dom.js';
import { t, has } from './i18n.js';
import { ApiError } from './api.js';

// A labelled field: {label, input, hint, name}. `name` is the API field whose errors
// are shown here. Returns the wrapper element.
export function field({ label, input, hint, name, className }) {
  if (!input.id) input.id = newId('in');
  const errId = `${input.id}-err`;
  const hintEl = hint ? h('p', { class: 'hint', id: `${input.id}-hint` }, hint) : null;
  const errEl = h('p', { class: 'field-error', id: errId, hidden: true });
  const describedBy = [hintEl && hintEl.id, errId].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  return h('div', { class: ['field', className], dataset: name ? { field: name } : {} },
    h('label', { for: input.id }, label), input, hintEl, errEl);
}

// A group of radio buttons or checkboxes under a legend.
export function fieldset({ legend, children, name, className, hint }) {
  const errEl = h('p', { class: 'field-error', id: newId('err'), hidden: true });
  return h('fieldset', { class: ['field', className], dataset: name ? { field: name } : {} },
    h('legend', {}, legend), hint ? h('p', { class: 'hint' }, hint) : null, children, errEl);
}

// The text to show for an API error, most particular first: a message-file string for
// this form's field (errors.<context>.field.<field>); the server's message key with its
// parameters (errors.key.<key>: "at most {max} characters"), except that a missing
// required field reads better as the field's own prompt (errors.field.<field>); the
// code (errors.<context>.<code>, errors.<code>); else the server's own English.
export function errorMessage(err, context) {
  const keyed = err.key && has(`errors.key.${err.key}`) ? t(`errors.key.${err.key}`, err.params) : null;
  if (context && err.field && has(`errors.${context}.field.${err.field}`)) return t(`errors.${context}.field.${err.field}`);
  if (keyed && err.key !== 'required') return keyed;
  if (err.code === 'invalid' && err.field && has(`errors.field.${err.field}`)) return t(`errors.field.${err.field}`);
  if (keyed) return keyed;
  if (context && has(`errors.${context}.${err.code}`)) return t(`errors.${context}.${err.code}`);
  if (err.code !== 'invalid' && has(`errors.${err.code}`)) return t(`errors.${err.code}`);
  return err.message || t('errors.internal');
}

// Removes every error shown in the form.
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const box = form.querySelector('.form-error');
  if (box) { box.hidden = true; box.textContent = ''; }
  form.querySelector('.error-summary')?.remove();
}

// Shows an API error next to the field it names (focusing that field), or in the
// form's error box. Returns the message shown.
export function showError(form, err, context) {
  const msg = errorMessage(err, context);
  const wrap = err.field ? form.querySelector(`[data-field="${CSS.escape(err.field)}"]`) : null;
  if (wrap) {
    const errEl = wrap.querySelector(':scope > .field-error') || wrap.querySelector('.field-error');
    errEl.textContent = msg;
    errEl.hidden = false;
    const input = wrap.querySelector('input, select, textarea');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      if (!input.getAttribute('aria-describedby')?.includes(errEl.id)) {
        input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${errEl.id}`.trim());
      }
      input.focus();
    }
    return msg;
  }
  let box = form.querySelector('.form-error');
  if (!box) {
    box = h('div', { class: 'form-error', role: 'alert' });
    form.prepend(box);
  }
  box.textContent = msg;
  box.hidden = false;
  return msg;
}

// A <select> of [{value, label}] with `selected` chosen.
export function select(options, selected, attrs = {}) {
  return h('select', attrs, options.map((o) =>
    h('option', { value: o.value, selected: o.value === selected }, o.label)));
}

// Sets the busy state of a submit button while a request runs.
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try { return await fn(); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
}

// Shows every problem of a form at once: each at its field (as showError does) and,
// with more than one or in a long form, an error summary at the top of the form whose
// links move to the fields. errors: [{field, code, key, params}] (a thrown error with
// .errors, or one API error). Focuses the summary, or the only field. Returns the
// messages shown.
export function showErrors(form, errors, context, { summary = true } = {}) {
  const list = Array.isArray(errors) ? errors : (errors.errors || [errors]);
  clearSummary(form);
  if (!list.length) return [];
  const shown = [];
  const links = [];
  for (const err of list) {
    const msg = errorMessage(err, context);
    shown.push(msg);
    const wrap = err.field ? form.querySelector(`[data-field="${CSS.escape(err.field)}"]`) : null;
    const input = wrap && (wrap.querySelector('input:not([type=hidden]), select, textarea'));
    if (!wrap || !input) {
      showError(form, err, context);
      continue;
    }
    const errEl = wrap.querySelector(':scope > .field-error') || wrap.querySelector('.field-error');
    errEl.textContent = msg;
    errEl.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    if (!input.getAttribute('aria-describedby')?.includes(errEl.id)) {
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${errEl.id}`.trim());
    }
    if (!input.id) input.id = newId('in');
    links.push(h('li', { dataset: { for: err.field } }, h('a', { href: `#${input.id}`, onclick: (e) => {
      e.preventDefault();
      input.focus();
      input.scrollIntoView({ block: 'center' });
    } }, msg)));
  }
  if (summary && links.length > 1) {
    const box = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-h' },
      h('h2', { id: 'error-summary-h' }, t('forms.summary_title', { n: links.length })), h('ul', {}, links));
    form.prepend(box);
    box.focus();
  } else if (links.length) {
    form.querySelector(`#${CSS.escape(links[0].querySelector('a').getAttribute('href').slice(1))}`)?.focus();
  }
  return shown;
}

function clearSummary(form) {
  form.querySelector('.error-summary')?.remove();
}

// A field's error goes away when the field is changed (it is checked again at the
// next submit), and its line leaves the summary; the summary goes with its last line.
export function clearErrorsOnEdit(form) {
  const clear = (e) => {
    const wrap = e.target.closest('[data-field]');
    if (!wrap || !form.contains(wrap)) return;
    const errEl = wrap.querySelector(':scope > .field-error') || wrap.querySelector('.field-error');
    if (errEl && !errEl.hidden) { errEl.hidden = true; errEl.textContent = ''; }
    for (const el of wrap.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const summary = form.querySelector('.error-summary');
    if (summary) {
      summary.querySelector(`li[data-for="${CSS.escape(wrap.dataset.field)}"]`)?.remove();
      if (!summary.querySelector('li')) summary.remove();
    }
  };
  form.addEventListener('input', clear);
  form.addEventListener('change', clear);
}

// "12.03.1995", "12/3/1995", "1995-03-12" -> "1995-03-12"; null when not a real date.
export function parseDate(text) {
  const s = text.trim();
  let m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  let y, mo, d;
  if (m) [y, mo, d] = [m[1], m[2], m[3]].map(Number);
  else if ((m = s.match(/^(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})\.?$/))) [d, mo, y] = [m[1], m[2], m[3]].map(Number);
  else return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// "1995-03-12" -> "12.03.1995", as the date fields show a date.
export function dmy(ymd) {
  if (!/^\d{4}-\d{2}-\d{2}/.test(ymd || '')) return ymd || '';
  const [y, m, d] = ymd.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

// A date field typed as day.month.year, as the desk's date of birth is, in every
// language: <input type=date> follows the browser's own locale (mm/dd/yyyy in an
// American Chromium), not the page's. attrs.value is an ISO date ("2026-12-05") or
// empty. Read it with dateValue().
export function dateInput(attrs = {}) {
  const { value, ...rest } = attrs;
  const input = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '11', class: 'date-input',
    placeholder: t('forms.date_placeholder'), ...rest });
  input.value = dmy(value);
  return input;
}

// The ISO date in a date field ("" when it is empty). A text that is not a real date
// throws an ApiError (400) for the field's API name (its wrapper's data-field), which
// showError / showErrors put at the field ("Enter a date (day, month and year).").
export function dateValue(input) {
  if (!input.value.trim()) return '';
  const d = parseDate(input.value);
  if (d) return d;
  throw new ApiError(400, 'invalid', 'not a date', input.closest('[data-field]')?.dataset.field || input.name, 'date_format', {});
}
