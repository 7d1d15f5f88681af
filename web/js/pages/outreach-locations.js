// Locations where the mobile teams meet people. A new one can be added on the spot,
// offline too (with the phone's position), and is sent with the outbox.
import { h, announce } from '../dom.js';
import { patch, ApiError } from '../api.js';
import { t, fmtNumber, fmtDate, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, showError, errorMessage } from '../forms.js';
import { cachedGet } from '../offline.js';
import { enqueue, flush } from '../outbox.js';
import { frame, newRecordId } from '../outreach/common.js';

export default async function render({ root, app }) {
  frame(root, app, 'outreach.locations.title');
  const data = await cachedGet('/api/v1/outreach/locations?all=1');
  const table = h('div', { class: 'table-wrap', id: 'locations-table', tabindex: '0', role: 'region', 'aria-label': t('outreach.locations.title') }, h('table', {},
    h('caption', {}, t('outreach.locations.count', { n: fmtNumber(data.items.length) })),
    h('thead', {}, h('tr', {}, ['outreach.locations.name', 'outreach.locations.kind', 'outreach.locations.municipality', 'outreach.locations.visits', 'outreach.locations.last_visit', 'outreach.locations.state'].map((k) => h('th', { scope: 'col', class: k === 'outreach.locations.visits' ? 'num' : null }, t(k))))),
    h('tbody', {}, data.items.map((l) => h('tr', { dataset: { id: l.id } },
      h('th', { scope: 'row' }, l.name), h('td', {}, tOf(KEYS.OUTREACH_KIND, l.kind)), h('td', {}, l.municipality),
      h('td', { class: 'num' }, fmtNumber(l.visits)), h('td', {}, l.last_visit ? fmtDate(l.last_visit) : '—'),
      h('td', {}, l.active ? h('span', { class: 'badge badge-ok' }, t('outreach.locations.active')) : h('span', { class: 'badge badge-off' }, t('outreach.locations.closed')),
        app.can('outreach.write') ? h('button', { type: 'button', class: 'btn btn-small or-toggle', onclick: async (e) => {
          try {
            await patch(`/api/v1/outreach/locations/${l.id}`, { active: !l.active });
            app.rerender();
          } catch (err) {
            e.target.after(h('span', { class: 'field-error', role: 'alert' }, err instanceof ApiError && err.status === 0 ? t('outreach.locations.needs_network') : errorMessage(err, 'outreach')));
          }
        } }, l.active ? t('outreach.locations.close') : t('outreach.locations.reopen')) : null))))));
  if (app.can('outreach.write')) root.append(addForm(app, data.kinds));
  root.append(table);
}

function addForm(app, kinds) {
  const name = h('input', { id: 'loc-name', type: 'text', required: true });
  const kind = h('select', { id: 'loc-kind' }, kinds.map((k) => h('option', { value: k }, tOf(KEYS.OUTREACH_KIND, k))));
  const municipality = h('input', { id: 'loc-municipality', type: 'text' });
  const lat = h('input', { id: 'loc-lat', type: 'number', step: 'any', inputmode: 'decimal' });
  const lon = h('input', { id: 'loc-lon', type: 'number', step: 'any', inputmode: 'decimal' });
  const notes = h('textarea', { id: 'loc-notes', rows: 2 });
  const status = h('div', { role: 'status' });
  const here = 'geolocation' in navigator ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => navigator.geolocation.getCurrentPosition((p) => {
    lat.value = p.coords.latitude.toFixed(6);
    lon.value = p.coords.longitude.toFixed(6);
  }, () => status.replaceChildren(h('p', { class: 'field-error' }, t('outreach.fill.no_position')))) }, t('outreach.fill.use_position')) : null;
  const form = h('form', { class: 'card', id: 'location-form', novalidate: true, 'aria-labelledby': 'loc-h' },
    h('h2', { id: 'loc-h' }, t('outreach.locations.add')),
    h('div', { class: 'form-row' }, field({ label: t('outreach.locations.name'), input: name, name: 'name' }),
      field({ label: t('outreach.locations.kind'), input: kind, name: 'kind' }),
      field({ label: t('outreach.locations.municipality'), input: municipality, name: 'municipality' })),
    h('div', { class: 'form-row' }, field({ label: t('outreach.locations.latitude'), input: lat, name: 'latitude' }),
      field({ label: t('outreach.locations.longitude'), input: lon, name: 'longitude' })), here,
    field({ label: t('outreach.locations.notes'), input: notes, name: 'notes' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn-primary', id: 'loc-save' }, t('outreach.locations.save'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!name.value.trim()) return showError(form, { field: 'name', code: 'invalid', message: t('outreach.locations.need_name') });
    if (lat.value === '' || lon.value === '') return showError(form, { field: 'latitude', code: 'invalid', message: t('outreach.locations.need_position') });
    const body = { id: newRecordId(), name: name.value.trim(), kind: kind.value, municipality: municipality.value.trim(), latitude: Number(lat.value), longitude: Number(lon.value), notes: notes.value.trim() || null };
    await enqueue({ id: body.id, url: '/api/v1/outreach/locations', body, label: body.name, kind: 'location' });
    form.reset();
    status.replaceChildren(h('p', { class: 'notice notice-ok' }, t('outreach.locations.saved')));
    announce(t('outreach.locations.saved'));
    await flush();
  });
  return form;
}
