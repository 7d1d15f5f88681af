// Who was given access to protection (or PSEA) data, by whom, when and why: each grant is
// an audited act of its own (docs/security-auth.md), listed for the staff of those data.
import { h } from '../dom.js';
import { get } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';

// kind: 'protection' | 'psea'. siteName maps a site id to its name.
export async function accessGrants(kind, siteName) {
  const r = await get(`/api/v1/${kind}/access-grants`);
  const id = `${kind}-grants`;
  const rows = r.items.map((g) => h('tr', { dataset: { grant: g.detail.username || '' } },
    h('td', {}, fmtDateTime(g.at)), h('td', {}, g.detail.username || '—'), h('td', {}, tOf(KEYS.ROLE, g.detail.role)),
    h('td', {}, (g.detail.sites || []).map(siteName).join(', ') || '—'), h('td', {}, g.actor_name),
    h('td', { dir: 'auto' }, g.detail.reason || '')));
  return h('section', { class: 'card', 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, tOf(KEYS.GRANTS_TITLE, kind)),
    h('p', { class: 'hint' }, t('grants.lead')),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { id },
      h('caption', { class: 'visually-hidden' }, tOf(KEYS.GRANTS_TITLE, kind)),
      h('thead', {}, h('tr', {}, ['grants.when', 'grants.whom', 'grants.role', 'grants.sites', 'grants.by', 'grants.reason']
        .map((k) => h('th', { scope: 'col' }, t(k))))), h('tbody', {}, rows)))
      : h('p', { class: 'muted' }, t('grants.none')));
}
