// Tracing requests (protection officers only): the requests of the user's sites, and
// the form that records a new one: who is sought, last seen where and when, who asks.
import { h, bdi, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtNumber, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, clearErrorsOnEdit, busy } from '../forms.js';
import { table, sitePicker } from '../components/centres-common.js';
import { relationSelect, TRACE_RELATIONS, personFields } from '../components/families-common.js';

const STATUSES = ['open', 'found', 'reunited', 'closed'];

export default async function render({ root, app }) {
  app.setTitle(t('trc.title'));
  const sites = (await app.sites()).filter((s) => s.active);
  const status = select([{ value: '', label: t('trc.all') }, ...STATUSES.map((s) => ({ value: s, label: tOf(KEYS.TRC_STATUS, s) }))], 'open', { id: 'tr-status' });
  const listBox = h('div');
  async function load() {
    const r = await get(withQuery('/api/v1/tracing', { status: status.value, limit: 200 }));
    listBox.replaceChildren(h('p', { class: 'muted', id: 'tr-total' }, t('fam.shown', { n: fmtNumber(r.items.length), total: fmtNumber(r.total) })),
      table('tracing-list', t('trc.list'), [
        { key: 'trc.sought', cell: (x) => h('a', { href: `/tracing/${encodeURIComponent(x.id)}` }, bdi(x.sought_name)) },
        { key: 'trc.last_seen', cell: (x) => bdi(x.last_seen_place) },
        { key: 'trc.status_label', cell: (x) => h('span', { class: ['badge', x.status === 'open' ? null : 'badge-ok'] }, tOf(KEYS.TRC_STATUS, x.status)) },
        { key: 'trc.proposed', cell: (x) => fmtNumber(x.proposed), num: true },
        { key: 'trc.created', cell: (x) => fmtDateTime(x.created_at) },
      ], r.items, t('trc.none')));
  }
  status.addEventListener('change', load);
  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('trc.title'))), h('p', { class: 'muted lead-line' }, t('trc.lead')));
  if (app.can('tracing.write') && sites.length) root.append(await newRequest(sites, app));
  root.append(h('section', { class: 'card', 'aria-labelledby': 'tr-list-h' }, h('h2', { id: 'tr-list-h' }, t('trc.list')),
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: 'tr-status' }, t('trc.status_label')), status)), listBox));
  await load();
}

async function newRequest(sites, app) {
  const site = sitePicker(sites, sites[0].id, 'tr-site');
  const asker = h('input', { id: 'tr-asker', autocomplete: 'off' });
  const contact = h('input', { id: 'tr-contact', autocomplete: 'off' });
  const rel = relationSelect('sibling', { id: 'tr-rel' }, TRACE_RELATIONS);
  const sought = await personFields('sought.');
  const place = h('input', { id: 'tr-place', autocomplete: 'off' });
  const seen = h('input', { id: 'tr-seen', autocomplete: 'off', inputmode: 'numeric', class: 'narrow' });
  const circ = h('textarea', { id: 'tr-circ', rows: 3, maxlength: 4000 });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'tr-submit' }, t('trc.submit'));
  const form = h('form', { id: 'tr-form', novalidate: true },
    h('div', { class: 'form-row' }, site.field, field({ label: t('trc.asker'), input: asker, name: 'asker_name', hint: t('trc.asker_hint') }),
      field({ label: t('trc.contact'), input: contact, name: 'asker_contact' })),
    h('h3', {}, t('trc.sought_title')),
    field({ label: t('trc.relation'), input: rel, name: 'relation' }), sought.el,
    h('div', { class: 'form-row' }, field({ label: t('trc.place'), input: place, name: 'last_seen_place' }),
      field({ label: t('trc.seen_date'), input: seen, name: 'last_seen_date', hint: t('fam.birth_hint') })),
    field({ label: t('trc.circumstances'), input: circ, name: 'circumstances' }),
    h('div', { class: 'actions' }, submit));
  clearErrorsOnEdit(form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { site_id: site.select.value, relation: rel.value, sought: sought.read(), last_seen_place: place.value.trim() };
    if (!body.sought.given_name) delete body.sought.given_name;
    if (body.sought.citizenship === 'unknown') delete body.sought.citizenship;
    if (asker.value.trim()) body.asker_name = asker.value.trim();
    if (contact.value.trim()) body.asker_contact = contact.value.trim();
    if (seen.value.trim()) body.last_seen_date = seen.value.trim();
    if (circ.value.trim()) body.circumstances = circ.value.trim();
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/tracing', body);
        announce(t('trc.recorded'));
        app.navigate(`/tracing/${encodeURIComponent(r.id)}`);
      } catch (err) { showError(form, err, 'trc'); }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'tr-new-h' }, h('h2', { id: 'tr-new-h' }, t('trc.new')), h('p', { class: 'hint' }, t('trc.new_hint')), form);
}
