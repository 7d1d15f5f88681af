// Stock per site: levels with the low-stock warning (a chart and the table), the ledger
// of one item, and for the storekeeper receipts, losses, counts and transfers.
import { h, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtNumber, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { drawChart } from '../components/chart.js';
import { sitePicker, itemName, table, kpi } from '../components/centres-common.js';

const KINDS = ['receipt', 'loss', 'count', 'transfer'];

export default async function render({ root, app }) {
  app.setTitle(t('dist.stock_title'));
  const sites = await app.sites();
  const catalogue = await get('/api/v1/distributions/items');
  const site = sitePicker(sites, sites[0]?.id, 'stock-site');
  const box = h('div', { id: 'stock-box' });
  const chartBox = h('div', { class: 'chart-box', id: 'stock-chart' });
  const ledgerBox = h('div', { id: 'ledger-box' });

  async function ledger(itemId) {
    const r = await get(withQuery('/api/v1/distributions/stock/ledger', { site: site.select.value, item: itemId, limit: 50 }));
    const item = catalogue.items.find((i) => i.id === itemId);
    ledgerBox.replaceChildren(h('h3', { id: 'ledger-h', tabindex: '-1' }, t('dist.ledger_of', { item: itemName(item) })),
      table('ledger', t('dist.ledger'), [
        { key: 'dist.when', cell: (l) => fmtDateTime(l.at) },
        { key: 'dist.movement', cell: (l) => tOf(KEYS.DIST_KIND, l.kind) },
        { key: 'dist.change', num: true, cell: (l) => (l.delta > 0 ? `+${fmtNumber(l.delta)}` : fmtNumber(l.delta)) },
        { key: 'dist.balance', num: true, cell: (l) => fmtNumber(l.balance) },
        { key: 'dist.by', cell: (l) => l.by_name },
        { key: 'dist.note', cell: (l) => l.note || '' },
      ], r.items, t('dist.no_ledger')));
    document.getElementById('ledger-h').focus();
  }

  async function load() {
    const s = await get(withQuery('/api/v1/distributions/stock', { site: site.select.value }));
    const rows = s.items;
    box.replaceChildren(h('div', { class: 'kpis' }, kpi(t('dist.items_stocked'), rows.length, 'kpi-items'),
      kpi(t('dist.low_items'), s.low, 'kpi-low', s.low > 0)),
    table('stock', t('dist.stock_title'), [
      { key: 'dist.item', cell: (r) => h('button', { type: 'button', class: 'link-button', onclick: () => ledger(r.item_id) }, itemName(r)) },
      { key: 'dist.stock', num: true, cell: (r) => fmtNumber(r.quantity) },
      { key: 'dist.low_level', num: true, cell: (r) => fmtNumber(r.low_stock) },
      { key: 'dist.status', cell: (r) => (r.low ? h('span', { class: 'badge badge-off' }, t('dist.low')) : h('span', { class: 'badge badge-ok' }, t('dist.ok'))) },
      { key: 'dist.ledger_sum', num: true, cell: (r) => fmtNumber(r.ledger_sum) },
    ], rows, t('dist.no_stock')));
    // Meals are counted in thousands: they would flatten every other bar.
    const shown = rows.filter((r) => r.code !== 'meal');
    await drawChart(chartBox, t('dist.stock_chart'), {
      type: 'bar',
      data: { labels: shown.map(itemName), datasets: [
        { label: t('dist.stock'), data: shown.map((r) => r.quantity), backgroundColor: shown.map((r) => (r.low ? '#b3261e' : '#1a5490')) },
        { label: t('dist.low_level'), data: shown.map((r) => r.low_stock), backgroundColor: '#d9c7a3' },
      ] },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true } } },
    });
  }
  site.select.addEventListener('change', () => { ledgerBox.replaceChildren(); load(); });

  let moveCard = null;
  if (app.can('stock.write')) {
    const kind = select(KINDS.map((k) => ({ value: k, label: tOf(KEYS.DIST_KIND, k) })), 'receipt', { id: 'move-kind' });
    const item = select(catalogue.items.map((i) => ({ value: i.id, label: itemName(i) })), null, { id: 'move-item' });
    const qty = h('input', { type: 'number', id: 'move-qty', min: '0', value: '1' });
    const to = select(sites.map((s) => ({ value: s.id, label: s.name })), null, { id: 'move-to' });
    const note = h('input', { type: 'text', id: 'move-note', maxlength: 200 });
    const toField = field({ label: t('dist.to_site'), input: to, name: 'to_site_id' });
    const sync = () => { toField.hidden = kind.value !== 'transfer'; };
    kind.addEventListener('change', sync);
    sync();
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'move-submit' }, t('dist.record_move'));
    const done = h('p', { role: 'status', id: 'move-done' });
    const form = h('form', { id: 'move-form', novalidate: true },
      h('div', { class: 'form-row' }, field({ label: t('dist.movement'), input: kind, name: 'kind' }),
        field({ label: t('dist.item'), input: item, name: 'item_id' }),
        field({ label: t('dist.quantity'), input: qty, name: 'quantity', hint: t('dist.count_hint') }), toField),
      field({ label: t('dist.note'), input: note, name: 'note' }), h('div', { class: 'actions' }, submit), done);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { site_id: site.select.value, item_id: item.value, kind: kind.value, quantity: Number(qty.value) };
      if (kind.value === 'transfer') body.to_site_id = to.value;
      if (note.value.trim()) body.note = note.value.trim();
      await busy(submit, async () => {
        try {
          await post('/api/v1/distributions/stock/movements', body);
          done.textContent = t('dist.moved');
          announce(done.textContent);
          await load();
        } catch (err) { showError(form, err, 'dist'); }
      });
    });
    moveCard = h('section', { class: 'card', 'aria-labelledby': 'move-h' }, h('h2', { id: 'move-h' }, t('dist.move_title')), form);
  }
  root.append(h('h1', {}, t('dist.stock_title')), h('div', { class: 'toolbar' }, site.field),
    h('section', { class: 'card', 'aria-labelledby': 'levels-h' }, h('h2', { id: 'levels-h' }, t('dist.levels')), chartBox, box),
    ledgerBox, moveCard);
  await load();
}
