// Hours of interpreting per month, site and language from completed assignments, with
// the no-shows beside them; totals per language and per site; the interpreters who did
// not come to an assignment (twice or more is marked); the table as CSV.
import { h } from '../dom.js';
import { get, withQuery } from '../api.js';
import { t, fmtNumber, codeList, codeName, fmtMonth } from '../i18n.js';
import { field, showError, clearErrors, dateInput, dateValue } from '../forms.js';
import { sitePicker, table, kpi } from '../components/centres-common.js';

// A table that may scroll sideways on a phone can be reached and scrolled by keyboard.
function scrollable(el, label) {
  if (el.classList.contains('table-wrap')) {
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
  }
  return el;
}

const ymd = (d) => d.toISOString().slice(0, 10);
// The three months before this one and this month so far.
function defaultRange() {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1));
  return [ymd(from), ymd(now)];
}

export default async function render({ root, query, app }) {
  app.setTitle(t('interp.hours.title'));
  const sites = await app.sites();
  await codeList('languages');
  const [defFrom, defTo] = defaultRange();
  const from = dateInput({ id: 'hours-from', value: query.get('from') || defFrom });
  const to = dateInput({ id: 'hours-to', value: query.get('to') || defTo });
  const site = sitePicker(sites, query.get('site') || '', 'hours-site', t('centres.all_sites'));
  const show = h('button', { type: 'submit', class: 'btn-primary', id: 'hours-show' }, t('interp.show'));
  const csv = h('a', { class: 'btn', id: 'hours-csv', download: 'interpreting-hours.csv' }, t('interp.hours.csv'));
  const form = h('form', { id: 'hours-form', class: 'toolbar', novalidate: true, 'aria-label': t('interp.period') },
    field({ label: t('interp.from'), input: from, name: 'from' }), field({ label: t('interp.to'), input: to, name: 'to' }),
    h('div', { dataset: { field: 'site' } }, site.field), h('div', { class: 'actions' }, show, csv));
  const out = h('div', { id: 'hours-result', 'aria-live': 'polite' });

  const hours = (x) => fmtNumber(x.hours, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const lang = (x) => h('span', { lang: x.language }, codeName('languages', x.language));
  const countCols = [
    { key: 'interp.hours.assignments', num: true, cell: (x) => fmtNumber(x.assignments) },
    { key: 'interp.hours.hours', num: true, cell: hours },
    { key: 'interp.hours.noshow_interpreter', num: true, cell: (x) => fmtNumber(x.interpreter_no_shows) },
    { key: 'interp.hours.noshow_client', num: true, cell: (x) => fmtNumber(x.client_no_shows) },
  ];

  async function load() {
    clearErrors(form);
    let r;
    try {
      const params = { from: dateValue(from), to: dateValue(to), site: site.select.value || undefined };
      csv.href = withQuery('/api/v1/interp/reports/hours', { ...params, format: 'csv' });
      r = await get(withQuery('/api/v1/interp/reports/hours', params));
    } catch (err) {
      showError(form, err, 'interp');
      out.replaceChildren();
      return;
    }
    const total = r.total;
    const repeated = r.interpreter_no_shows.filter((x) => x.no_shows >= 2);
    out.replaceChildren(
      h('div', { class: 'kpis' },
        kpi(t('interp.hours.hours'), hours(total), 'kpi-hours'),
        kpi(t('interp.hours.assignments'), total.assignments, 'kpi-assignments'),
        kpi(t('interp.hours.noshow_interpreter'), total.interpreter_no_shows, 'kpi-noshow-interpreter', total.interpreter_no_shows > 0),
        kpi(t('interp.hours.noshow_client'), total.client_no_shows, 'kpi-noshow-client')),
      h('p', { class: 'muted' }, t('interp.hours.explain')),
      h('section', { 'aria-labelledby': 'hours-month-h' }, h('h2', { id: 'hours-month-h' }, t('interp.hours.by_month')),
        scrollable(table('hours-rows', t('interp.hours.by_month'), [
          { key: 'interp.hours.month', cell: (x) => fmtMonth(x.month) },
          { key: 'interp.site', cell: (x) => x.site_name },
          { key: 'interp.language', cell: lang },
          ...countCols,
        ], r.rows, t('interp.hours.none')), t('interp.hours.by_month'))),
      h('div', { class: 'grid grid-2' },
        h('section', { 'aria-labelledby': 'hours-lang-h' }, h('h2', { id: 'hours-lang-h' }, t('interp.hours.by_language')),
          scrollable(table('hours-languages', t('interp.hours.by_language'), [{ key: 'interp.language', cell: lang }, ...countCols],
            r.by_language, t('interp.hours.none')), t('interp.hours.by_language'))),
        h('section', { 'aria-labelledby': 'hours-site-h' }, h('h2', { id: 'hours-site-h' }, t('interp.hours.by_site')),
          scrollable(table('hours-sites', t('interp.hours.by_site'), [{ key: 'interp.site', cell: (x) => x.site_name }, ...countCols],
            r.by_site, t('interp.hours.none')), t('interp.hours.by_site')))),
      h('section', { 'aria-labelledby': 'hours-noshow-h' }, h('h2', { id: 'hours-noshow-h' }, t('interp.hours.noshow_title')),
        repeated.length ? h('p', { class: 'notice notice-warn', id: 'hours-repeated', role: 'status' },
          t('interp.hours.repeated', { names: repeated.map((x) => x.name).join(', ') })) : null,
        scrollable(table('hours-noshows', t('interp.hours.noshow_title'), [
          { key: 'interp.hours.interpreter', cell: (x) => (x.no_shows >= 2 ? h('strong', {}, x.name) : x.name) },
          { key: 'interp.hours.noshows', num: true, cell: (x) => fmtNumber(x.no_shows) },
        ], r.interpreter_no_shows, t('interp.hours.noshow_none')), t('interp.hours.noshow_title'))));
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });

  root.append(h('h1', {}, t('interp.hours.title')),
    h('p', {}, h('a', { href: '/interp' }, t('interp.title')), ' · ', h('a', { href: '/interp/interpreters' }, t('interp.people.title'))),
    h('section', { class: 'card', 'aria-label': t('interp.period') }, form), out);
  await load();
}
