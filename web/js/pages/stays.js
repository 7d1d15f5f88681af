// Stays: the list behind the dashboard's figures (arrivals or departures of a period,
// arrivals of one citizenship, people present), a page at a time. The filters are in
// the address, shown as chips that can be removed one by one.
import { h, bdi, personName, announce } from '../dom.js';
import { get, withQuery, ApiError } from '../api.js';
import { t, fmtNumber, fmtDate, fmtDateTime, codeName, daysBetween, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { errorMessage, select } from '../forms.js';

const PAGE = 50;
const FILTERS = ['site', 'arrived_from', 'arrived_to', 'departed_from', 'departed_to', 'citizenship', 'open'];

// A day from the address in the locale's way; text that is not a real date as it is
// (the server refuses it, and the chip must show what was asked, not a guess).
function day(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(ymd) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(ymd) ? fmtDate(ymd) : ymd;
}

// "2 May 2026 – 31 May 2026", "from 2 May 2026", "until 31 May 2026", or one day.
function range(from, to) {
  if (from && to) return from === to ? day(from) : t('stays.range', { from: day(from), to: day(to) });
  return from ? t('stays.range_from', { from: day(from) }) : t('stays.range_to', { to: day(to) });
}

export default async function render({ root, query, app }) {
  app.setTitle(t('stays.title'));
  const sites = await app.sites();
  const st = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  st.page = Math.max(0, Number(query.get('page') || 0) | 0);

  const chips = h('ul', { class: 'chips filter-chips', id: 'stay-filters', 'aria-labelledby': 'stays-filter-label' });
  const filterLabel = h('p', { class: 'filter-label', id: 'stays-filter-label' });
  const clearAll = h('button', { type: 'button', class: 'btn btn-small', id: 'stays-clear' }, t('stays.clear_filters'));
  const problem = h('div', { class: 'form-error', role: 'alert', id: 'stays-error', hidden: true });
  const tbody = h('tbody');
  const empty = h('p', { class: 'notice', id: 'stays-none', hidden: true }, t('stays.none'));
  const columns = ['board.name', 'person.reg_no', 'person.citizenship', 'person.site', 'board.bed', 'stays.checked_in', 'stays.checked_out', 'board.days', 'stays.reason'];
  // Shown only with rows in it: an empty table says nothing and its scroll box would
  // be a stop for the keyboard with nothing in it.
  const tableWrap = h('div', { class: 'table-wrap', hidden: true }, h('table', { id: 'stays' },
    h('caption', { class: 'visually-hidden' }, t('stays.caption')),
    h('thead', {}, h('tr', {}, columns.map((k, i) => h('th', { scope: 'col', class: i === 7 ? 'num' : null }, t(k))))),
    tbody));
  const count = h('p', { id: 'stays-count', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn', id: 'stays-prev' }, t('common.previous'));
  const next = h('button', { type: 'button', class: 'btn', id: 'stays-next' }, t('common.next'));
  const siteSelect = select([{ value: '', label: t('stays.all_sites') }, ...sites.map((s) => ({ value: s.id, label: s.name }))],
    st.site, { id: 'stays-site' });
  const openSelect = select([{ value: '', label: t('stays.any_status') }, { value: 'true', label: t('stays.open_true') },
    { value: 'false', label: t('stays.open_false') }], st.open, { id: 'stays-open' });
  let seq = 0;

  // The chips: one per filter, a date range as one chip.
  function chipList() {
    const list = [];
    const siteName = (id) => sites.find((s) => s.id === id)?.name || id;
    if (st.site) list.push({ keys: ['site'], label: t('stays.chip_site', { site: siteName(st.site) }) });
    if (st.arrived_from || st.arrived_to) {
      list.push({ keys: ['arrived_from', 'arrived_to'], label: t('stays.chip_arrived', { range: range(st.arrived_from, st.arrived_to) }) });
    }
    if (st.departed_from || st.departed_to) {
      list.push({ keys: ['departed_from', 'departed_to'], label: t('stays.chip_departed', { range: range(st.departed_from, st.departed_to) }) });
    }
    if (st.citizenship) list.push({ keys: ['citizenship'], label: t('stays.chip_citizenship', { name: codeName('countries', st.citizenship) }) });
    if (st.open) list.push({ keys: ['open'], label: t(st.open === 'true' ? 'stays.open_true' : 'stays.open_false') });
    return list;
  }

  function showChips() {
    const list = chipList();
    chips.replaceChildren(...list.map((c) => h('li', { class: 'chip' }, h('span', {}, c.label), h('button', {
      type: 'button', 'aria-label': t('stays.remove_filter', { filter: c.label }),
      onclick: () => { for (const k of c.keys) st[k] = ''; st.page = 0; load().then(() => focusAfterChips()); },
    }, '×'))));
    chips.hidden = !list.length;
    clearAll.hidden = !list.length;
    filterLabel.textContent = t(list.length ? 'stays.filtered_by' : 'stays.no_filters');
    siteSelect.value = st.site;
    openSelect.value = st.open;
  }

  function focusAfterChips() {
    (chips.querySelector('button') || siteSelect).focus();
  }

  function remember() {
    const q = Object.fromEntries(FILTERS.map((k) => [k, st[k]]));
    history.replaceState(null, '', withQuery(location.pathname, { ...q, page: st.page || '' }));
  }

  function row(item) {
    const p = item.person;
    const out = item.checked_out_at;
    return h('tr', { dataset: { stay: item.id } },
      h('td', {}, h('a', { href: `/persons/${encodeURIComponent(p.id)}` }, bdi(personName(p))),
        p.native_name ? [h('br'), h('bdi', { dir: 'auto', class: 'native' }, p.native_name)] : null),
      h('td', { class: 'reg-no' }, p.reg_no), h('td', {}, codeName('countries', p.citizenship)),
      h('td', {}, item.site_name), h('td', {}, item.bed || '—'),
      h('td', {}, fmtDateTime(item.checked_in_at)),
      h('td', {}, out ? fmtDateTime(out) : h('span', { class: 'badge badge-ok' }, t('stays.present'))),
      h('td', { class: 'num' }, fmtNumber(daysBetween(item.checked_in_at, out))),
      h('td', {}, item.checkout_reason ? tOf(KEYS.CHECKOUT_REASON, item.checkout_reason) : ''));
  }

  async function load() {
    const mine = ++seq;
    // The count is of the previous filters until the answer comes: say so (tests and
    // screen readers wait for aria-busy="false").
    count.setAttribute('aria-busy', 'true');
    remember();
    showChips();
    let r;
    try {
      r = await get(withQuery('/api/v1/stays', { ...Object.fromEntries(FILTERS.map((k) => [k, st[k]])), limit: PAGE, offset: st.page * PAGE }));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 401 || mine !== seq) throw e;
      // A filter in the address the server refuses: say which, and let it be removed.
      problem.textContent = errorMessage(e, 'stays');
      problem.hidden = false;
      tbody.replaceChildren();
      tableWrap.hidden = true;
      empty.hidden = true;
      count.textContent = '';
      count.setAttribute('aria-busy', 'false');
      prev.disabled = true;
      next.disabled = true;
      return;
    }
    if (mine !== seq) return;
    problem.hidden = true;
    if (!r.items.length && st.page > 0 && r.total > 0) { st.page = Math.floor((r.total - 1) / PAGE); await load(); return; }
    tbody.replaceChildren(...r.items.map(row));
    tableWrap.hidden = !r.items.length;
    empty.hidden = Boolean(r.items.length);
    const from = r.total ? st.page * PAGE + 1 : 0;
    count.textContent = t('stays.showing', { from: fmtNumber(from), to: fmtNumber(st.page * PAGE + r.items.length), total: fmtNumber(r.total) });
    count.setAttribute('aria-busy', 'false');
    prev.disabled = st.page === 0;
    next.disabled = (st.page + 1) * PAGE >= r.total;
  }

  prev.addEventListener('click', () => { st.page = Math.max(0, st.page - 1); load(); });
  next.addEventListener('click', () => { st.page += 1; load(); });
  siteSelect.addEventListener('change', () => { st.site = siteSelect.value; st.page = 0; load(); });
  openSelect.addEventListener('change', () => { st.open = openSelect.value; st.page = 0; load(); });
  clearAll.addEventListener('click', () => {
    for (const k of FILTERS) st[k] = '';
    st.page = 0;
    load().then(() => siteSelect.focus());
    announce(t('stays.filters_cleared'));
  });

  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('stays.title')), h('p', { class: 'muted' }, t('stays.lead'))),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'stays-site' }, t('person.site')), siteSelect),
      h('div', { class: 'field' }, h('label', { for: 'stays-open' }, t('common.status')), openSelect)),
    h('div', { class: 'filter-bar' }, filterLabel, chips, clearAll),
    problem, empty, tableWrap,
    h('div', { class: 'pager' }, count, prev, next));
  await load();
  announce(count.textContent || problem.textContent);
}
