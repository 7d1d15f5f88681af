// Statistics (issue 6): compute a period from case data, review what disclosure
// control will publish, check the rules, export for the regional exchange, import a
// neighbour's file and compare the administrations. Nothing here shows a person: the
// server sends aggregates only.
import { h, append, announce, newId } from '../dom.js';
import { get, post, patch, withQuery, ApiError } from '../api.js';
import { t, fmtNumber, localeCode, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy, errorMessage } from '../forms.js';
import { drawChart } from '../components/chart.js';

const FORMATS = [
  { format: 'sdmx-csv', label: 'SDMX-CSV' },
  { format: 'xlsx', label: 'XLSX' },
  { format: 'json', label: 'JSON' },
];
const PERIOD_RE = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$/;

function previousMonth() {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

// An indicator's title in the interface's language (Bosnian Latin stands in for
// Serbian Cyrillic where the catalogue has no Cyrillic title).
function title(ind) {
  if (!ind) return '';
  if (localeCode() === 'sr-Cyrl') return ind.title.sr_Cyrl || ind.title.bs;
  return localeCode() === 'bs' ? ind.title.bs : ind.title.en;
}

function citizenName(code) {
  if (code === 'TOTAL' || code === 'STLS' || code === 'UNK') return tOf(KEYS.STATS_CITIZEN, code.toLowerCase());
  return codeName('countries', code);
}

function num(v) { return v === null || v === undefined ? '—' : fmtNumber(v); }

// A POST of a CSV file: the one request of the interface that is not JSON.
async function postCsv(path, text) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', body: text, credentials: 'same-origin',
      headers: { 'Content-Type': 'text/csv', Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'network', 'The Haven server cannot be reached.', null);
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (json && json.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, e.field);
    err.errors = (json && json.errors) || [];
    throw err;
  }
  return json;
}

// An administration's name in the page's language (the catalogue's sr_Cyrl for Serbian
// Cyrillic, its Bosnian name for a list written before it had one).
function areaName(a) {
  if (localeCode() === 'sr-Cyrl') return a.sr_Cyrl || a.bs;
  return localeCode() === 'bs' ? a.bs : a.en;
}

