// Changing one's own password: the current one, the new one twice. The other sessions
// of the account end; this one goes on.
import { h, announce } from '../dom.js';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { field, showError, clearErrors, busy } from '../forms.js';

export default async function render({ root, app }) {
  app.setTitle(t('account.password_title'));
  const input = (id, autocomplete) => h('input', { type: 'password', id, autocomplete, maxlength: 200, spellcheck: 'false' });
  const current = input('current-password', 'current-password');
  const next = input('new-password', 'new-password');
  const again = input('new-password-again', 'new-password');
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'change-password' }, t('account.save'));
  const done = h('div', { id: 'password-changed', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true, id: 'password-form', 'aria-labelledby': 'password-h' },
    field({ label: t('account.current'), input: current, name: 'current_password' }),
    field({ label: t('account.new'), input: next, name: 'new_password', hint: t('account.new_hint') }),
    field({ label: t('account.again'), input: again, name: 'new_password_again' }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    done.replaceChildren();
    if (!current.value) { showError(form, { code: 'invalid', field: 'current_password', key: 'account_required' }); return; }
    if (next.value !== again.value) { showError(form, { code: 'invalid', field: 'new_password_again', key: 'password_mismatch' }); return; }
    await busy(submit, async () => {
      try {
        await post('/api/v1/me/password', { current_password: current.value, new_password: next.value });
        form.reset();
        done.replaceChildren(h('p', { class: 'notice notice-ok', role: 'status' }, t('account.changed')));
        announce(t('account.changed'));
      } catch (err) { showError(form, err, 'account'); }
    });
  });
  root.append(h('h1', { id: 'password-h' }, t('account.password_title')), done, form);
}
