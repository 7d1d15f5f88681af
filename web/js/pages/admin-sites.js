// Administration of sites: create, change capacity and names, disable and enable.
import { h, announce } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, fmtNumber, localeCode } from '../i18n.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { confirmDialog } from '../components/confirm.js';

export default async function render({ root, app }) {
  app.setTitle(t('admin_sites.title'));
  const kinds = (await get('/api/v1/codes/site-kinds')).items;
  const kindName = (code) => {
    const k = kinds.find((x) => x.code === code);
    if (!k) return code;
    return localeCode() === 'sr-Cyrl' ? k.sr : localeCode() === 'bs' ? k.bs : k.en;
  };
  const tbody = h('tbody');
  const editor = h('div', { id: 'site-editor' });
  const newBtn = h('button', { type: 'button', class: 'btn-primary', id: 'new-site', onclick: () => openForm(null) }, t('admin_sites.new'));

  function openForm(site) {
    const name = h('input', { name: 'name', value: site?.name || '', autocomplete: 'off' });
    const code = h('input', { name: 'code', value: site?.code || '', autocomplete: 'off', class: 'narrow', maxlength: '6', disabled: Boolean(site) });
    const muni = h('input', { name: 'municipality', value: site?.municipality || '', autocomplete: 'off' });
    const kind = select(kinds.map((k) => ({ value: k.code, label: kindName(k.code) })), site?.kind || kinds[0].code, { name: 'kind' });
    const cap = h('input', { name: 'capacity', type: 'number', min: '0', max: '100000', value: String(site?.capacity ?? ''), class: 'narrow', inputmode: 'numeric' });
    const save = h('button', { type: 'submit', class: 'btn-primary' }, t('common.save'));
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'site-form-h' },
      h('h2', { id: 'site-form-h', tabindex: '-1' }, site ? t('admin_sites.edit', { name: site.name }) : t('admin_sites.new')),
      h('div', { class: 'form-row' },
        field({ label: t('site.name'), input: name, name: 'name' }),
        field({ label: t('site.code'), input: code, name: 'code', hint: t('admin_sites.code_hint') }),
        field({ label: t('site.municipality'), input: muni, name: 'municipality' }),
        field({ label: t('site.kind'), input: kind, name: 'kind' }),
        field({ label: t('site.capacity'), input: cap, name: 'capacity', hint: t('admin_sites.capacity_hint') })),
      h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'btn', onclick: () => { editor.replaceChildren(); newBtn.focus(); } }, t('common.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!name.value.trim()) { showError(form, { code: 'invalid', field: 'name' }, 'site'); return; }
      if (cap.value === '' || !/^\d+$/.test(cap.value)) { showError(form, { code: 'invalid', field: 'capacity' }, 'site'); return; }
      const body = { name: name.value.trim(), municipality: muni.value.trim() || null, kind: kind.value, capacity: Number(cap.value) };
      if (!site && code.value.trim()) body.code = code.value.trim().toUpperCase();
      await busy(save, async () => {
        try {
          if (site) await patch(`/api/v1/sites/${encodeURIComponent(site.id)}`, body);
          else await post('/api/v1/sites', body);
          editor.replaceChildren();
          announce(t('admin_sites.saved', { name: body.name }));
          await load();
          newBtn.focus();
        } catch (err) { showError(form, err, 'site'); }
      });
    });
    editor.replaceChildren(form);
    form.querySelector('h2').focus();
  }

  async function setActive(site, active) {
    if (!active && !(await confirmDialog({ title: t('admin_sites.disable_x', { name: site.name }), text: t('admin_sites.disable_confirm'), confirm: t('common.disable') }))) return;
    await patch(`/api/v1/sites/${encodeURIComponent(site.id)}`, { active });
    announce(t(active ? 'admin_sites.enabled' : 'admin_sites.disabled', { name: site.name }));
    await load();
  }

  async function load() {
    const sites = await app.sites(true);
    tbody.replaceChildren(...sites.map((s) => h('tr', { dataset: { site: s.code } },
      h('th', { scope: 'row' }, s.name), h('td', {}, s.code), h('td', {}, s.municipality || ''), h('td', {}, kindName(s.kind)),
      h('td', { class: 'num' }, fmtNumber(s.capacity)), h('td', { class: 'num' }, fmtNumber(s.present)),
      h('td', {}, h('span', { class: ['badge', s.active ? 'badge-ok' : 'badge-off'] }, t(s.active ? 'common.active' : 'common.inactive'))),
      h('td', {}, h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('admin_sites.edit', { name: s.name }), onclick: () => openForm(s) }, t('common.edit')),
        h('button', { type: 'button', class: ['btn-small', s.active ? 'btn-danger' : 'btn'],
          'aria-label': t(s.active ? 'admin_sites.disable_x' : 'admin_sites.enable_x', { name: s.name }),
          onclick: () => setActive(s, !s.active) }, t(s.active ? 'common.disable' : 'common.enable')))))));
  }

  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('admin_sites.title')), newBtn), editor,
    h('div', { class: 'table-wrap' }, h('table', { id: 'admin-sites' }, h('caption', { class: 'visually-hidden' }, t('admin_sites.title')),
      h('thead', {}, h('tr', {}, ['site.name', 'site.code', 'site.municipality', 'site.kind', 'site.capacity', 'dashboard.present', 'common.status', 'common.actions']
        .map((k, i) => h('th', { scope: 'col', class: i === 4 || i === 5 ? 'num' : null }, t(k))))), tbody)));
  await load();
}