export default async function render({ root, app, query }) {
  app.setTitle(t('stats.title'));
  const catalogue = await get('/api/v1/stats/catalogue');
  const settings = await get('/api/v1/stats/settings');
  const byCode = new Map(catalogue.indicators.map((i) => [i.code, i]));
  const canWrite = app.can('stats.write');

  const periodInput = h('input', { name: 'period', value: query.get('period') || previousMonth(), class: 'narrow',
    autocomplete: 'off', spellcheck: 'false', inputmode: 'text' });
  const showBtn = h('button', { type: 'submit', class: 'btn' }, t('stats.show'));
  const computeBtn = canWrite ? h('button', { type: 'button', class: 'btn-primary', id: 'stats-compute' }, t('stats.compute')) : null;
  const periodForm = h('form', { class: 'toolbar', novalidate: true, id: 'stats-period-form' },
    field({ label: t('stats.period'), input: periodInput, name: 'period', hint: t('stats.period_hint') }),
    h('div', { class: 'actions' }, showBtn, computeBtn));

  const figures = h('section', { class: 'card stack', 'aria-labelledby': 'stats-fig-h', id: 'stats-figures' });
  const checks = h('section', { class: 'card stack', 'aria-labelledby': 'stats-val-h', id: 'stats-validation' });
  const exports = h('section', { class: 'card stack', 'aria-labelledby': 'stats-exp-h', id: 'stats-export' });
  const imports = canWrite ? h('section', { class: 'card stack', 'aria-labelledby': 'stats-imp-h', id: 'stats-import' }) : null;
  const compare = h('section', { class: 'card stack', 'aria-labelledby': 'stats-cmp-h', id: 'stats-compare' });

  const period = () => periodInput.value.trim();

  function checkPeriod() {
    clearErrors(periodForm);
    if (PERIOD_RE.test(period())) return true;
    showError(periodForm, { code: 'invalid', field: 'period' }, 'stats');
    return false;
  }

  async function showFigures() {
    const data = await get(`/api/v1/stats/${encodeURIComponent(period())}`);
    const head = h('h2', { id: 'stats-fig-h' }, t('stats.figures_title', { period: period() }));
    if (!data.indicators.length) {
      figures.replaceChildren(head, h('p', { class: 'hint', id: 'stats-empty' }, t(canWrite ? 'stats.none_yet_write' : 'stats.none_yet')));
      return;
    }
    const rows = data.indicators.map((ind) => {
      const total = ind.cells.find((c) => c.site === null && c.citizen === 'TOTAL' && c.sex === 'T' && c.age === 'TOTAL');
      const hidden = ind.cells.filter((c) => c.conf_status !== 'F').length;
      return h('tr', { dataset: { indicator: ind.code } },
        h('th', { scope: 'row' }, h('span', { class: 'reg-no' }, ind.code), ' ', title(byCode.get(ind.code))),
        h('td', {}, tOf(KEYS.STATS_SOURCE, ind.source)),
        h('td', { class: 'num total' }, num(total?.value)),
        h('td', { class: 'num published' }, total ? (total.conf_status === 'F' ? num(total.published) : t('stats.confidential')) : '—',
          byCode.get(ind.code)?.disclosure === 'round5' ? h('span', { class: 'rounded-mark' }, ' ', t('stats.rounded_mark')) : null),
        h('td', { class: 'num' }, fmtNumber(ind.cells.length)),
        h('td', { class: 'num' }, fmtNumber(hidden)));
    });
    figures.replaceChildren(head,
      h('p', { class: 'hint' }, t('stats.figures_hint', { threshold: fmtNumber(settings.disclosure_threshold) })),
      h('p', { class: 'hint', id: 'stats-published-note' }, t('stats.published_note', {
        threshold: fmtNumber(settings.disclosure_threshold), from: fmtNumber(124), to: fmtNumber(125), from2: fmtNumber(17), to2: fmtNumber(15) })),
      h('div', { class: 'table-wrap' }, h('table', { id: 'stats-table' },
        h('caption', { class: 'visually-hidden' }, t('stats.figures_title', { period: period() })),
        h('thead', {}, h('tr', {}, ['stats.indicator', 'stats.source', 'stats.total', 'stats.published', 'stats.cells', 'stats.hidden']
          .map((k, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, t(k))))),
        h('tbody', {}, rows))));
  }

  async function runValidation(button) {
    const box = h('div', { id: 'stats-violations' });
    await busy(button, async () => {
      const r = await get(`/api/v1/stats/${encodeURIComponent(period())}/validation`);
      const summary = h('p', { class: ['notice', r.errors ? 'notice-warn' : 'notice-ok'], id: 'stats-val-summary' },
        t('stats.validation_summary', { checked: fmtNumber(r.checked), errors: fmtNumber(r.errors), warnings: fmtNumber(r.warnings) }));
      const list = r.violations.slice(0, 200).map((v) => h('tr', {},
        h('td', {}, h('span', { class: ['badge', v.severity === 'error' ? 'badge-off' : null] }, tOf(KEYS.STATS_SEVERITY, v.severity))),
        h('th', { scope: 'row' }, h('span', { class: 'reg-no' }, v.indicator)),
        h('td', {}, v.cell ? [v.cell.site ? `${v.cell.site} · ` : '', citizenName(v.cell.citizen), ' · ', v.cell.sex, ' · ', v.cell.age] : ''),
        h('td', {}, v.message)));
      box.replaceChildren();
      append(box, [summary, list.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, t('stats.validation_title')),
        h('thead', {}, h('tr', {}, ['stats.severity', 'stats.indicator', 'stats.cell', 'stats.message']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, list))) : null]);
      announce(summary.textContent);
    });
    return box;
  }

  function renderChecks() {
    const btn = h('button', { type: 'button', class: 'btn', id: 'stats-validate' }, t('stats.validate'));
    const out = h('div');
    btn.addEventListener('click', async () => {
      try { out.replaceChildren(await runValidation(btn)); } catch (e) { out.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, errorMessage(e, 'stats'))); }
    });
    checks.replaceChildren(h('h2', { id: 'stats-val-h' }, t('stats.validation_title')),
      h('p', { class: 'hint' }, t('stats.validation_hint')), h('div', { class: 'actions' }, btn), out);
  }

  function renderExports() {
    const links = FORMATS.map((f) => h('a', { class: 'btn', download: '', dataset: { format: f.format },
      href: withQuery(`/api/v1/stats/${encodeURIComponent(period())}/export`, { format: f.format }) }, f.label));
    exports.replaceChildren(h('h2', { id: 'stats-exp-h' }, t('stats.export_title')),
      h('p', { class: 'hint' }, t('stats.export_hint')), h('div', { class: 'actions' }, links));
  }

  function renderImport() {
    if (!imports) return;
    const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv' });
    const go = h('button', { type: 'submit', class: 'btn-primary' }, t('stats.import'));
    const out = h('div', { id: 'stats-import-result', 'aria-live': 'polite' });
    const form = h('form', { novalidate: true },
      field({ label: t('stats.import_file'), input: file, name: 'file', hint: t('stats.import_hint') }),
      h('div', { class: 'actions' }, go));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      out.replaceChildren();
      if (!file.files.length) { showError(form, { code: 'invalid', field: 'file' }, 'stats'); return; }
      const text = await file.files[0].text();
      await busy(go, async () => {
        try {
          const r = await postCsv('/api/v1/stats/import', text);
          out.replaceChildren(h('p', { class: 'notice notice-ok' },
            t('stats.imported', { area: r.ref_area, period: r.period, cells: fmtNumber(r.cells) })));
        } catch (err) {
          const rows = (err.errors || []).slice(0, 200).map((x) => h('tr', {},
            h('td', { class: 'num' }, fmtNumber(x.line)), h('td', { class: 'num' }, fmtNumber(x.column)),
            h('td', {}, x.field), h('td', {}, errorMessage(x))));
          out.replaceChildren();
          append(out, [h('p', { class: 'form-error', role: 'alert' },
            err.errors?.length ? t('stats.import_failed', { n: fmtNumber(err.errors.length) }) : errorMessage(err, 'stats')),
          rows.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'stats-import-errors' },
            h('caption', { class: 'visually-hidden' }, t('stats.import_errors')),
            h('thead', {}, h('tr', {}, ['stats.line', 'stats.column', 'stats.field', 'stats.message']
              .map((k, i) => h('th', { scope: 'col', class: i < 2 ? 'num' : null }, t(k))))),
            h('tbody', {}, rows))) : null]);
        }
      });
    });
    imports.replaceChildren(h('h2', { id: 'stats-imp-h' }, t('stats.import_title')), form, out);
  }

  function renderCompare() {
    const indicator = select(catalogue.indicators.map((i) => ({ value: i.code, label: `${i.code} – ${title(i)}` })), 'ARR', { name: 'indicator' });
    const go = h('button', { type: 'submit', class: 'btn' }, t('stats.compare'));
    const out = h('div', { id: 'stats-compare-result' });
    const form = h('form', { class: 'toolbar', novalidate: true },
      field({ label: t('stats.indicator'), input: indicator, name: 'indicator' }), h('div', { class: 'actions' }, go));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(go, async () => {
        try {
          const r = await get(withQuery('/api/v1/stats/compare', { indicator: indicator.value, period: period() }));
          await showComparison(out, r);
        } catch (err) { showError(form, err, 'stats'); }
      });
    });
    compare.replaceChildren(h('h2', { id: 'stats-cmp-h' }, t('stats.compare_title')),
      h('p', { class: 'hint' }, t('stats.compare_hint', { area: settings.ref_area })), form, out);
  }

  async function showComparison(out, r) {
    if (!r.ref_areas.length) {
      out.replaceChildren(h('p', { class: 'hint' }, t('stats.compare_none')));
      return;
    }
    const caption = t('stats.compare_caption', { indicator: r.indicator, period: r.period });
    const columns = [{ label: t('stats.citizen'), cell: (row) => citizenName(row.citizen) },
      ...r.ref_areas.map((a) => ({ label: a, cell: (row) => (row.values[a] === null ? t('stats.confidential_short') : num(row.values[a])), num: true }))];
    // Largest first (by the largest value of any administration, then by code), the total
    // on top. The chart leaves the total out (it would dwarf the citizenships) and shows
    // the ten largest; the one table below it holds every row, so the figures are shown
    // once as a chart and once as text, not three times.
    const largest = (row) => Math.max(0, ...Object.values(row.values).map((v) => v ?? 0));
    const rows = [...r.rows].sort((a, b) => (b.citizen === 'TOTAL') - (a.citizen === 'TOTAL')
      || largest(b) - largest(a) || (a.citizen < b.citizen ? -1 : 1));
    const top = rows.filter((row) => row.citizen !== 'TOTAL').slice(0, 10);
    const table = h('div', { class: 'table-wrap' }, h('table', { id: 'stats-compare-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', { dataset: { citizen: row.citizen } },
        columns.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c.cell(row)) : h('td', { class: 'num' }, c.cell(row)))))))));
    const box = h('div', { class: 'chart-box' });
    out.replaceChildren(box, h('p', { class: 'hint', id: 'stats-compare-note' }, t('stats.compare_table_note')), table);
    const palette = ['#1d4f91', '#b7791f', '#1e6b34', '#a4161a', '#5b3f8c', '#4a5360'];
    await drawChart(box, t('stats.compare_top_label', { indicator: r.indicator, areas: r.ref_areas.join(', '),
      citizens: top.map((row) => citizenName(row.citizen)).join(', ') }), {
      type: 'bar',
      data: {
        labels: top.map((row) => citizenName(row.citizen)),
        datasets: r.ref_areas.map((a, i) => ({ label: a, data: top.map((row) => row.values[a]), backgroundColor: palette[i % palette.length] })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  async function load() {
    if (!checkPeriod()) return;
    history.replaceState(null, '', withQuery('/stats', { period: period() }));
    await showFigures();
    renderChecks();
    renderExports();
    renderImport();
    renderCompare();
  }

  periodForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    await busy(showBtn, async () => {
      try { await load(); } catch (err) { showError(periodForm, err, 'stats'); }
    });
  });
  computeBtn?.addEventListener('click', async () => {
    if (!checkPeriod()) return;
    await busy(computeBtn, async () => {
      try {
        await post(`/api/v1/stats/${encodeURIComponent(period())}/compute`);
        await load();
        announce(t('stats.computed', { period: period() }));
      } catch (err) { showError(periodForm, err, 'stats'); }
    });
  });

  const areaSelect = canWrite ? select(catalogue.codelists.REF_AREA.map((a) => ({ value: a.code, label: `${a.code} – ${areaName(a)}` })),
    settings.ref_area, { name: 'ref_area', id: newId('area') }) : null;
  areaSelect?.addEventListener('change', async () => {
    const s = await patch('/api/v1/stats/settings', { ref_area: areaSelect.value });
    settings.ref_area = s.ref_area;
    document.getElementById('stats-area').textContent = t('stats.reporting_for', { area: s.ref_area });
    announce(t('stats.area_changed', { area: s.ref_area }));
    await load();
  });

  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, t('stats.title')),
      h('p', { class: 'muted', id: 'stats-area' }, t('stats.reporting_for', { area: settings.ref_area }))),
    h('p', { class: 'lead' }, t('stats.lead')),
    areaSelect ? h('div', { class: 'toolbar' }, field({ label: t('stats.area'), input: areaSelect, name: 'ref_area', hint: t('stats.area_hint') })) : null,
    periodForm,
    h('div', { class: 'stack' }, figures, checks, exports, imports, compare));
  await load();
}
