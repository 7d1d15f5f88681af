// The audit log for those who may read it (administrator): who did what to which
// record, and when; searchable by actor, action, entity and dates, a page at a time,
// newest first. The search is kept in the address. The server pages with a cursor, so
// "Newer" goes back through the cursors already seen.
import { h, announce } from '../dom.js';
import { get, withQuery, ApiError } from '../api.js';
import { t, fmtDateTime, fmtNumber } from '../i18n.js';
import { errorMessage, select, dateInput, parseDate } from '../forms.js';

const PAGE = 50;
const FILTERS = ['actor', 'action', 'entity', 'id', 'from', 'to'];
// The actions modules record; the list is a help, the search takes any of them.
export const ACTIONS = ['read', 'create', 'update', 'login', 'login_failed', 'logout', 'check_in', 'check_out',
  'transfer', 'transition', 'close', 'merge', 'unmerge', 'mark_distinct', 'break_glass', 'export', 'import'];

// An action's name in the user's language; an action without one as it is.
export function actionName(code) {
  const key = `audit.action.${code}`;
  const s = t(key);
  return s === key ? code : s;
}

// An entity's name in the user's language ("protection_case" -> "Protection case").
export function entityName(code) {
  const key = `audit.entity.${code}`;
  const s = t(key);
  return s === key ? code : s;
}

