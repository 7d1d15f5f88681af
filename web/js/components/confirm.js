// A modal question with a confirm and a cancel button, for actions that are hard to
// undo (resetting a password, disabling an account or a site).
import { h } from '../dom.js';
import { t } from '../i18n.js';

// Resolves to true when the user confirms, false otherwise (Cancel, Escape).
export function confirmDialog({ title, text, confirm, danger = true }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'button', class: danger ? 'btn-danger' : 'btn-primary', id: 'confirm-yes' }, confirm);
    const no = h('button', { type: 'button', class: 'btn', id: 'confirm-no' }, t('common.cancel'));
    const dialog = h('dialog', { 'aria-labelledby': 'confirm-h', 'aria-describedby': 'confirm-text' },
      h('h2', { id: 'confirm-h' }, title), h('p', { id: 'confirm-text' }, text), h('div', { class: 'actions' }, yes, no));
    const opener = document.activeElement;
    dialog.addEventListener('close', () => { dialog.remove(); if (opener && opener.isConnected) opener.focus(); resolve(answer); });
    yes.addEventListener('click', () => { answer = true; dialog.close(); });
    no.addEventListener('click', () => dialog.close());
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
