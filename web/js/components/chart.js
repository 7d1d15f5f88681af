// Charts through the vendored Chart.js (web/vendor/, copied by `make vendor`), each
// drawn on a canvas described for screen readers and followed by its data as a table.
import { h } from '../dom.js';
import { t, intlLocale } from '../i18n.js';

let loading = null;

// Resolves to window.Chart, loading the library once; null if it is not there.
export function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = '/vendor/chart.umd.min.js';
      s.onload = () => resolve(window.Chart || null);
      s.onerror = () => resolve(null);
      document.head.append(s);
    });
  }
  return loading;
}

// A table of the chart's numbers: columns [{label, cell(row) -> node|string, num}].
export function dataTable(caption, columns, rows) {
  return h('details', { class: 'data-table' }, h('summary', {}, t('chart.show_table')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c, i) => (i === 0
        ? h('th', { scope: 'row' }, c.cell(r)) : h('td', { class: c.num ? 'num' : null }, c.cell(r))))))))));
}

// Draws a chart of `config` (Chart.js) into a box; `label` describes it.
export async function drawChart(box, label, config) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  box.replaceChildren(canvas);
  const Chart = await loadChart();
  if (!Chart) { box.replaceChildren(h('p', { class: 'hint' }, t('chart.unavailable'))); return null; }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1b1f24';
  return new Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, locale: intlLocale(), ...config.options },
  });
}
