// Pieces shared by the centres' pages (distributions, feedback, sessions): a figure
// tile, a table, a site picker, a person finder and labels from the server's code lists.
import { h, bdi, personName, debounce, newId } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtNumber, localeCode } from '../i18n.js';
import { select } from '../forms.js';

// The name of a code-list entry ({en, bs, sr}) in the interface's language.
export function label(entry) {
  if (!entry) return '';
  const code = localeCode();
  return (code === 'sr-Cyrl' ? entry.sr : code === 'bs' ? entry.bs : entry.en) || entry.en || entry.code;
}

// The name of an item of the distribution catalogue.
export function itemName(item) {
  if (!item) return '';
  const code = localeCode();
  return (code === 'sr-Cyrl' ? item.name_sr : code === 'bs' ? item.name_bs : item.name_en) || item.code;
}

export function kpi(text, value, id, warn = false) {
  return h('div', { class: ['kpi', warn ? 'kpi-warn' : null], id },
    h('p', { class: 'kpi-label' }, text), h('p', { class: 'kpi-value' }, typeof value === 'number' ? fmtNumber(value) : value));
}

// A table: columns [{key (message key), num, cell(row)}]; empty -> the message.
export function table(id, caption, columns, rows, empty) {
  if (!rows.length) return h('p', { class: 'muted', id: `${id}-empty` }, empty);
  return h('div', { class: 'table-wrap' }, h('table', { id },
    h('caption', { class: caption.visible ? null : 'visually-hidden' }, caption.text ?? caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, t(c.key))))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: r.id ? { id: r.id } : {} },
      columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell(r))))))));
}

// A labelled <select> of the user's sites.
export function sitePicker(sites, selected, id, allLabel) {
  const options = sites.map((s) => ({ value: s.id, label: s.name }));
  if (allLabel) options.unshift({ value: '', label: allLabel });
  const sel = select(options, selected ?? (allLabel ? '' : sites[0]?.id), { id, name: 'site' });
  return { select: sel, field: h('div', { class: 'field' }, h('label', { for: id }, t('centres.site')), sel) };
}

// A search box that lists matching people; onPick(person) when one is chosen.
export function personFinder({ id, siteId, onPick, labelKey = 'centres.find_person' }) {
  const input = h('input', { type: 'search', id, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-hint` });
  const list = h('ul', { class: 'finder-list', id: `${id}-results`, 'aria-live': 'polite' });
  let seq = 0;
  const run = debounce(async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) { list.replaceChildren(); return; }
    const r = await get(withQuery('/api/v1/persons', { q, site: siteId ? siteId() : '', limit: 8 }));
    if (mine !== seq) return;
    list.replaceChildren(...(r.items.length ? r.items.map((p) => h('li', {},
      h('button', { type: 'button', class: 'link-button finder-pick', dataset: { person: p.id }, onclick: () => { list.replaceChildren(); onPick(p); } },
        bdi(personName(p)), ' ', h('span', { class: 'reg-no' }, p.reg_no))))
      : [h('li', { class: 'muted' }, t('centres.nobody_found'))]));
  }, 250);
  input.addEventListener('input', run);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); run.cancel(); run(); }
  });
  return h('div', { class: 'field finder' }, h('label', { for: id }, t(labelKey)), input,
    h('p', { class: 'hint', id: `${id}-hint` }, t('centres.find_hint')), list);
}

// "Family, Given REG-NO" for a person summary.
export function personLabel(p) {
  if (!p) return '—';
  return [bdi(personName(p)), ' ', h('span', { class: 'reg-no' }, p.reg_no)];
}

// A number input with its label.
export function numberField(labelText, value, attrs = {}) {
  const input = h('input', { type: 'number', inputmode: 'numeric', value, id: attrs.id || newId('n'), ...attrs });
  return { input, field: h('div', { class: 'field' }, h('label', { for: input.id }, labelText), input) };
}