export default async function render({ root, query, app }) {
  app.setTitle(t('audit.title'));
  const st = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const cursors = [query.get('cursor') || '']; // the cursor of each page shown so far
  let seq = 0;

  const input = (name, attrs = {}) => h('input', { id: `audit-${name}`, name, value: st[name], ...attrs });
  const actor = input('actor', { type: 'search', autocomplete: 'off' });
  const action = select([{ value: '', label: t('audit.any_action') }, ...ACTIONS.map((a) => ({ value: a, label: actionName(a) }))],
    st.action, { id: 'audit-action', name: 'action' });
  if (st.action && !ACTIONS.includes(st.action)) action.append(h('option', { value: st.action, selected: true }, actionName(st.action)));
  const entity = input('entity', { type: 'search', autocomplete: 'off', 'aria-describedby': 'audit-entity-hint' });
  // Days typed as day.month.year, as on every other form (the browser's own date field
  // would say mm/dd/yyyy in an English browser).
  const from = dateInput({ id: 'audit-from', name: 'from', value: st.from });
  const to = dateInput({ id: 'audit-to', name: 'to', value: st.to });
  const fld = (el, key, hint) => h('div', { class: 'field', dataset: { field: el.name } },
    h('label', { for: el.id }, t(key)), el,
    hint ? h('p', { class: 'hint', id: `${el.id}-hint` }, hint) : null,
    h('p', { class: 'field-error', id: `${el.id}-error`, hidden: true }));
  const form = h('form', { class: 'toolbar', id: 'audit-search', role: 'search', 'aria-label': t('audit.search') },
    fld(actor, 'audit.actor'), fld(action, 'audit.action'), fld(entity, 'audit.entity', t('audit.entity_hint')),
    fld(from, 'audit.from'), fld(to, 'audit.to'),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('audit.search_button'))),
    h('div', { class: 'field' }, h('button', { type: 'button', class: 'btn', id: 'audit-clear' }, t('audit.clear'))));
  const idNote = h('p', { class: 'notice', id: 'audit-record', hidden: true });
  const problem = h('div', { class: 'form-error', role: 'alert', id: 'audit-error', hidden: true });
  const tbody = h('tbody');
  const empty = h('p', { class: 'notice', id: 'audit-none', hidden: true }, t('audit.none'));
  const columns = ['audit.when', 'audit.actor', 'audit.action', 'audit.entity', 'audit.record', 'audit.address'];
  const tableWrap = h('div', { class: 'table-wrap', hidden: true }, h('table', { id: 'audit-log' },
    h('caption', { class: 'visually-hidden' }, t('audit.caption')),
    h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))), tbody));
  const count = h('p', { id: 'audit-count', 'aria-live': 'polite' });
  const newer = h('button', { type: 'button', class: 'btn', id: 'audit-newer' }, t('audit.newer'));
  const older = h('button', { type: 'button', class: 'btn', id: 'audit-older' }, t('audit.older'));
  let nextCursor = null;

  function remember() {
    const q = Object.fromEntries(FILTERS.map((k) => [k, st[k]]));
    history.replaceState(null, '', withQuery(location.pathname, { ...q, cursor: cursors[cursors.length - 1] }));
  }

  function row(item) {
    return h('tr', { dataset: { seq: String(item.seq) } },
      h('td', {}, h('time', { datetime: item.at }, fmtDateTime(item.at))),
      h('td', {}, h('bdi', {}, item.actor_name || item.actor_id || '—')),
      h('td', {}, actionName(item.action)),
      h('td', {}, entityName(item.entity)),
      h('td', { class: 'reg-no' }, item.entity_id ? h('button', {
        type: 'button', class: 'link-button', 'aria-label': t('audit.only_record', { id: item.entity_id }),
        onclick: () => { st.entity = item.entity; st.id = item.entity_id; entity.value = st.entity; search(); },
      }, item.entity_id) : '—'),
      h('td', {}, item.address || ''));
  }

  async function load() {
    const mine = ++seq;
    remember();
    idNote.hidden = !st.id;
    idNote.replaceChildren(...(st.id ? [t('audit.one_record', { entity: entityName(st.entity), id: st.id }), ' ',
      h('button', { type: 'button', class: 'link-button', id: 'audit-all-records', onclick: () => { st.id = ''; search(); } }, t('audit.all_records'))] : []));
    for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    let r;
    try {
      const q = Object.fromEntries(FILTERS.map((k) => [k, st[k]]));
      r = await get(withQuery('/api/v1/audit', { ...q, limit: PAGE, cursor: cursors[cursors.length - 1] }));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 401 || mine !== seq) throw e;
      const msg = errorMessage(e, 'audit');
      const wrap = e.field && form.querySelector(`[data-field="${CSS.escape(e.field)}"]`);
      if (wrap) {
        const err = wrap.querySelector('.field-error');
        err.textContent = msg;
        err.hidden = false;
        const el = wrap.querySelector('input, select');
        el.setAttribute('aria-invalid', 'true');
        el.setAttribute('aria-describedby', err.id);
      }
      problem.textContent = msg;
      problem.hidden = false;
      tbody.replaceChildren();
      tableWrap.hidden = true;
      empty.hidden = true;
      count.textContent = '';
      newer.disabled = true;
      older.disabled = true;
      return;
    }
    if (mine !== seq) return;
    problem.hidden = true;
    tbody.replaceChildren(...r.items.map(row));
    tableWrap.hidden = !r.items.length;
    // A search that looked through many entries and found none here may find some further on.
    empty.textContent = t(r.items.length || !r.next_cursor ? 'audit.none' : 'audit.none_yet');
    empty.hidden = Boolean(r.items.length);
    nextCursor = r.next_cursor;
    count.textContent = r.items.length
      ? t('audit.showing', { page: fmtNumber(cursors.length), n: fmtNumber(r.items.length) }) : '';
    newer.disabled = cursors.length === 1;
    older.disabled = !nextCursor;
  }

  function search() {
    cursors.length = 0;
    cursors.push('');
    return load();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    st.actor = actor.value.trim();
    st.action = action.value;
    if (entity.value.trim() !== st.entity) st.id = '';
    st.entity = entity.value.trim();
    // Not a date: sent as typed, and the server's refusal is shown at the field.
    st.from = parseDate(from.value) || from.value.trim();
    st.to = parseDate(to.value) || to.value.trim();
    search().then(() => announce(count.textContent || problem.textContent || empty.textContent));
  });
  form.querySelector('#audit-clear').addEventListener('click', () => {
    for (const k of FILTERS) st[k] = '';
    for (const el of [actor, action, entity, from, to]) el.value = '';
    search().then(() => { actor.focus(); announce(t('audit.cleared')); });
  });
  older.addEventListener('click', () => { if (nextCursor) { cursors.push(String(nextCursor)); load(); } });
  newer.addEventListener('click', () => { if (cursors.length > 1) { cursors.pop(); load(); } });

  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('audit.title')), h('p', { class: 'muted' }, t('audit.lead'))),
    form, idNote, problem, empty, tableWrap,
    h('div', { class: 'pager' }, count, newer, older));
  await load();
}
