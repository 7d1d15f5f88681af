// The distribution desk: find the person, see what they may receive today and what they
// received, give in one step (a reason when they are not entitled), and meals for
// everyone present as one act.
import { h, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtNumber, fmtDate, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { sitePicker, personFinder, personLabel, itemName, table, label } from '../components/centres-common.js';

function statusText(line) {
  if (line.entitled) return t('dist.entitled', { n: fmtNumber(line.remaining) });
  const why = tOf(KEYS.DIST_REASON, line.reason);
  return line.next_date ? `${why} (${t('dist.until', { date: fmtDate(line.next_date) })})` : why;
}

export default async function render({ root, app }) {
  app.setTitle(t('dist.desk_title'));
  const sites = await app.sites();
  const catalogue = await get('/api/v1/distributions/items');
  const itemById = new Map(catalogue.items.map((i) => [i.id, i]));
  const site = sitePicker(sites, sites[0]?.id, 'desk-site');
  const personBox = h('section', { class: 'card', id: 'desk-person', 'aria-labelledby': 'desk-person-h', hidden: true });
  let person = null;

  async function show(p) {
    person = p;
    const ent = await get(withQuery(`/api/v1/persons/${encodeURIComponent(p.id)}/entitlements`, { site: site.select.value }));
    // What the person may have first, then what they had recently, then the rest.
    const rank = (l) => (l.entitled ? 0 : ['received_recently', 'over_limit'].includes(l.reason) ? 1 : 2);
    const rows = ent.items.filter((l) => l.item.category !== 'meal').sort((a, b) => rank(a) - rank(b));
    const lines = rows.map((l) => {
      const box = h('input', { type: 'checkbox', id: `give-${l.item.code}`, dataset: { item: l.item.id } });
      const qty = h('input', { type: 'number', min: '1', max: '100', value: '1', class: 'qty', id: `qty-${l.item.code}`,
        'aria-label': t('dist.quantity_of', { item: itemName(l.item) }) });
      return { l, box, qty };
    });
    const reason = h('textarea', { id: 'give-reason', rows: 2, maxlength: 300 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'give-submit' }, t('dist.give'));
    const form = h('form', { id: 'give-form', novalidate: true }, h('div', { class: 'table-wrap' }, h('table', { id: 'entitlements' },
      h('caption', {}, t('dist.today', { date: fmtDate(ent.date) })),
      h('thead', {}, h('tr', {}, ['dist.give_col', 'dist.item', 'dist.status', 'dist.stock', 'dist.quantity'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, lines.map(({ l, box, qty }) => h('tr', { class: l.entitled ? null : 'not-entitled', dataset: { code: l.item.code } },
        h('td', {}, box, h('label', { for: box.id, class: 'visually-hidden' }, itemName(l.item))),
        h('td', {}, itemName(l.item)),
        h('td', {}, h('span', { class: ['badge', l.entitled ? 'badge-ok' : 'badge-off'] }, statusText(l))),
        h('td', { class: 'num' }, fmtNumber(l.stock)), h('td', {}, qty)))))),
    field({ label: t('dist.reason_label'), input: reason, hint: t('dist.reason_hint'), name: 'reason' }),
    h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const items = lines.filter((x) => x.box.checked).map((x) => ({ item_id: x.box.dataset.item, quantity: Number(x.qty.value) || 1 }));
      if (!items.length) { showError(form, { field: null, message: t('dist.choose_item'), code: 'invalid' }); return; }
      const body = { person_id: p.id, site_id: site.select.value, items };
      if (reason.value.trim()) body.reason = reason.value.trim();
      await busy(submit, async () => {
        try {
          const r = await post('/api/v1/distributions', body);
          announce(t('dist.given', { n: r.ids.length }));
          await show(p);
          document.getElementById('give-done').textContent = t('dist.given', { n: r.ids.length });
        } catch (err) {
          if (err.key === 'not_entitled') {
            const item = catalogue.items.find((i) => i.code === err.params.item);
            const msg = t('dist.needs_reason', { item: itemName(item), rule: tOf(KEYS.DIST_REASON, err.params.rule) });
            const wrap = form.querySelector('[data-field="reason"] .field-error');
            wrap.textContent = msg;
            wrap.hidden = false;
            reason.setAttribute('aria-invalid', 'true');
            reason.focus();
            announce(msg);
          } else showError(form, err, 'dist');
        }
      });
    });
    personBox.hidden = false;
    personBox.replaceChildren(h('h2', { id: 'desk-person-h' }, personLabel(ent.person)),
      ent.person.flags.length ? h('p', {}, ent.person.flags.map((f) => h('span', { class: 'chip' }, label(catalogue.flags.find((x) => x.code === f)) || f))) : null,
      h('p', { id: 'give-done', class: 'notice-ok', role: 'status' }),
      form,
      h('h3', {}, t('dist.history')),
      table('history', t('dist.history'), [
        { key: 'dist.when', cell: (r) => fmtDateTime(r.at) },
        { key: 'dist.item', cell: (r) => itemName(itemById.get(r.item_id)) },
        { key: 'dist.quantity', num: true, cell: (r) => fmtNumber(r.quantity) },
        { key: 'dist.reason_col', cell: (r) => r.reason || (r.bulk_id ? t('dist.bulk_act') : '') },
      ], ent.history, t('dist.no_history')));
  }

  const finder = personFinder({ id: 'desk-find', siteId: () => site.select.value, onPick: (p) => show(p).then(() => document.getElementById('desk-person-h').focus()) });
  site.select.addEventListener('change', () => { if (person) show(person); });

  // Bulk: one item to everyone present.
  const bulkItem = select(catalogue.items.filter((i) => i.category === 'meal' || i.category === 'food').map((i) => ({ value: i.id, label: itemName(i) })), null, { id: 'bulk-item' });
  const bulkQty = h('input', { type: 'number', id: 'bulk-qty', min: '1', max: '10', value: '1' });
  const bulkNote = h('input', { type: 'text', id: 'bulk-note', maxlength: 200 });
  const bulkSubmit = h('button', { type: 'submit', class: 'btn', id: 'bulk-submit' }, t('dist.bulk_give'));
  const bulkDone = h('p', { id: 'bulk-done', role: 'status' });
  const bulkForm = h('form', { id: 'bulk-form', novalidate: true },
    h('div', { class: 'form-row' },
      field({ label: t('dist.item'), input: bulkItem, name: 'item_id' }),
      field({ label: t('dist.quantity_each'), input: bulkQty, name: 'quantity' }),
      field({ label: t('dist.note'), input: bulkNote, name: 'note' })),
    h('div', { class: 'actions' }, bulkSubmit), bulkDone);
  bulkForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(bulkForm);
    await busy(bulkSubmit, async () => {
      try {
        const r = await post('/api/v1/distributions/bulk', { site_id: site.select.value, item_id: bulkItem.value, quantity: Number(bulkQty.value) || 1, note: bulkNote.value.trim() || undefined });
        bulkDone.textContent = t('dist.bulk_done', { n: fmtNumber(r.recipients), skipped: fmtNumber(r.skipped), stock: fmtNumber(r.stock) });
        announce(bulkDone.textContent);
      } catch (err) { showError(bulkForm, err, 'dist'); }
    });
  });

  root.append(h('h1', {}, t('dist.desk_title')), h('p', { class: 'lead' }, t('dist.desk_lead')),
    h('div', { class: 'toolbar' }, site.field),
    h('section', { class: 'card', 'aria-labelledby': 'desk-find-h' }, h('h2', { id: 'desk-find-h' }, t('dist.find')), finder),
    personBox,
    h('section', { class: 'card', 'aria-labelledby': 'bulk-h' }, h('h2', { id: 'bulk-h' }, t('dist.bulk_title')),
      h('p', { class: 'hint' }, t('dist.bulk_hint')), bulkForm));
}
