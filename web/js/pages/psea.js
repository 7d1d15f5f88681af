// The PSEA focal point's reports: those of their sites, none they recorded themselves.
import { h } from '../dom.js';
import { get } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { table } from '../components/centres-common.js';
import { accessGrants } from '../components/access-grants.js';

export default async function render({ root, app }) {
  app.setTitle(t('psea.inbox'));
  const sites = await app.sites();
  const r = await get('/api/v1/psea/reports');
  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('psea.inbox')), h('a', { class: 'btn', href: '/psea/new' }, t('psea.new'))),
    h('p', { class: 'lead' }, t('psea.inbox_lead')),
    table('psea-list', t('psea.inbox'), [
      { key: 'fb.received', cell: (x) => h('a', { href: `/psea/${encodeURIComponent(x.id)}` }, fmtDateTime(x.received_at)) },
      { key: 'centres.site', cell: (x) => sites.find((s) => s.id === x.site_id)?.name || '' },
      { key: 'psea.state_label', cell: (x) => tOf(KEYS.PSEA_STATE, x.state) },
      { key: 'psea.summary', cell: (x) => h('span', { dir: 'auto' }, x.summary_start) },
    ], r.items, t('psea.none')));
  root.append(await accessGrants('psea', (id) => sites.find((s) => s.id === id)?.name || id));
}
