// One family: its members together (relation, age, child flags, where each one stays),
// and the actions for the whole family at once: check in, check out, transfer.
import { h, bdi, announce } from '../dom.js';
import { get, post, del } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { table, personFinder } from '../components/centres-common.js';
import { relationSelect, memberName, memberFlags, memberBirth } from '../components/families-common.js';

const REASONS = ['moved_on', 'transferred', 'returned', 'absconded', 'other'];

export default async function render({ root, params, app }) {
  const id = params[0];
  let fam = await get(`/api/v1/families/${encodeURIComponent(id)}`);
  const sites = (await app.sites()).filter((s) => s.active);
  const siteName = (sid) => sites.find((s) => s.id === sid)?.name || t('desk.another_site');
  const heading = h('h1', { id: 'fam-name' });
  const membersBox = h('section', { class: 'card', 'aria-labelledby': 'fam-members-h' });
  const actionsBox = h('div', { class: 'stack' });

  function where(m) {
    if (!m.visible) return '—';
    if (!m.current_stay) return h('span', { class: 'muted' }, t('fam.not_checked_in'));
    return [siteName(m.current_stay.site_id), m.current_stay.bed ? ` · ${t('fam.bed', { bed: m.current_stay.bed })}` : ''];
  }

  function draw() {
    app.setTitle(fam.name);
    heading.replaceChildren(bdi(t('fam.family_of', { name: fam.name })));
    membersBox.replaceChildren(h('h2', { id: 'fam-members-h' }, t('fam.members_title')),
      table('family-members', t('fam.members_title'), [
        { key: 'fam.person', cell: (m) => memberName(m) },
        { key: 'fam.relation_short', cell: (m) => tOf(KEYS.FAM_REL, m.relation) },
        { key: 'fam.birth', cell: (m) => [memberBirth(m), ' ', ...memberFlags(m)] },
        { key: 'fam.where', cell: (m) => where(m) },
        ...(app.can('family.write') ? [{ key: 'fam.remove', cell: (m) => (m.visible ? h('button', { type: 'button', class: 'link-button', dataset: { remove: m.person_id },
          onclick: async () => { fam = await del(`/api/v1/families/${encodeURIComponent(id)}/members/${encodeURIComponent(m.person_id)}`); announce(t('fam.removed')); draw(); } },
        t('fam.remove')) : '') }] : []),
      ], fam.members, t('fam.no_members')));
    actionsBox.replaceChildren(...[app.can('family.stays') ? stayActions() : null, app.can('family.write') ? addMember() : null].filter(Boolean));
  }

  // One form per whole-family action; the answer is the family as it is now.
  function actionForm(idp, titleKey, controls, submitKey, send) {
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: `${idp}-submit` }, t(submitKey));
    const form = h('form', { id: `${idp}-form`, novalidate: true }, h('div', { class: 'form-row' }, ...controls), h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          const r = await send();
          fam = r.family;
          announce(t('fam.done_for', { n: r.stays.length }));
          draw();
          document.getElementById('fam-members-h')?.focus?.();
        } catch (err) { showError(form, err, 'fam'); }
      });
    });
    return h('section', { class: 'card', 'aria-labelledby': `${idp}-h` }, h('h2', { id: `${idp}-h` }, t(titleKey)), form);
  }

  function stayActions() {
    const anyIn = fam.members.some((m) => m.current_stay);
    const opts = sites.map((s) => ({ value: s.id, label: s.name }));
    if (!anyIn) {
      const site = select(opts, fam.site_id, { id: 'fam-in-site' });
      return actionForm('fam-in', 'fam.check_in_all', [field({ label: t('fam.site'), input: site, name: 'site_id' })], 'fam.check_in_submit',
        () => post(`/api/v1/families/${encodeURIComponent(id)}/check-in`, { site_id: site.value }));
    }
    const reason = select(REASONS.map((r) => ({ value: r, label: tOf(KEYS.FAM_REASON, r) })), 'moved_on', { id: 'fam-out-reason' });
    const here = fam.members.find((m) => m.current_stay)?.current_stay.site_id;
    const dest = select(opts.filter((o) => o.value !== here), null, { id: 'fam-move-site' });
    const out = actionForm('fam-out', 'fam.check_out_all', [field({ label: t('fam.reason_label'), input: reason, name: 'reason' })], 'fam.check_out_submit',
      () => post(`/api/v1/families/${encodeURIComponent(id)}/check-out`, { reason: reason.value }));
    const move = dest.options.length ? actionForm('fam-move', 'fam.transfer_all', [field({ label: t('fam.transfer_to'), input: dest, name: 'site_id' })], 'fam.transfer_submit',
      () => post(`/api/v1/families/${encodeURIComponent(id)}/transfer`, { site_id: dest.value })) : null;
    return h('div', { class: 'stack' }, out, move);
  }

  function addMember() {
    const rel = relationSelect('child', { id: 'fam-add-rel' });
    const form = h('form', { id: 'fam-add-form', novalidate: true }, h('div', { class: 'form-row' }, field({ label: t('fam.relation'), input: rel, name: 'relation' })),
      h('div', { dataset: { field: 'person_id' } }, personFinder({ id: 'fam-add-find', labelKey: 'fam.find_member', onPick: async (p) => {
        clearErrors(form);
        try {
          fam = await post(`/api/v1/families/${encodeURIComponent(id)}/members`, { person_id: p.id, relation: rel.value });
          announce(t('fam.added'));
          draw();
        } catch (err) { showError(form, err, 'fam'); }
      } })));
    const register = h('a', { class: 'btn', id: 'fam-register-member', href: `/register?family=${encodeURIComponent(id)}` }, t('fam.register_member'));
    return h('section', { class: 'card', 'aria-labelledby': 'fam-add-h' }, h('h2', { id: 'fam-add-h' }, t('fam.add_member')), form, h('div', { class: 'actions' }, register));
  }

  draw();
  root.append(h('p', {}, h('a', { href: '/families' }, t('fam.back'))),
    h('div', { class: 'page-head' }, heading),
    h('p', { class: 'muted' }, t('fam.registered_at', { site: siteName(fam.site_id), at: fmtDateTime(fam.created_at) })),
    h('div', { class: 'grid grid-2 profile-grid' }, membersBox, actionsBox));
}
