// "Who saw this": the audited reads of one person's sensitive records (the protection
// file, the registration card, identity documents, the photo), for the data protection
// officer and the administrator (audit.readers in data/permissions.tsv), beside the
// person, the protection file and the case. It reads /api/v1/persons/{id}/readers, which
// keeps to need to know: only a person the reader may see, and for a reader without
// protection details "the protection file" rather than which case, referral or
// screening; never what was read. Looking is itself audited.
import { h, bdi } from '../dom.js';
import { get, withQuery, ApiError } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { errorMessage } from '../forms.js';

const SHOWN = 20;

// Literal keys (the key-parity test reads them): what kind of record was opened.
const WHAT = {
  protection: 'audit.read_of.protection',
  protection_file: 'audit.read_of.protection',
  protection_screenings: 'audit.entity.protection_screenings',
  protection_consents: 'audit.entity.protection_consents',
  protection_case: 'audit.entity.protection_case',
  protection_referral: 'audit.entity.protection_referral',
  registration_card: 'audit.read_of.registration_card',
  person_documents: 'audit.read_of.person_documents',
  person_photo: 'audit.read_of.person_photo',
};

// The section for the person personId, or null for a role that may not see readers.
export function auditPanel(app, personId, { id = 'who-saw' } = {}) {
  if (!app.can('audit.readers') || !personId) return null;
  const list = h('div', { id: `${id}-list`, 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('audit.loading')));
  const section = h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, t('audit.who_saw')),
    h('p', { class: 'muted' }, t('audit.who_saw_lead')),
    list,
    app.can('audit.read') ? h('p', {}, h('a', { href: withQuery('/audit', { entity: 'person', id: personId }) }, t('audit.all_for_record'))) : null);
  load(personId, list, id);
  return section;
}

async function load(personId, list, id) {
  let items;
  try {
    items = (await get(withQuery(`/api/v1/persons/${encodeURIComponent(personId)}/readers`, { limit: SHOWN }))).items;
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
    h('thead', {}, h('tr', {}, ['audit.actor', 'audit.when', 'audit.what', 'audit.address'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((it) => h('tr', { dataset: { seq: it.seq } },
      h('td', {}, bdi(it.actor_name || it.actor_id || '—'),
        it.break_glass ? [' ', h('span', { class: 'badge badge-off' }, t('audit.break_glass'))] : null),
      h('td', {}, h('time', { datetime: it.at }, fmtDateTime(it.at))),
      h('td', {}, WHAT[it.entity] ? t(WHAT[it.entity]) : it.entity),
      h('td', {}, it.address || '—')))))));
}
