// The protection team's page: figures of the last 30 days, referrals (overdue first,
// filter by state), and open cases.
import { h, bdi, personName, debounce } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, tn, fmtNumber, fmtDate, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { select } from '../forms.js';
import { accessGrants } from '../components/access-grants.js';
import {
  loadQuestionnaire, categoryLabel, providerLabel, stateBadge, riskChips, REFERRAL_STATES,
} from '../components/protection-common.js';

const fileLink = (p) => h('a', { href: `/persons/${encodeURIComponent(p.id)}/protection` }, bdi(personName(p)), ' ',
  h('span', { class: 'reg-no' }, p.reg_no));

// Who is at the site now and not screened yet, and who is there with risks: a large
// centre holds hundreds of each, so both lists are filtered by name or number and shown
// a page at a time.
const WORK_PAGE = 25;
const SITE_KEY = 'haven.protection.site';

function pagedTable(id, caption, columns, items, cells) {
  const wrap = h('div', { class: 'worklist-part' });
  let page = 0;
  function show() {
    const last = Math.max(0, Math.ceil(items.length / WORK_PAGE) - 1);
    page = Math.min(page, last);
    const shown = items.slice(page * WORK_PAGE, (page + 1) * WORK_PAGE);
    const prev = h('button', { type: 'button', class: 'btn', id: `${id}-prev`, disabled: page === 0,
      onclick: () => { page -= 1; show(); wrap.querySelector(`#${id}-next`)?.focus(); } }, t('common.previous'));
    const next = h('button', { type: 'button', class: 'btn', id: `${id}-next`, disabled: page >= last,
      onclick: () => { page += 1; show(); wrap.querySelector(`#${id}-prev`)?.focus(); } }, t('common.next'));
    wrap.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { id },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, shown.map((item) => h('tr', {}, cells(item)))))),
    items.length > WORK_PAGE ? h('div', { class: 'pager' }, h('p', { id: `${id}-count` }, t('board.showing', {
      from: fmtNumber(page * WORK_PAGE + 1), to: fmtNumber(page * WORK_PAGE + shown.length), total: fmtNumber(items.length) })), prev, next) : null);
  }
  show();
  return wrap;
}

async function worklist(box, siteId, filterText = '') {
  const w = await get(withQuery('/api/v1/protection/worklist', { site: siteId }));
  const needle = filterText.trim().toLowerCase();
  const keep = (p) => !needle || personName(p).toLowerCase().includes(needle) || (p.reg_no || '').toLowerCase().includes(needle);
  const unscreened = w.unscreened.filter((u) => keep(u.person));
  const atRisk = w.at_risk.filter((r) => keep(r.person));
  box.replaceChildren(h('p', { class: 'muted', id: 'worklist-count' }, tn('protection.residents', w.residents)),
    h('h3', {}, t('protection.unscreened'), ' ', h('span', { class: 'muted' }, `(${fmtNumber(unscreened.length)})`)),
    unscreened.length ? pagedTable('unscreened', t('protection.unscreened'), ['protection.person', 'protection.arrived', 'protection.bed'],
      unscreened, (u) => [h('td', {}, fileLink(u.person)), h('td', {}, fmtDateTime(u.checked_in_at)), h('td', {}, u.bed || '—')])
      : h('p', { class: 'muted' }, t(needle ? 'board.no_match' : 'protection.no_unscreened')),
    h('h3', {}, t('protection.at_risk'), ' ', h('span', { class: 'muted' }, `(${fmtNumber(atRisk.length)})`)),
    atRisk.length ? pagedTable('at-risk', t('protection.at_risk'), ['protection.person', 'protection.current_risks', 'protection.referrals_open', 'protection.case'],
      atRisk, (r) => [h('td', {}, fileLink(r.person)), h('td', {}, riskChips(r.risks)),
        h('td', { class: 'num' }, fmtNumber(r.referrals_open)),
        h('td', {}, r.open_case_id ? h('a', { href: `/protection/cases/${encodeURIComponent(r.open_case_id)}` }, t('protection.case_open')) : '—')])
      : h('p', { class: 'muted' }, t(needle ? 'board.no_match' : 'protection.no_at_risk')));
}

function kpi(label, value, id) {
  return h('div', { class: 'kpi', id }, h('p', { class: 'kpi-label' }, label), h('p', { class: 'kpi-value' }, fmtNumber(value ?? 0)));
}

const personLink = (r) => (r.person
  ? h('a', { href: `/persons/${encodeURIComponent(r.person_id)}/protection` }, bdi(personName(r.person)), ' ', h('span', { class: 'reg-no' }, r.person.reg_no))
  : '—');

function referralTable(id, items, caption) {
  return h('div', { class: 'table-wrap' }, h('table', { id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['protection.person', 'protection.provider', 'protection.state_label', 'protection.sent', 'protection.urgency_label']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((r) => h('tr', { dataset: { referral: r.id } },
      h('td', {}, personLink(r)), h('td', {}, providerLabel({ name: r.provider_name, service_type: r.service_type })),
      h('td', {}, stateBadge(r.state, r.overdue)), h('td', {}, r.sent_at ? fmtDate(r.sent_at.slice(0, 10)) : '—'),
      h('td', {}, tOf(KEYS.PROTECTION_URGENCY, r.urgency)))))));
}

