// Surveys: the forms this team fills (kept on the phone for offline work), and the
// import of a new form or a new version from an XLSForm workbook (.xlsx). A form Haven
// cannot evaluate is refused with every problem by sheet, row and column.
import { h, announce } from '../dom.js';
import { t, fmtNumber, fmtDateTime } from '../i18n.js';
import { cachedGet, cachePut } from '../offline.js';
import { frame } from '../outreach/common.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export default async function render({ root, app }) {
  frame(root, app, 'outreach.forms.title');
  const listBox = h('section', { id: 'forms-list', 'aria-labelledby': 'forms-h' }, h('h2', { id: 'forms-h', class: 'visually-hidden' }, t('outreach.forms.title')));
  root.append(listBox);
  const draw = async () => {
    const forms = await cachedGet('/api/v1/outreach/forms');
    // Keep each form's definition on the phone, so that it can be filled offline.
    if (navigator.onLine) await Promise.all(forms.items.map((f) => cachedGet(`/api/v1/outreach/forms/${f.id}`).catch(() => null)));
    listBox.replaceChildren(listBox.firstChild, forms.items.length ? h('ul', { class: 'or-form-list' }, forms.items.map((f) => h('li', { class: 'card', dataset: { form: f.form_id } },
      h('h3', {}, f.title), h('p', { class: 'muted' }, t('outreach.forms.meta', { version: f.version, n: fmtNumber(f.submissions), when: fmtDateTime(f.imported_at) })),
      h('div', { class: 'actions' },
        app.can('outreach.write') ? h('a', { class: 'btn-primary', href: `/outreach/forms/${f.id}/fill` }, t('outreach.forms.fill')) : null,
        h('a', { class: 'btn', href: `/outreach/forms/${f.id}` }, t('outreach.forms.results'))))))
      : h('p', { class: 'muted' }, t('outreach.forms.none')));
  };
  await draw();
  if (!app.can('outreach.forms')) return;
  const file = h('input', { type: 'file', id: 'form-file', accept: `.xlsx,${XLSX}` });
  const result = h('div', { id: 'form-import-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'form-import', 'aria-labelledby': 'import-h' },
    h('h2', { id: 'import-h' }, t('outreach.forms.import')), h('p', { class: 'hint' }, t('outreach.forms.import_hint', { format: 'XLSForm', ext: '.xlsx', sheets: 'survey, choices, settings', key: 'form_id' })),
    h('div', { class: 'field' }, h('label', { for: 'form-file' }, t('outreach.forms.file')), file),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn-primary', id: 'form-import-submit' }, t('outreach.forms.import_button'))),
    result);
  root.append(form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    result.replaceChildren();
    if (!file.files.length) { result.append(h('p', { class: 'form-error', role: 'alert' }, t('outreach.forms.choose_file'))); return; }
    let res;
    try {
      res = await fetch('/api/v1/outreach/forms', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': XLSX, Accept: 'application/json' }, body: await file.files[0].arrayBuffer() });
    } catch {
      result.append(h('p', { class: 'form-error', role: 'alert' }, t('outreach.forms.import_offline')));
      return;
    }
    const json = await res.json().catch(() => ({}));
    if (res.ok) {
      await cachePut(`get:/api/v1/outreach/forms/${json.id}`, json);
      result.append(h('p', { class: 'notice notice-ok', id: 'form-imported' }, t('outreach.forms.imported', { title: json.title, version: json.version })));
      announce(t('outreach.forms.imported', { title: json.title, version: json.version }));
      await draw();
      return;
    }
    const problems = json.problems || [];
    result.append(h('div', { class: 'form-error', role: 'alert', id: 'form-problems' },
      h('p', {}, problems.length ? t('outreach.forms.refused', { n: problems.length }) : (json.error?.message || t('errors.internal'))),
      problems.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('outreach.forms.import') }, h('table', {},
        h('thead', {}, h('tr', {}, ['outreach.forms.sheet', 'outreach.forms.row', 'outreach.forms.column', 'outreach.forms.reason'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, problems.map((p) => h('tr', {}, h('td', {}, p.sheet), h('td', { class: 'num' }, String(p.row)), h('td', {}, p.column || ''), h('td', {}, p.message)))))) : null));
  });
}
