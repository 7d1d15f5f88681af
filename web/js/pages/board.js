// A site's board: who is checked in now, searchable and sortable, a page at a time
// (a centre may hold 1,500 people), with check-out from the list.
import { h, bdi, personName, debounce, announce } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtNumber, fmtBirth, fmtDateTime, codeName, daysBetween, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { checkOutDialog } from '../components/checkout.js';

const PAGE = 50;
const COLUMNS = [
  { key: 'name', label: 'board.name', sort: 'name' },
  { key: 'reg', label: 'person.reg_no' },
  { key: 'sex', label: 'person.sex' },
  { key: 'born', label: 'person.born' },
  { key: 'cit', label: 'person.citizenship', sort: 'citizenship' },
  { key: 'bed', label: 'board.bed', sort: 'bed' },
  { key: 'in', label: 'board.checked_in', sort: 'checked_in_at' },
  { key: 'days', label: 'board.days', num: true },
];

export default async function render({ root, params, query, app }) {
  const siteId = params[0];
  const site = await get(`/api/v1/sites/${encodeURIComponent(siteId)}`);
  app.setTitle(site.name);
  const st = {
    q: query.get('q') || '', sort: query.get('sort') || 'name',
    order: query.get('order') === 'desc' ? 'desc' : 'asc', page: Math.max(0, Number(query.get('page') || 0) | 0),
  };
  const canOut = app.can('stay.write');
  const figures = h('p', { class: 'muted', id: 'board-figures' });
  const search = h('input', { type: 'search', id: 'board-q', value: st.q, autocomplete: 'off', spellcheck: 'false' });
  const thead = h('thead');
  const tbody = h('tbody');
  const count = h('p', { id: 'board-count', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', id: 'board-prev' }, t('common.previous'));
  const next = h('button', { type: 'button', class: 'btn', id: 'board-next' }, t('common.next'));
  let seq = 0;

  function remember() {
    history.replaceState(null, '', withQuery(location.pathname, {
      q: st.q, sort: st.sort === 'name' ? '' : st.sort, order: st.order === 'asc' ? '' : st.order, page: st.page || '' }));
  }

  function header() {
    thead.replaceChildren(h('tr', {}, COLUMNS.map((c) => {
      const sorted = c.sort && st.sort === c.sort;
      const ariaSort = sorted ? (st.order === 'asc' ? 'ascending' : 'descending') : null;
      const content = c.sort ? h('button', { type: 'button', class: 'sort-btn', dataset: { sort: c.sort },
        onclick: () => { st.order = sorted && st.order === 'asc' ? 'desc' : 'asc'; st.sort = c.sort; st.page = 0; load(); } },
      t(c.label), h('span', { class: 'arrow', 'aria-hidden': 'true' }, sorted ? (st.order === 'asc' ? '▲' : '▼') : '')) : t(c.label);
      return h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': ariaSort }, content);
    }), canOut ? h('th', { scope: 'col', class: 'sticky-end' }, h('span', { class: 'visually-hidden' }, t('common.actions'))) : null));
  }

  function row(item) {
    const p = item.person;
    const out = canOut ? h('td', { class: 'sticky-end' }, h('button', { type: 'button', class: 'btn-danger btn-small',
      'aria-label': t('board.checkout_person', { name: personName(p) }),
      onclick: async () => { if (await checkOutDialog(item, p)) { await refreshSite(); await load(); } } }, t('board.checkout'))) : null;
    return h('tr', { dataset: { person: p.id } },
      h('td', {}, h('a', { href: `/persons/${encodeURIComponent(p.id)}` }, bdi(personName(p))),
        p.protection_needs ? [' ', h('span', { class: 'badge badge-off protection-badge' }, t('desk.protection_badge'))] : null,
        p.native_name ? [h('br'), h('bdi', { dir: 'auto', class: 'native' }, p.native_name)] : null),
      h('td', { class: 'reg-no' }, p.reg_no), h('td', {}, tOf(KEYS.SEX, p.sex)), h('td', {}, fmtBirth(p)),
      h('td', {}, codeName('countries', p.citizenship)), h('td', {}, item.bed || '—'),
      h('td', {}, fmtDateTime(item.checked_in_at)), h('td', { class: 'num' }, fmtNumber(daysBetween(item.checked_in_at))), out);
  }

  async function refreshSite() {
    const s = await get(`/api/v1/sites/${encodeURIComponent(siteId)}`);
    figures.textContent = t('board.figures', { present: fmtNumber(s.present), capacity: fmtNumber(s.capacity), free: fmtNumber(s.beds_free) });
  }

  async function load() {
    const mine = ++seq;
    remember();
    header();
    const r = await get(withQuery(`/api/v1/sites/${encodeURIComponent(siteId)}/residents`,
      { q: st.q, sort: st.sort, order: st.order, limit: PAGE, offset: st.page * PAGE }));
    if (mine !== seq) return;
    if (!r.items.length && st.page > 0 && r.total > 0) { st.page = Math.floor((r.total - 1) / PAGE); load(); return; }
    tbody.replaceChildren(...r.items.map(row));
    if (!r.items.length) tbody.append(h('tr', {}, h('td', { colspan: String(COLUMNS.length + 1) }, t(st.q ? 'board.no_match' : 'board.empty'))));
    const from = r.total ? st.page * PAGE + 1 : 0;
    count.textContent = t('board.showing', { from: fmtNumber(from), to: fmtNumber(st.page * PAGE + r.items.length), total: fmtNumber(r.total) });
    prev.disabled = st.page === 0;
    next.disabled = (st.page + 1) * PAGE >= r.total;
  }

  prev.addEventListener('click', () => { st.page = Math.max(0, st.page - 1); load(); });
  next.addEventListener('click', () => { st.page += 1; load(); });
  const typed = debounce(() => { st.q = search.value.trim(); st.page = 0; load(); }, 250);
  search.addEventListener('input', typed);

  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, site.name), figures),
    h('div', { class: 'toolbar', role: 'search' },
      h('div', { class: 'field' }, h('label', { for: 'board-q' }, t('board.search')),
        search, h('p', { class: 'hint' }, t('board.search_hint')))),
    h('div', { class: 'table-wrap' }, h('table', { id: 'residents' },
      h('caption', { class: 'visually-hidden' }, t('board.caption', { site: site.name })), thead, tbody)),
    h('div', { class: 'pager' }, count, prev, next));
  await Promise.all([refreshSite(), load()]);
  announce(count.textContent);
}
