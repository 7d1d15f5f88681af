// The check-out dialog (reason and note), used by the site board and the profile.
import { h, bdi, personName, announce } from '../dom.js';
import { post } from '../api.js';
import { t, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';

export const REASONS = ['moved_on', 'transferred', 'returned', 'absconded', 'other'];

// Asks for the reason and checks the stay out. Resolves to the closed stay, or null
// when the registrar cancels.
export function checkOutDialog(stay, person) {
  return new Promise((resolve) => {
    const reason = select([{ value: '', label: t('checkout.choose') },
      ...REASONS.map((r) => ({ value: r, label: tOf(KEYS.CHECKOUT_REASON, r) }))], stay.suggested_reason || '', { name: 'reason', required: true, id: 'checkout-reason' });
    // A person with protection needs (yes or no: no details at the desk) is not checked
    // out unnoticed: the dialog says so and asks to confirm that the team was told.
    const flagged = Boolean(person.protection_needs);
    const told = h('input', { type: 'checkbox', id: 'checkout-told', name: 'told' });
    const note = h('textarea', { name: 'note', id: 'checkout-note', maxlength: '500', rows: '3' });
    const ok = h('button', { type: 'submit', class: 'btn-danger', id: 'checkout-confirm' }, t('checkout.confirm'));
    const cancel = h('button', { type: 'button', class: 'btn', value: 'cancel' }, t('common.cancel'));
    const form = h('form', { method: 'dialog', novalidate: true },
      h('h2', { id: 'checkout-h' }, t('checkout.title')),
      h('p', {}, bdi(personName(person)), stay.bed ? ` — ${t('board.bed')} ${stay.bed}` : ''),
      flagged ? h('p', { class: 'notice notice-warn', id: 'checkout-flag' }, t('desk.checkout_flag')) : null,
      flagged ? h('div', { class: 'field', dataset: { field: 'told' } },
        h('label', { class: 'choice' }, told, t('desk.checkout_told')),
        h('p', { class: 'field-error', id: 'checkout-told-error', hidden: true })) : null,
      field({ label: t('checkout.reason_label'), input: reason, name: 'reason' }),
      field({ label: t('checkout.note'), input: note, name: 'note', hint: t('checkout.note_hint') }),
      h('div', { class: 'actions' }, ok, cancel));
    const dialog = h('dialog', { 'aria-labelledby': 'checkout-h', id: 'checkout-dialog' }, form);
    let done = null;
    const finish = () => { dialog.remove(); resolve(done); };
    dialog.addEventListener('close', finish);
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!reason.value) { showError(form, { code: 'invalid', field: 'reason' }, 'checkout'); return; }
      if (flagged && !told.checked) { showError(form, { code: 'invalid', field: 'told' }, 'checkout'); return; }
      await busy(ok, async () => {
        try {
          const body = { reason: reason.value };
          if (note.value.trim()) body.note = note.value.trim();
          done = await post(`/api/v1/stays/${encodeURIComponent(stay.id)}/checkout`, body);
          announce(t('checkout.done', { name: personName(person) }));
          dialog.close();
        } catch (err) {
          showError(form, err, 'checkout');
        }
      });
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}
