// Administration of accounts: create, change role and sites, disable, reset password.
import { h, announce } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, showError, clearErrors, busy } from '../forms.js';
import { confirmDialog } from '../components/confirm.js';

const ROLES = ['admin', 'registrar', 'protection', 'counsellor', 'interp', 'statistician', 'viewer',
  'storekeeper', 'complaints', 'psea', 'trainer'];

// A password to hand over once: 14 characters without look-alikes (0/O, 1/l/I).
export function newPassword() {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export default async function render({ root, app }) {
  app.setTitle(t('admin_users.title'));
  const sites = await app.sites(true);
  // The roles that read protection details or PSEA reports, from the permission matrix.
  const matrix = await get('/api/v1/permissions');
  const sensitive = new Set([...(matrix.permissions['protection.details'] || []), ...(matrix.permissions['psea.read'] || [])]);
  const siteName = (id) => sites.find((s) => s.id === id)?.name || id;
  const writable = app.can('user.write');
  const tbody = h('tbody');
  const editor = h('div', { id: 'user-editor' });
  const secret = h('div', { id: 'password-notice', 'aria-live': 'polite' });
  const newBtn = writable ? h('button', { type: 'button', class: 'btn-primary', id: 'new-user', onclick: () => openForm(null) }, t('admin_users.new')) : null;

  function showPassword(user, password) {
    secret.replaceChildren(h('div', { class: 'notice notice-warn', role: 'status' },
      h('h2', {}, t('admin_users.password_title', { user: user.username })),
      h('p', {}, t('admin_users.password_text')), h('p', { class: 'big-reg', id: 'shown-password' }, password)));
  }

  function openForm(user) {
    const username = h('input', { name: 'username', value: user?.username || '', autocomplete: 'off', disabled: Boolean(user), spellcheck: 'false' });
    const display = h('input', { name: 'display_name', value: user?.display_name || '', autocomplete: 'off' });
    const role = select(ROLES.map((r) => ({ value: r, label: tOf(KEYS.ROLE, r) })), user?.role || 'registrar', { name: 'role' });
    const boxes = sites.map((s) => h('input', { type: 'checkbox', value: s.id, checked: user?.sites?.includes(s.id) }));
    const siteSet = fieldset({ legend: t('admin_users.sites'), name: 'sites', hint: t('admin_users.sites_hint'),
      children: h('div', { class: 'choice-row' }, boxes.map((b, i) => h('label', { class: 'choice' }, b, sites[i].name))) });
    // Roles that read protection files or PSEA reports are granted with a reason.
    const reason = h('textarea', { name: 'access_reason', rows: 2, maxlength: 500, dir: 'auto' });
    const reasonField = field({ label: t('admin_users.access_reason'), input: reason, name: 'access_reason', hint: t('admin_users.access_reason_hint') });
    const sync = () => { siteSet.hidden = role.value === 'admin'; reasonField.hidden = !sensitive.has(role.value); };
    role.addEventListener('change', sync);
    sync();
    const save = h('button', { type: 'submit', class: 'btn-primary' }, t('common.save'));
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'user-form-h' },
      h('h2', { id: 'user-form-h', tabindex: '-1' }, user ? t('admin_users.edit', { user: user.username }) : t('admin_users.new')),
      h('div', { class: 'form-row' },
        field({ label: t('admin_users.username'), input: username, name: 'username', hint: user ? null : t('admin_users.username_hint') }),
        field({ label: t('admin_users.display_name'), input: display, name: 'display_name' }),
        field({ label: t('admin_users.role'), input: role, name: 'role' })),
      siteSet, reasonField,
      user ? null : h('p', { class: 'hint' }, t('admin_users.password_generated')),
      h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'btn', onclick: () => { editor.replaceChildren(); newBtn?.focus(); } }, t('common.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { display_name: display.value.trim() || null, role: role.value,
        sites: role.value === 'admin' ? [] : boxes.filter((b) => b.checked).map((b) => b.value) };
      if (!user) body.username = username.value.trim();
      if (sensitive.has(role.value) && reason.value.trim()) body.access_reason = reason.value.trim();
      if (!user && !body.username) { showError(form, { code: 'invalid', field: 'username' }, 'user'); return; }
      await busy(save, async () => {
        try {
          if (user) {
            await patch(`/api/v1/users/${encodeURIComponent(user.id)}`, body);
          } else {
            const r = await post('/api/v1/users', body);
            if (r.initial_password) showPassword(r, r.initial_password);
          }
          editor.replaceChildren();
          announce(t('admin_users.saved'));
          await load();
          newBtn?.focus();
        } catch (err) { showError(form, err, 'user'); }
      });
    });
    editor.replaceChildren(form);
    form.querySelector('h2').focus();
  }

  async function update(user, body, messageKey) {
    try {
      await patch(`/api/v1/users/${encodeURIComponent(user.id)}`, body);
      announce(t(messageKey, { user: user.username }));
      await load();
      return true;
    } catch (err) {
      secret.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, err.message));
      return false;
    }
  }

  async function load() {
    const users = (await get('/api/v1/users')).items;
    tbody.replaceChildren(...users.map((u) => {
      const self = app.me && u.id === app.me.id;
      const actions = writable ? h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('admin_users.edit', { user: u.username }), onclick: () => openForm(u) }, t('common.edit')),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('admin_users.reset_x', { user: u.username }),
          onclick: async () => {
            if (!(await confirmDialog({ title: t('admin_users.reset_x', { user: u.username }), text: t('admin_users.reset_confirm'), confirm: t('admin_users.reset') }))) return;
            const pw = newPassword();
            if (await update(u, { password: pw }, 'admin_users.reset_done')) showPassword(u, pw);
          } }, t('admin_users.reset')),
        self ? null : h('button', { type: 'button', class: ['btn-small', u.active ? 'btn-danger' : 'btn'],
          'aria-label': t(u.active ? 'admin_users.disable_x' : 'admin_users.enable_x', { user: u.username }),
          onclick: async () => {
            if (u.active && !(await confirmDialog({ title: t('admin_users.disable_x', { user: u.username }), text: t('admin_users.disable_confirm'), confirm: t('common.disable') }))) return;
            await update(u, { active: !u.active }, u.active ? 'admin_users.disabled' : 'admin_users.enabled');
          } }, t(u.active ? 'common.disable' : 'common.enable'))) : null;
      return h('tr', { dataset: { user: u.username } },
        h('th', { scope: 'row' }, u.username), h('td', {}, u.display_name || ''), h('td', {}, tOf(KEYS.ROLE, u.role)),
        h('td', {}, u.role === 'admin' ? t('admin_users.all_sites') : (u.sites || []).map(siteName).join(', ') || '—'),
        h('td', {}, h('span', { class: ['badge', u.active ? 'badge-ok' : 'badge-off'] }, t(u.active ? 'common.active' : 'common.inactive'))),
        writable ? h('td', {}, actions) : null);
    }));
  }

  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('admin_users.title')), newBtn), secret, editor,
    h('div', { class: 'table-wrap' }, h('table', { id: 'admin-users' }, h('caption', { class: 'visually-hidden' }, t('admin_users.title')),
      h('thead', {}, h('tr', {}, ['admin_users.username', 'admin_users.display_name', 'admin_users.role', 'admin_users.sites', 'common.status']
        .map((k) => h('th', { scope: 'col' }, t(k))), writable ? h('th', { scope: 'col' }, t('common.actions')) : null)), tbody)));
  await load();
}
