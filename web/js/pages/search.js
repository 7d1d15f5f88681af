// Search: one box for a name in any spelling or script, a registration number, a
// phone number or an id.
import { h, bdi, personName, debounce, announce } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, tn, fmtBirth, fmtDate, codeName } from '../i18n.js';

export default async function render({ root, query, app }) {
  app.setTitle(t('search.title'));
  const box = h('input', { type: 'search', id: 'search-q', name: 'q', value: query.get('q') || '', autocomplete: 'off', spellcheck: 'false' });
  const status = h('p', { id: 'search-status', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', id: 'search-more', hidden: true }, t('search.more'));
  const sites = await app.sites();
  const siteName = (id) => sites.find((s) => s.id === id)?.name || '';
  let cursor = null;
  let count = 0;
  let seq = 0;

  function row(p) {
    return h('tr', {},
      h('td', {}, h('a', { href: `/persons/${encodeURIComponent(p.id)}` }, bdi(personName(p))),
        p.native_name ? [h('br'), h('bdi', { dir: 'auto', class: 'native' }, p.native_name)] : null),
      h('td', { class: 'reg-no' }, p.reg_no), h('td', {}, fmtBirth(p)), h('td', {}, codeName('countries', p.citizenship)),
      h('td', {}, siteName(p.registration_site_id)), h('td', {}, fmtDate(p.registered_at.slice(0, 10))));
  }

  // A candidate reference the desk was given ("C-" and 12 characters): a supervisor who
  // may see that person opens it here (the server audits it; others learn nothing).
  async function openReference(q, mine) {
    let p = null;
    try {
      p = await get(`/api/v1/candidate-refs/${encodeURIComponent(q)}`);
    } catch (e) {
      if (e.status !== 404) throw e;
    }
    if (mine !== seq) return;
    more.hidden = true;
    tbody.replaceChildren(...(p ? [row({ ...p, id: p.person_id })] : []));
    count = p ? 1 : 0;
    status.textContent = p ? t('search.reference_found', { q }) : t('search.reference_not_found', { q });
  }

  async function load(append) {
    const q = box.value.trim();
    const mine = ++seq;
    if (!append && /^C-[A-Za-z0-9]{12}$/.test(q)) {
      history.replaceState(null, '', withQuery('/search', { q }));
      return openReference(q, mine);
    }
    if (!append) {
      cursor = null;
      count = 0;
      history.replaceState(null, '', withQuery('/search', { q }));
    }
    const r = await get(withQuery('/api/v1/persons', { q, limit: 25, cursor: append ? cursor : '' }));
    if (mine !== seq) return;
    if (!append) tbody.replaceChildren();
    tbody.append(...r.items.map(row));
    count += r.items.length;
    cursor = r.next_cursor;
    more.hidden = !cursor || r.items.length === 0;
    status.textContent = q ? tn('search.found', count, { q }) + (cursor ? ` ${t('search.more_exist')}` : '')
      : t('search.recent');
    if (!count) status.textContent = q ? t('search.nothing', { q }) : t('search.none_yet');
  }

  const typed = debounce(() => load(false), 300);
  box.addEventListener('input', typed);
  const form = h('form', { role: 'search', class: 'toolbar', onsubmit: (e) => { e.preventDefault(); typed.cancel(); load(false).then(() => announce(status.textContent)); } },
    h('div', { class: 'field search-field' }, h('label', { for: 'search-q' }, t('search.label')),
      h('div', { class: 'search-row' }, box, h('button', { type: 'submit', class: 'btn-primary' }, t('search.submit'))),
      h('p', { class: 'hint', id: 'search-q-hint' }, t('search.hint'))));
  box.setAttribute('aria-describedby', 'search-q-hint');
  more.addEventListener('click', () => load(true));
  root.append(h('h1', {}, t('search.title')), form, status,
    h('div', { class: 'table-wrap' }, h('table', { id: 'search-results' },
      h('caption', { class: 'visually-hidden' }, t('search.results')),
      h('thead', {}, h('tr', {}, ['board.name', 'person.reg_no', 'person.born', 'person.citizenship', 'search.registered_at', 'search.registered_on']
        .map((k) => h('th', { scope: 'col' }, t(k))))), tbody)),
    h('div', { class: 'pager' }, more));
  await load(false);
  box.focus();
}
