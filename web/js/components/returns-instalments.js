// The grant instalments of a reintegration plan: the list (amount, due, status, who
// approved, when paid), a form for the next one, and approve / pay / cancel buttons. An
// instalment is approved by someone other than who planned it (the server says so).
import { h, bdi, announce } from '../dom.js';
import { post } from '../api.js';
import { t, fmtDate, fmtNumber, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, clearErrors, busy, showError, dateInput, dateValue } from '../forms.js';

const CURRENCIES = ['EUR', 'BAM', 'RSD', 'USD', 'CHF', 'TRY', 'PKR', 'AFN', 'MAD', 'DZD', 'TND', 'EGP', 'IQD', 'IRR', 'BDT', 'INR', 'NPR', 'GBP'];

function money(i) {
  return `${fmtNumber(i.amount, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${i.currency}`;
}

// plan: the case's plan; url: the case's API path; onChange(case) after a write.
export function instalmentsBlock(plan, url, writer, onChange) {
  const box = h('div', { id: 'instalments-box' });
  const actionError = h('div', { class: 'form-error', role: 'alert', hidden: true, id: 'instalment-error' });
  async function act(i, body, button) {
    actionError.hidden = true;
    await busy(button, async () => {
      try {
        const c = await post(`${url}/plan/instalments/${encodeURIComponent(i.id)}`, body);
        announce(tOf(KEYS.AVRR_INST_DONE, body.action));
        onChange(c);
        document.getElementById('instalments-h')?.focus();
      } catch (err) {
        actionError.textContent = showError(h('form'), err, 'avrr');
        actionError.hidden = false;
        actionError.focus();
      }
    });
  }
  const rows = plan.instalments.map((i) => h('tr', { dataset: { id: i.id } },
    h('th', { scope: 'row' }, String(i.seq)),
    h('td', { class: 'num' }, money(i)),
    h('td', {}, fmtDate(i.due_on), i.overdue ? [' · ', h('strong', { class: 'overdue' }, t('ret.overdue'))] : ''),
    h('td', {}, i.description ? bdi(i.description) : '—'),
    h('td', { class: 'inst-status' }, tOf(KEYS.AVRR_INST_STATUS, i.status),
      i.approved_by ? [h('br'), t('avrr.approved_by', { name: i.approved_by })] : null,
      i.paid_on ? [h('br'), t('avrr.paid_on', { date: fmtDate(i.paid_on) }), i.payment_reference ? [' · ', bdi(i.payment_reference)] : null] : null),
    h('td', {}, writer ? h('div', { class: 'btn-row' },
      i.status === 'planned' ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('avrr.inst_approve')} ${i.seq}`, onclick: (e) => act(i, { action: 'approve' }, e.currentTarget) }, t('avrr.inst_approve')) : null,
      i.status === 'approved' ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('avrr.inst_pay')} ${i.seq}`, onclick: (e) => act(i, { action: 'pay' }, e.currentTarget) }, t('avrr.inst_pay')) : null,
      i.status === 'planned' || i.status === 'approved' ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${t('avrr.inst_cancel')} ${i.seq}`,
        onclick: (e) => { const reason = window.prompt(t('avrr.inst_cancel_reason')); if (reason) act(i, { action: 'cancel', reason }, e.currentTarget); } }, t('avrr.inst_cancel')) : null) : null)));
  box.append(h('h3', { id: 'instalments-h', tabindex: '-1' }, t('avrr.instalments')),
    h('p', { id: 'instalments-total' }, t('avrr.inst_totals', { planned: fmtNumber(plan.instalments_eur, { minimumFractionDigits: 2, maximumFractionDigits: 2 }), paid: fmtNumber(plan.paid_eur, { minimumFractionDigits: 2, maximumFractionDigits: 2 }), budget: fmtNumber(plan.budget_eur) })),
    actionError,
    plan.instalments.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'instalments' },
      h('caption', { class: 'visually-hidden' }, t('avrr.instalments')),
      h('thead', {}, h('tr', {}, ['#', t('avrr.amount'), t('avrr.due_on'), t('avrr.description'), t('avrr.status'), t('avrr.actions')]
        .map((x, k) => h('th', { scope: 'col', class: k === 1 ? 'num' : null }, x)))),
      h('tbody', {}, rows))) : h('p', { class: 'muted' }, t('avrr.no_instalments')));
  if (!writer) return box;
  const amount = h('input', { type: 'number', id: 'inst-amount', min: '0.01', step: '0.01', inputmode: 'decimal' });
  const currency = select(CURRENCIES.map((c) => ({ value: c, label: c })), 'EUR', { id: 'inst-currency' });
  const due = dateInput({ id: 'inst-due', value: new Date().toISOString().slice(0, 10) });
  const description = h('input', { type: 'text', id: 'inst-description', autocomplete: 'off', maxlength: 200 });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'inst-submit' }, t('avrr.inst_add'));
  const form = h('form', { id: 'instalment-form', novalidate: true, 'aria-label': t('avrr.inst_add') },
    h('div', { class: 'form-row' }, field({ label: t('avrr.amount'), input: amount, name: 'amount' }),
      field({ label: t('avrr.currency'), input: currency, name: 'currency' }),
      field({ label: t('avrr.due_on'), input: due, name: 'due_on' }),
      field({ label: t('avrr.description'), input: description, name: 'description' })),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    await busy(submit, async () => {
      try {
        const c = await post(`${url}/plan/instalments`, { amount: Number(amount.value), currency: currency.value, due_on: dateValue(due),
          description: description.value.trim() || undefined });
        announce(t('avrr.inst_recorded'));
        onChange(c);
        document.getElementById('instalments-h')?.focus();
      } catch (err) { showError(form, err, 'avrr'); }
    });
  });
  box.append(form);
  return box;
}