export default async function render({ root, query, app }) {
  app.setTitle(t('protection.title'));
  await loadQuestionnaire();
  const sites = await app.sites();
  const [dash, overdue, cases] = await Promise.all([
    get('/api/v1/protection/dashboard'),
    get('/api/v1/protection/referrals/overdue'),
    get(withQuery('/api/v1/protection/cases', { state: 'open' })),
  ]);
  const kpis = h('div', { class: 'kpis' },
    kpi(t('protection.kpi_screenings'), dash.screenings, 'kpi-screenings'),
    kpi(t('protection.kpi_with_risks'), dash.persons_with_risks, 'kpi-risks'),
    kpi(t('protection.kpi_referrals'), dash.referrals, 'kpi-referrals'),
    kpi(t('protection.kpi_overdue'), dash.referrals_overdue, 'kpi-overdue'),
    kpi(t('protection.kpi_cases'), dash.cases_open, 'kpi-cases'),
    kpi(t('protection.kpi_actions_overdue'), dash.actions_overdue, 'kpi-actions'));
  const cats = Object.entries(dash.persons_with_risks_by_category).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const byCat = h('div', { class: 'table-wrap' }, h('table', { id: 'risk-categories' },
    h('caption', {}, t('protection.by_category')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('protection.category')), h('th', { scope: 'col', class: 'num' }, t('protection.persons')))),
    h('tbody', {}, cats.map(([code, n]) => h('tr', {}, h('th', { scope: 'row' }, categoryLabel(code)), h('td', { class: 'num' }, fmtNumber(n)))))));

  const state = select([{ value: '', label: t('protection.all_states') }, ...REFERRAL_STATES.map((s) => ({ value: s, label: tOf(KEYS.PROTECTION_STATE, s) }))],
    query.get('state') || '', { id: 'referral-state' });
  const listBox = h('div');
  async function loadList() {
    const r = await get(withQuery('/api/v1/protection/referrals', { state: state.value, limit: 100 }));
    listBox.replaceChildren(r.items.length ? referralTable('referrals', r.items, t('protection.referrals'))
      : h('p', { class: 'muted' }, t('protection.no_referrals')));
  }
  state.addEventListener('change', loadList);

  const caseRows = cases.items.map((c) => h('tr', { dataset: { case: c.id } },
    h('td', {}, c.person ? h('a', { href: `/protection/cases/${encodeURIComponent(c.id)}` }, bdi(personName(c.person)), ' ', h('span', { class: 'reg-no' }, c.person.reg_no)) : '—'),
    h('td', {}, tOf(KEYS.PROTECTION_LEVEL, c.risk_level)), h('td', {}, c.worker_name || '—'),
    h('td', {}, fmtDate(c.opened_at.slice(0, 10))),
    h('td', { class: 'num' }, c.overdue_actions ? h('strong', {}, fmtNumber(c.overdue_actions)) : '0')));

  // The site asked for, else the one chosen last time, else the first.
  const remembered = [query.get('site'), localStorage.getItem(SITE_KEY)].find((x) => x && sites.some((s) => s.id === x));
  const wsite = select(sites.map((x) => ({ value: x.id, label: x.name })), remembered || sites[0]?.id, { id: 'worklist-site' });
  const wfilter = h('input', { type: 'search', id: 'worklist-filter', autocomplete: 'off' });
  const wbox = h('div', { id: 'worklist' });
  wsite.addEventListener('change', () => { localStorage.setItem(SITE_KEY, wsite.value); worklist(wbox, wsite.value, wfilter.value); });
  wfilter.addEventListener('input', debounce(() => worklist(wbox, wsite.value, wfilter.value), 250));
  root.append(h('h1', {}, t('protection.title')),
    h('p', { class: 'lead' }, t('protection.lead', { from: fmtDate(dash.from), to: fmtDate(dash.to) })),
    kpis,
    h('section', { class: 'card', 'aria-labelledby': 'worklist-h' }, h('h2', { id: 'worklist-h' }, t('protection.worklist')),
      h('div', { class: 'toolbar', role: 'search' }, h('div', { class: 'field' }, h('label', { for: 'worklist-site' }, t('protection.site')), wsite),
        h('div', { class: 'field' }, h('label', { for: 'worklist-filter' }, t('protection.worklist_filter')), wfilter)), wbox),
    h('section', { class: 'card', 'aria-labelledby': 'overdue-h' }, h('h2', { id: 'overdue-h' }, t('protection.overdue_referrals', { days: overdue.days })),
      overdue.items.length ? referralTable('overdue-referrals', overdue.items, t('protection.overdue_caption'))
        : h('p', { class: 'muted', id: 'no-overdue' }, t('protection.no_overdue'))),
    h('div', { class: 'grid grid-2' },
      h('section', { class: 'card', 'aria-labelledby': 'cases-h' }, h('h2', { id: 'cases-h' }, t('protection.open_cases')),
        caseRows.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'open-cases' },
          h('caption', { class: 'visually-hidden' }, t('protection.open_cases')),
          h('thead', {}, h('tr', {}, ['protection.person', 'protection.risk_level', 'protection.worker', 'protection.opened', 'protection.late']
            .map((k) => h('th', { scope: 'col' }, t(k))))), h('tbody', {}, caseRows))) : h('p', { class: 'muted' }, t('protection.no_cases'))),
      h('section', { class: 'card', 'aria-labelledby': 'cat-h' }, h('h2', { id: 'cat-h' }, t('protection.risks_30')), byCat)),
    h('section', { class: 'card', 'aria-labelledby': 'ref-h' }, h('h2', { id: 'ref-h' }, t('protection.referrals')),
      h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'referral-state' }, t('protection.state_label')), state)), listBox));
  await Promise.all([loadList(), sites.length ? worklist(wbox, wsite.value) : null]);
  root.append(await accessGrants('protection', (id) => sites.find((x) => x.id === id)?.name || id));
}
