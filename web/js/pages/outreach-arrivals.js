// The desk of a centre: people a mobile team is bringing, and how many arrived.
import { h, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtNumber, fmtDate } from '../i18n.js';
import { errorMessage } from '../forms.js';
import { ensureCss } from '../outreach/common.js';

export default async function render({ root, app }) {
  ensureCss();
  app.setTitle(t('outreach.arrivals.title'));
  const sites = await app.sites();
  const data = await get('/api/v1/outreach/transports?pending=1');
  const name = (id) => (sites.find((s) => s.id === id) || {}).name || id;
  root.append(h('h1', {}, t('outreach.arrivals.title')), h('p', { class: 'lead' }, t('outreach.arrivals.lead')));
  if (!data.items.length) { root.append(h('p', { class: 'muted', id: 'arrivals-none' }, t('outreach.arrivals.none'))); return; }
  root.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('outreach.arrivals.title') }, h('table', { id: 'arrivals' },
    h('thead', {}, h('tr', {}, ['outreach.arrivals.date', 'outreach.arrivals.from', 'outreach.arrivals.centre', 'outreach.arrivals.people', 'outreach.arrivals.arrived'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, data.items.map((x) => {
      const id = `arr-${x.id}`;
      const input = h('input', { id, type: 'number', min: '0', max: String(x.people), value: String(x.people), class: 'or-count' });
      const msg = h('span', { role: 'status' });
      const btn = h('button', { type: 'button', class: 'btn btn-small', onclick: async () => {
        try {
          await post(`/api/v1/outreach/transports/${x.id}/arrival`, { arrived: Number(input.value) });
          msg.textContent = t('outreach.arrivals.checked');
          btn.disabled = true;
          input.disabled = true;
          announce(t('outreach.arrivals.checked'));
        } catch (e) { msg.textContent = errorMessage(e); }
      } }, t('outreach.arrivals.check'));
      return h('tr', { dataset: { id: x.id } }, h('td', {}, fmtDate(x.visited_on)), h('td', {}, x.location_name), h('td', {}, name(x.site_id)),
        h('td', { class: 'num' }, fmtNumber(x.people)),
        h('td', {}, h('label', { for: id, class: 'visually-hidden' }, t('outreach.arrivals.arrived')), input, ' ', btn, ' ', msg));
    })))));
}
