// The desk's side-by-side comparison: what the registrar has typed beside an earlier
// registration the engine proposes, with what only the earlier record has (its photo,
// its identity documents, where the person is now and in which bed), so that the person
// in front of the desk can be compared with it before "same person" or "new person".
import { h, bdi, personName } from '../dom.js';
import { get, ApiError } from '../api.js';
import { t, tOf, fmtBirthFull, fmtDateTime, codeName } from '../i18n.js';
import { KEYS } from '../keys.js';

const same = (a, b) => Boolean(a && b) && a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

// A row of the table: the label, the typed value, the earlier record's value and, when
// both are known, whether they agree (in words, not only by colour).
// A name that differs is "written differently": the engine proposed the record because
// the names sound alike, and a spelling is what changes between two registrations.
function row(label, typed, earlier, agree, { name = false } = {}) {
  const differs = name ? 'compare.written_differently' : 'compare.differs';
  const mark = agree == null ? null : h('span', { class: ['badge', agree ? 'badge-ok' : 'badge-warn'] }, t(agree ? 'compare.agrees' : differs));
  return h('tr', {}, h('th', { scope: 'row' }, label),
    h('td', {}, typed ?? h('span', { class: 'muted' }, '—')),
    h('td', {}, earlier ?? h('span', { class: 'muted' }, '—'), mark ? [' ', mark] : null));
}

async function optional(path) {
  try { return await get(path); } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

// Opens the comparison of entry (the form as typed: given_name, family_name, birth_date,
// birth_date_precision, citizenship) with the candidate c; resolves when it is closed.
export async function compareDialog(entry, c) {
  const base = `/api/v1/persons/${encodeURIComponent(c.id)}`;
  const [person, photo, docs] = await Promise.all([get(base), optional(`${base}/photo/info`), optional(`${base}/documents`)]);
  const stay = person.current_stay;
  const typedBirth = entry.birth_date ? fmtBirthFull(entry) : null;
  const earlierBirth = person.birth_date ? fmtBirthFull(person) : null;
  const birthAgrees = entry.birth_date && person.birth_date
    ? (entry.birth_date_precision === 'year' || person.birth_date_precision === 'year'
      ? entry.birth_date.slice(0, 4) === person.birth_date.slice(0, 4) : entry.birth_date === person.birth_date)
    : null;
  const picture = photo
    ? h('img', { src: `${base}/photo?v=${encodeURIComponent(photo.updated_at)}`, alt: t('idoc.photo_alt', { name: personName(person) }), width: 160, id: 'compare-photo' })
    : h('span', { class: 'muted', id: 'compare-no-photo' }, t('idoc.no_photo'));
  const documents = docs?.items?.length
    ? h('ul', { class: 'doc-list', id: 'compare-documents' }, docs.items.map((d) => h('li', {},
      h('strong', {}, tOf(KEYS.IDOC_TYPE, d.type)), ' ', h('span', { class: 'doc-number', dir: 'ltr' }, d.number_display),
      d.country ? ` · ${codeName('countries', d.country)}` : '')))
    : h('span', { class: 'muted' }, t('idoc.none'));
  const where = stay
    ? h('span', { id: 'compare-where' }, t('compare.where_now', { site: stay.site_name || '', bed: stay.bed || t('board.no_bed'), since: fmtDateTime(stay.checked_in_at) }))
    : h('span', { id: 'compare-where' }, t('person.not_checked_in'));
  const close = h('button', { type: 'button', class: 'btn', id: 'compare-close' }, t('compare.close'));
  const dialog = h('dialog', { class: 'compare-dialog', 'aria-labelledby': 'compare-h' },
    h('h2', { id: 'compare-h' }, t('compare.title')),
    h('p', { class: 'hint' }, t('compare.lead')),
    h('div', { class: 'table-wrap' }, h('table', { id: 'compare-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('compare.field'))),
        h('th', { scope: 'col' }, t('compare.typed')), h('th', { scope: 'col' }, t('compare.earlier', { reg_no: person.reg_no })))),
      h('tbody', {},
        row(t('person.given_name'), entry.given_name ? bdi(entry.given_name) : null, bdi(person.given_name), same(entry.given_name, person.given_name), { name: true }),
        row(t('person.family_name'), entry.family_name ? bdi(entry.family_name) : null, bdi(person.family_name), same(entry.family_name, person.family_name), { name: true }),
        person.native_name ? row(t('compare.native_name'), null, h('bdi', { dir: 'auto' }, person.native_name), null) : null,
        row(t('person.birth_date'), typedBirth, earlierBirth, birthAgrees),
        row(t('person.citizenship'), entry.citizenship ? codeName('countries', entry.citizenship) : null,
          codeName('countries', person.citizenship), entry.citizenship ? entry.citizenship === person.citizenship : null),
        row(t('idoc.photo'), h('span', { class: 'muted' }, t('compare.look_at_person')), picture, null),
        row(t('idoc.documents'), h('span', { class: 'muted' }, t('compare.ask_documents')), documents, null),
        row(t('compare.where'), null, where, null)))),
    h('div', { class: 'actions' }, close));
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => { dialog.remove(); if (opener?.isConnected) opener.focus(); resolve(); });
    close.addEventListener('click', () => dialog.close());
    document.body.append(dialog);
    dialog.showModal();
    close.focus();
  });
}
