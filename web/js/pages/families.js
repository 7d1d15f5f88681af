// Families registered at the user's sites, and the form that registers a family
// together: one form, several people (earlier registered or new), each with their
// relation to the head; a child may be flagged unaccompanied or separated.
import { h, bdi, personName, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtNumber, fmtDateTime } from '../i18n.js';
import { field, showError, clearErrors, clearErrorsOnEdit, busy } from '../forms.js';
import { table, sitePicker } from '../components/centres-common.js';
import { relationSelect, separationSelect, personFields } from '../components/families-common.js';

export default async function render({ root, query, app }) {
  app.setTitle(t('fam.title'));
  const sites = (await app.sites()).filter((s) => s.active);
  const listBox = h('div');
  const filter = sitePicker(sites, '', 'fam-site-filter', t('fam.all_sites'));
  const siteName = (id) => sites.find((s) => s.id === id)?.name || '—';

  async function load() {
    const r = await get(withQuery('/api/v1/families', { site: filter.select.value, limit: 200 }));
    listBox.replaceChildren(h('p', { class: 'muted', id: 'fam-total' }, t('fam.shown', { n: fmtNumber(r.items.length), total: fmtNumber(r.total) })),
      table('families-list', t('fam.list'), [
        { key: 'fam.name', cell: (x) => h('a', { href: `/families/${encodeURIComponent(x.id)}` }, bdi(x.name)) },
        { key: 'fam.members', cell: (x) => fmtNumber(x.members), num: true },
        { key: 'fam.site', cell: (x) => siteName(x.site_id) },
        { key: 'fam.created', cell: (x) => fmtDateTime(x.created_at) },
      ], r.items, t('fam.none')));
  }
  filter.select.addEventListener('change', load);

  root.append(h('div', { class: 'page-head' }, h('h1', {}, t('fam.title'))),
    h('p', { class: 'muted lead-line' }, t('fam.lead')));
  if (app.can('family.write') && sites.length) root.append(await newFamilyForm(sites, query, app));
  root.append(h('section', { class: 'card', 'aria-labelledby': 'fam-list-h' }, h('h2', { id: 'fam-list-h' }, t('fam.list')),
    h('div', { class: 'toolbar' }, filter.field), listBox));
  await load();
}

async function newFamilyForm(sites, query, app) {
  const site = sitePicker(sites, sites[0].id, 'fam-new-site');
  const wrapSite = h('div', { class: 'field', dataset: { field: 'site_id' } }, ...site.field.childNodes, h('p', { class: 'field-error', hidden: true }));
  const name = h('input', { id: 'fam-new-name', autocomplete: 'off' });
  const rows = h('div', { class: 'stack', id: 'fam-rows' });
  const members = [];
  // An earlier registration opened from a profile ("Add to a family") is the first member.
  const headId = query.get('person');
  if (headId) {
    const p = await get(`/api/v1/persons/${encodeURIComponent(headId)}`);
    addRow({ existing: p, relation: 'head' });
  }

  async function addRow({ existing = null, relation = 'child' } = {}) {
    const i = members.length;
    const prefix = `members.${i}.`;
    const rel = relationSelect(existing ? relation : (i === 0 ? 'head' : relation), { id: `fam-rel-${i}` });
    const sep = separationSelect('', { id: `fam-sep-${i}` });
    const pf = existing ? null : await personFields(`${prefix}person.`, { family: members[0]?.family || '' });
    const who = existing
      ? h('p', { class: 'existing-member' }, bdi(personName(existing)), ' ', h('span', { class: 'reg-no' }, existing.reg_no))
      : pf.el;
    const li = h('div', { class: 'card family-row', dataset: { row: i } },
      h('h3', {}, t('fam.person_n', { n: i + 1 })), who,
      h('div', { class: 'form-row' },
        field({ label: t('fam.relation'), input: rel, name: `${prefix}relation`, hint: t('fam.relation_hint') }),
        field({ label: t('fam.separation'), input: sep, name: `${prefix}separation`, hint: t('fam.separation_hint') })),
      h('div', { dataset: { field: `${prefix}person_id` } }, h('p', { class: 'field-error', hidden: true })));
    members.push({ existing, pf, rel, sep, family: existing?.family_name || '' });
    rows.append(li);
    return pf;
  }

  const add = h('button', { type: 'button', class: 'btn', id: 'fam-add-row', onclick: async () => { const pf = await addRow(); pf?.focus(); } }, t('fam.add_person'));
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'fam-new-submit' }, t('fam.register'));
  const form = h('form', { id: 'fam-new-form', novalidate: true, 'aria-labelledby': 'fam-new-h' },
    h('div', { class: 'form-row' }, wrapSite, field({ label: t('fam.name'), input: name, name: 'name', hint: t('fam.name_hint') })),
    rows, h('div', { dataset: { field: 'members' } }, h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'actions' }, add, submit));
  if (!members.length) { await addRow({ relation: 'head' }); await addRow(); }
  clearErrorsOnEdit(form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { site_id: site.select.value, members: members.map((m) => {
      const out = { relation: m.rel.value };
      if (m.sep.value) out.separation = m.sep.value;
      if (m.existing) out.person_id = m.existing.id; else out.person = m.pf.read();
      return out;
    }) };
    if (name.value.trim()) body.name = name.value.trim();
    await busy(submit, async () => {
      try {
        const fam = await post('/api/v1/families', body);
        announce(t('fam.registered', { name: fam.name }));
        app.navigate(`/families/${encodeURIComponent(fam.id)}`);
      } catch (err) { showError(form, err, 'fam'); }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'fam-new-h' }, h('h2', { id: 'fam-new-h' }, t('fam.new')),
    h('p', { class: 'hint' }, t('fam.new_hint')), form);
}
