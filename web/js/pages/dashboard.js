// The dashboard: who is where now, arrivals and departures of the last 30 days, top
// citizenships this month, average length of stay. Every number links to the list
// behind it: the site board for people present at a site, the stays list (/stays,
// filtered as the summary counts) for arrivals, departures and citizenships.
import { h } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, tn, fmtNumber, fmtDate, codeName } from '../i18n.js';
import { drawChart, dataTable } from '../components/chart.js';

function ymd(d) { return d.toISOString().slice(0, 10); }

function meter(present, capacity) {
  const pct = capacity ? Math.min(100, Math.round((present / capacity) * 100)) : 0;
  const bar = h('span');
  bar.style.width = `${pct}%`;
  return h('div', { class: ['meter', pct >= 100 ? 'full' : pct >= 85 ? 'high' : null], 'aria-hidden': 'true' }, bar);
}

function kpi(label, value, sub, href, id) {
  return h('div', { class: 'kpi', id },
    h('p', { class: 'kpi-label' }, label),
    h('p', { class: 'kpi-value' }, href ? h('a', { href }, value) : value),
    sub ? h('p', { class: 'kpi-sub' }, sub) : null);
}

export default async function render({ root, app }) {
  app.setTitle(t('dashboard.title'));
  const today = new Date();
  const from30 = new Date(today.getTime() - 29 * 86400000);
  const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const [sum, month] = await Promise.all([
    get(withQuery('/api/v1/summary', { from: ymd(from30), to: ymd(today) })),
    get(withQuery('/api/v1/summary', { from: ymd(monthStart), to: ymd(today) })),
  ]);
  const boards = app.can('stay.read');
  const siteHref = (s) => (boards ? `/sites/${encodeURIComponent(s.id)}` : null);
  // The stays behind a figure, for users who may see people (null otherwise).
  const staysHref = (filters) => (boards ? withQuery('/stays', filters) : null);
  const arrivalsHref = (from, to, extra = {}) => staysHref({ arrived_from: from, arrived_to: to, ...extra });
  const departuresHref = (from, to) => staysHref({ departed_from: from, departed_to: to });
  const linked = (href, text, label) => (href ? h('a', { href, 'aria-label': label || null }, text) : text);
  const free = Math.max(0, sum.capacity - sum.present);

  const kpis = h('div', { class: 'kpis' },
    kpi(t('dashboard.present'), fmtNumber(sum.present), t('dashboard.of_capacity', { capacity: fmtNumber(sum.capacity) }), '/sites', 'kpi-present'),
    kpi(t('dashboard.beds_free'), fmtNumber(free), null, '/sites', 'kpi-free'),
    kpi(t('dashboard.arrivals_30'), fmtNumber(sum.arrivals), null, arrivalsHref(sum.from, sum.to), 'kpi-arrivals'),
    kpi(t('dashboard.departures_30'), fmtNumber(sum.departures), null, departuresHref(sum.from, sum.to), 'kpi-departures'),
    kpi(t('dashboard.avg_stay'), sum.average_length_of_stay_days == null ? '—'
      : tn('dashboard.days', Math.round(sum.average_length_of_stay_days * 10) / 10), t('dashboard.avg_stay_sub'),
    sum.average_length_of_stay_days == null ? null : departuresHref(sum.from, sum.to), 'kpi-stay'));

  const siteRows = sum.sites.map((s) => {
    const link = (text) => (siteHref(s) ? h('a', { href: siteHref(s) }, text) : text);
    return h('tr', { dataset: { site: s.code } },
      h('th', { scope: 'row' }, link(s.name)),
      h('td', { class: 'num present' }, link(fmtNumber(s.present))),
      h('td', { class: 'num' }, fmtNumber(s.capacity)),
      h('td', { class: 'num' }, link(fmtNumber(s.beds_free))),
      h('td', { class: 'meter-cell' }, meter(s.present, s.capacity),
        h('span', { class: 'visually-hidden' }, fmtNumber(s.capacity ? s.present / s.capacity : 0, { style: 'percent' }))));
  });
  const sitesTable = h('div', { class: 'table-wrap' }, h('table', { id: 'site-occupancy' },
    h('caption', {}, t('dashboard.per_site')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('site.name')), h('th', { scope: 'col', class: 'num' }, t('dashboard.present')),
      h('th', { scope: 'col', class: 'num' }, t('site.capacity')), h('th', { scope: 'col', class: 'num' }, t('dashboard.beds_free')),
      h('th', { scope: 'col' }, t('dashboard.occupancy')))),
    h('tbody', {}, siteRows)));

  const flowBox = h('div', { class: 'chart-box' });
  const citBox = h('div', { class: 'chart-box' });
  const dayLabel = (d) => fmtDate(d.date, { day: 'numeric', month: 'short' });
  const tops = month.top_citizenships || [];
  const citHref = (c) => arrivalsHref(month.from, month.to, { citizenship: c.citizenship });
  // A bar of a chart opens its list too (the tables under the charts have the same
  // links for keyboards and screen readers).
  const onBar = (hrefOf) => (boards ? {
    onClick: (event, elements) => { const href = elements.length && hrefOf(elements[0]); if (href) app.navigate(href); },
    onHover: (event, elements) => { event.native.target.style.cursor = elements.length ? 'pointer' : 'default'; },
  } : {});
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('dashboard.title')),
      h('p', { class: 'muted' }, t('dashboard.period', { from: fmtDate(sum.from), to: fmtDate(sum.to) }))),
    kpis,
    h('section', { class: 'stack site-section', 'aria-label': t('dashboard.per_site') }, sitesTable),
    h('div', { class: 'grid grid-2' },
      h('section', { class: 'card', 'aria-labelledby': 'flow-h' }, h('h2', { id: 'flow-h' }, t('dashboard.flow_title')), flowBox,
        dataTable(t('dashboard.flow_title'), [
          { label: t('dashboard.date'), cell: (d) => fmtDate(d.date) },
          { label: t('dashboard.arrivals'), cell: (d) => linked(d.arrivals ? arrivalsHref(d.date, d.date) : null, fmtNumber(d.arrivals)), num: true },
          { label: t('dashboard.departures'), cell: (d) => linked(d.departures ? departuresHref(d.date, d.date) : null, fmtNumber(d.departures)), num: true },
          { label: t('dashboard.present'), cell: (d) => fmtNumber(d.present), num: true }], sum.days)),
      h('section', { class: 'card', 'aria-labelledby': 'cit-h' }, h('h2', { id: 'cit-h' }, t('dashboard.cit_title')),
        tops.length ? citBox : h('p', { class: 'hint' }, t('dashboard.no_arrivals')),
        dataTable(t('dashboard.cit_title'), [
          { label: t('person.citizenship'), cell: (c) => linked(citHref(c), codeName('countries', c.citizenship)) },
          { label: t('dashboard.arrivals'), cell: (c) => linked(citHref(c), fmtNumber(c.arrivals),
            t('dashboard.open_list', { label: `${codeName('countries', c.citizenship)}, ${t('dashboard.arrivals')}: ${fmtNumber(c.arrivals)}` })), num: true }], tops))));

  await drawChart(flowBox, t('dashboard.flow_label', { arrivals: fmtNumber(sum.arrivals), departures: fmtNumber(sum.departures) }), {
    type: 'bar',
    data: {
      labels: sum.days.map(dayLabel),
      datasets: [
        { label: t('dashboard.arrivals'), data: sum.days.map((d) => d.arrivals), backgroundColor: '#1d4f91' },
        { label: t('dashboard.departures'), data: sum.days.map((d) => d.departures), backgroundColor: '#b7791f' },
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } } },
      ...onBar((el) => {
        const d = sum.days[el.index];
        return el.datasetIndex === 0 ? arrivalsHref(d.date, d.date) : departuresHref(d.date, d.date);
      }),
    },
  });
  if (tops.length) {
    await drawChart(citBox, t('dashboard.cit_label', { list: tops.slice(0, 3).map((c) => codeName('countries', c.citizenship)).join(', ') }), {
      type: 'bar',
      data: {
        labels: tops.map((c) => codeName('countries', c.citizenship)),
        datasets: [{ label: t('dashboard.arrivals'), data: tops.map((c) => c.arrivals), backgroundColor: '#1d4f91' }],
      },
      options: {
        indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        ...onBar((el) => citHref(tops[el.index])),
      },
    });
  }
}
