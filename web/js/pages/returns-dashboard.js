// The return dashboard: what is overdue, cases by step and people who went home per
// month by destination, over the user's sites. Each chart is followed by its numbers as
// a table (for keyboards and screen readers); the library is vendored (no CDN).
import { h } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtNumber, codeList, codeName, intlLocale, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { select } from '../forms.js';
import { kpi } from '../components/centres-common.js';
import { drawChart, dataTable } from '../components/chart.js';

// Colour-blind-safe (Okabe-Ito) and dark enough on white for the bars.
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f6d00', '#1b1f24'];

function monthLabel(ym) {
  const [y, m] = ym.split('-').map(Number);
  return new Intl.DateTimeFormat(intlLocale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}

export default async function render({ root, query, app }) {
  app.setTitle(t('avrr.dash_title'));
  await codeList('countries');
  const months = select([6, 12, 24].map((n) => ({ value: String(n), label: t('avrr.last_months', { n }) })),
    query.get('months') || '12', { id: 'dash-months' });
  const body = h('div');
  root.append(h('h1', {}, t('avrr.dash_title')),
    h('p', { class: 'lead' }, t('avrr.dash_lead')),
    h('div', { class: 'form-row filters' }, h('div', { class: 'field' }, h('label', { for: 'dash-months' }, t('avrr.period')), months)),
    body);

  async function load() {
    const d = await get(withQuery('/api/v1/returns/dashboard', { months: months.value }));
    const states = d.states.map((s) => s.state);
    const open = states.filter((s) => !['arrived', 'withdrawn', 'cancelled'].includes(s)).reduce((n, s) => n + (d.by_state[s] || 0), 0);
    const went = d.departures.reduce((n, x) => n + x.count, 0);
    const kpis = h('div', { class: 'kpis', id: 'dash-kpis' },
      kpi(t('avrr.open_cases'), open, 'kpi-open'),
      kpi(t('avrr.returned_period'), went, 'kpi-returned'),
      kpi(t('avrr.overdue_cases'), d.overdue_cases, 'kpi-overdue', d.overdue_cases > 0),
      kpi(t('avrr.overdue_visits'), d.overdue_visits, 'kpi-visits', d.overdue_visits > 0),
      kpi(t('avrr.readm_overdue'), d.readmissions.overdue, 'kpi-readm', d.readmissions.overdue > 0),
      d.monitoring.open_findings != null ? kpi(t('avrr.open_findings'), d.monitoring.open_findings, 'kpi-findings', d.monitoring.open_findings > 0) : null);

    // Destinations by people departed, the most frequent first; the rest as "other".
    const totals = {};
    for (const x of d.departures) totals[x.destination] = (totals[x.destination] || 0) + x.count;
    const dests = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
    const shown = dests.slice(0, 7);
    const series = [...shown, ...(dests.length > 7 ? ['other'] : [])];
    const count = (m, dest) => d.departures.filter((x) => x.month === m && (dest === 'other' ? !shown.includes(x.destination) : x.destination === dest))
      .reduce((n, x) => n + x.count, 0);
    const destName = (c) => (c === 'other' ? t('avrr.other_destinations') : codeName('countries', c));

    const stateBox = h('div', { class: 'chart-box' });
    const monthBox = h('div', { class: 'chart-box' });
    body.replaceChildren(kpis,
      h('div', { class: 'grid grid-2' },
        h('section', { class: 'card', 'aria-labelledby': 'by-state-h' }, h('h2', { id: 'by-state-h' }, t('avrr.by_state')), stateBox,
          dataTable(t('avrr.by_state'), [
            { label: t('ret.state_label'), cell: (s) => h('a', { href: withQuery('/returns', { state: s }) }, tOf(KEYS.RET_STATE, s)) },
            { label: t('avrr.cases'), cell: (s) => fmtNumber(d.by_state[s] || 0), num: true }], states)),
        h('section', { class: 'card', 'aria-labelledby': 'by-month-h' }, h('h2', { id: 'by-month-h' }, t('avrr.by_month')),
          went ? monthBox : h('p', { class: 'hint', id: 'no-departures' }, t('avrr.no_departures')),
          dataTable(t('avrr.by_month'), [
            { label: t('avrr.month'), cell: (m) => monthLabel(m) },
            ...series.map((dest) => ({ label: destName(dest), cell: (m) => fmtNumber(count(m, dest)), num: true })),
            { label: t('avrr.total'), cell: (m) => fmtNumber(series.reduce((n, dest) => n + count(m, dest), 0)), num: true }], d.months))),
      h('p', {}, h('a', { href: '/returns' }, t('ret.caseload_title')), ' · ', h('a', { href: '/returns/readmissions' }, t('avrr.readm_title')),
        app.can('returns.monitoring.read') ? [' · ', h('a', { href: '/returns/operations' }, t('avrr.ops_title'))] : null));

    await drawChart(stateBox, t('avrr.by_state_label', { open: fmtNumber(open) }), {
      type: 'bar',
      data: { labels: states.map((s) => tOf(KEYS.RET_STATE, s)), datasets: [{ label: t('avrr.cases'), data: states.map((s) => d.by_state[s] || 0), backgroundColor: '#0072b2' }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        onClick: (e, els) => { if (els.length) app.navigate(withQuery('/returns', { state: states[els[0].index] })); } },
    });
    if (went) {
      await drawChart(monthBox, t('avrr.by_month_label', { n: fmtNumber(went), list: shown.slice(0, 3).map(destName).join(', ') }), {
        type: 'bar',
        data: { labels: d.months.map(monthLabel),
          datasets: series.map((dest, i) => ({ label: destName(dest), data: d.months.map((m) => count(m, dest)), backgroundColor: COLOURS[i % COLOURS.length] })) },
        options: { scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 8 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }
  }
  months.addEventListener('change', () => { history.replaceState(null, '', withQuery('/returns/dashboard', { months: months.value })); load(); });
  await load();
}
