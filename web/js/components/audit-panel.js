// "Who saw this": the audited reads of one record, for the roles that may read the
// audit (data/permissions.tsv, audit.read), beside the record itself. It reads the same
// /api/v1/audit as the audit page, one query per audited entity of the record, and links
// to the audit page for everything else done to it.
import { h, bdi } from '../dom.js';
import { get, withQuery, ApiError } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { errorMessage } from '../forms.js';

const SHOWN = 20;

// records: [{entity, id}] the server audits for this page (a case; a person's file,
// screenings, consents). Returns the section, or null for a role without audit.read.
export function auditPanel(app, records, { id = 'who-saw' } = {}) {
  if (!app.can('audit.read')) return null;
  // Who opened a protection record is itself a protection fact (docs/security-auth.md):
  // the server refuses one record's entries to a reader without protection details, and
  // the panel says so rather than failing.
  if (!app.can('protection.details') && records.some((r) => /^protection_/.test(r.entity))) {
    return h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` },
      h('h2', { id: `${id}-h` }, t('audit.who_saw')),
      h('p', { class: 'muted', id: `${id}-need-to-know` }, t('audit.who_saw_need_to_know')));
  }
  const list = h('div', { id: `${id}-list`, 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('audit.loading')));
  const first = records[0];
  const section = h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, t('audit.who_saw')),
    h('p', { class: 'muted' }, t('audit.who_saw_lead')),
    list,
    h('p', {}, h('a', { href: withQuery('/audit', { entity: first.entity, id: first.id }) }, t('audit.all_for_record'))));
  load(records, list, id);
  return section;
}

async function load(records, list, id) {
  let items;
  try {
    const answers = await Promise.all(records.map((r) => get(withQuery('/api/v1/audit',
      { entity: r.entity, id: r.id, action: 'read', limit: SHOWN }))));
    items = answers.flatMap((a) => a.items).sort((a, b) => b.seq - a.seq).slice(0, SHOWN);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 401) return; // the session ended: the login page takes over
    list.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    return;
  }
  if (!items.length) {
    list.replaceChildren(h('p', { class: 'muted', id: `${id}-none` }, t('audit.nobody_saw')));
    return;
  }
  list.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { id: `${id}-table` },
    h('caption', { class: 'visually-hidden' }, t('audit.who_saw')),
    h('thead', {}, h('tr', {}, ['audit.actor', 'audit.when', 'audit.what'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((it) => h('tr', {},
      h('td', {}, bdi(it.actor_name || it.actor_id || '—'),
        it.detail && it.detail.break_glass_id ? [' ', h('span', { class: 'badge badge-off' }, t('audit.break_glass'))] : null),
      h('td', {}, h('time', { datetime: it.at }, fmtDateTime(it.at))),
      h('td', {}, t(`audit.entity.${it.entity}`))))))));
}

