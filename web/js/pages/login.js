// Logging in, and the state shown when a session has ended.
import { h } from '../dom.js';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { field, showError, clearErrors, busy } from '../forms.js';

export default async function render({ root, app }) {
  app.setTitle(t('login.title'));
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn-primary' }, t('login.submit'));
  const form = h('form', { class: 'login-form', novalidate: true },
    field({ label: t('login.username'), input: user, name: 'username' }),
    field({ label: t('login.password'), input: pass, name: 'password' }),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!user.value.trim()) { showError(form, { code: 'invalid', field: 'username' }, 'login'); return; }
    if (!pass.value) { showError(form, { code: 'invalid', field: 'password' }, 'login'); return; }
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/session', { username: user.value.trim(), password: pass.value });
        pass.value = '';
        await app.loggedIn(r.user);
      } catch (err) {
        pass.value = '';
        showError(form, { ...err, field: null, code: err.code, message: err.message }, 'login');
        pass.focus();
      }
    });
  });
  const notice = app.expired
    ? h('div', { class: 'notice notice-warn', role: 'alert', id: 'session-expired' },
      h('h2', {}, t('login.expired_title')), h('p', {}, t('login.expired_text')))
    : null;
  root.append(h('section', { class: 'login-page' },
    h('h1', {}, t(app.expired ? 'login.expired_heading' : 'login.heading')),
    h('p', { class: 'lead' }, t('login.lead')),
    notice, form));
  user.focus();
}
