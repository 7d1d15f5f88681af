// A person's profile: identity, current site and bed, stays timeline, possible
// duplicates and merged records; edit, check in, check out, merge. A record merged
// into another says so and links to it, and offers no change.
import { auditPanel } from '../components/audit-panel.js';
import { h, bdi, personName, announce } from '../dom.js';
import { get, post, patch, ApiError } from '../api.js';
import { t, fmtBirthFull, fmtDate, fmtDateTime, codeName, daysBetween, tn, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, showErrors, clearErrorsOnEdit, clearErrors, busy } from '../forms.js';
import { personForm } from '../components/person-form.js';
import { checkOutDialog } from '../components/checkout.js';
import { duplicateSections } from '../components/duplicates.js';
import { familySection } from '../components/families-common.js';
import { identityEvidence } from '../components/identity.js';

function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));
}

// A message with a {link} placeholder, the link put in as a node (never as HTML).
function withLink(text, link) {
  const [before, after] = text.split('{link}');
  return [before, link, after ?? ''];
}

// "This record was merged into <link>": the survivor's name when the user may see it.
async function mergedBanner(person) {
  const target = person.merged_into;
  let label = target;
  try { label = personName(await get(`/api/v1/persons/${encodeURIComponent(target)}`)); } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw e;
  }
  const link = h('a', { href: `/persons/${encodeURIComponent(target)}`, id: 'merged-into-link' }, bdi(label));
  return h('section', { class: 'merged-banner', id: 'merged-banner', 'aria-labelledby': 'merged-banner-h' },
    h('h2', { id: 'merged-banner-h' }, t('person.merged_title')), h('p', {}, withLink(t('person.merged_banner'), link)));
}

export default async function render({ root, params, app }) {
  const id = params[0];
  const url = `/api/v1/persons/${encodeURIComponent(id)}`;
  let person = await get(url);
  const sites = await app.sites();
  // A site this user is not given is "another site", not a blank.
  const siteName = (sid, fallback) => sites.find((s) => s.id === sid)?.name || fallback || (sid ? t('desk.another_site') : '—');
  const boardLink = (sid, name) => (app.can('stay.read') && sites.some((s) => s.id === sid)
    ? h('a', { href: `/sites/${encodeURIComponent(sid)}` }, name) : name);

  const heading = h('h1', { id: 'person-name' });
  const identity = h('section', { class: 'card', 'aria-labelledby': 'id-h' });
  const current = h('section', { class: 'card current-stay', 'aria-labelledby': 'stay-h' });
  const history = h('section', { class: 'card', 'aria-labelledby': 'hist-h' });
  const isMerged = Boolean(person.merged_into);
  const sections = duplicateSections({ person: () => person, app, changed: () => reload() });

  function showHeading() {
    app.setTitle(personName(person));
    heading.replaceChildren(bdi(personName(person)));
  }

  function showIdentity() {
    const edit = app.can('person.write') && !isMerged ? h('button', { type: 'button', class: 'btn', id: 'edit-person', onclick: () => editIdentity() }, t('person.edit')) : null;
    identity.replaceChildren(h('h2', { id: 'id-h' }, t('person.identity')), facts([
      [t('person.reg_no'), h('span', { class: 'reg-no', id: 'person-reg-no' }, person.reg_no)],
      [t('person.given_name'), bdi(person.given_name)],
      [t('person.family_name'), bdi(person.family_name)],
      [t('person.native_name_short'), person.native_name ? h('bdi', { dir: 'auto', lang: '' }, person.native_name) : null],
      [t('person.sex'), tOf(KEYS.SEX, person.sex)],
      [t('person.born'), fmtBirthFull(person)],
      [t('person.citizenship'), codeName('countries', person.citizenship)],
      [t('person.languages'), (person.languages || []).map((l) => codeName('languages', l)).join(', ')],
      [t('person.phone_short'), person.phone ? h('span', { dir: 'ltr' }, person.phone) : null],
      [t('person.registered'), `${fmtDateTime(person.registered_at)} · ${siteName(person.registration_site_id)}`],
    ]), ...(edit ? [h('div', { class: 'actions' }, edit)] : []));
  }

  async function editIdentity() {
    const pf = await personForm(person);
    const save = h('button', { type: 'submit', class: 'btn-primary' }, t('common.save'));
    const cancel = h('button', { type: 'button', class: 'btn', onclick: () => { showIdentity(); identity.querySelector('#edit-person')?.focus(); } }, t('common.cancel'));
    const form = h('form', { novalidate: true, id: 'edit-form' }, pf.el, h('div', { class: 'actions' }, save, cancel));
    clearErrorsOnEdit(form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      let next;
      try { next = pf.read(); } catch (err) { showErrors(form, err, 'register'); return; }
      const changes = {};
      for (const [k, v] of Object.entries(next)) {
        if (JSON.stringify(v ?? null) !== JSON.stringify(person[k] ?? null)) changes[k] = v;
      }
      if (!Object.keys(changes).length) { showIdentity(); return; }
      await busy(save, async () => {
        try {
          await patch(url, changes);
          person = await get(url);
          showHeading();
          showIdentity();
          announce(t('person.saved'));
          identity.querySelector('#edit-person')?.focus();
        } catch (err) { showError(form, err, 'register'); }
      });
    });
    identity.replaceChildren(h('h2', { id: 'id-h' }, t('person.edit_title')), form);
    pf.focusFirst();
  }

  function showCurrent() {
    const s = person.current_stay;
    const title = h('h2', { id: 'stay-h' }, t('person.current_stay'));
    if (s) {
      const out = app.can('stay.write') && !isMerged ? h('button', { type: 'button', class: 'btn-danger', id: 'checkout-person',
        onclick: async () => { if (await checkOutDialog(s, person)) { await reload(); current.querySelector('h2').focus(); } } }, t('board.checkout')) : null;
      current.replaceChildren(title, facts([
        [t('person.site'), boardLink(s.site_id, s.site_name || siteName(s.site_id))],
        [t('board.bed'), h('span', { id: 'current-bed' }, s.bed || t('board.no_bed'))],
        [t('board.checked_in'), `${fmtDateTime(s.checked_in_at)} · ${tn('dashboard.days', daysBetween(s.checked_in_at))}`],
      ]), ...(out ? [h('div', { class: 'actions' }, out)] : []));
      return;
    }
    const parts = [title, h('p', { id: 'not-checked-in' }, t('person.not_checked_in'))];
    const mine = sites.filter((x) => x.active);
    if (app.can('stay.write') && mine.length && !isMerged) {
      const site = select(mine.map((x) => ({ value: x.id, label: x.name })), mine[0].id, { id: 'checkin-site' });
      const bed = h('input', { id: 'checkin-bed', autocomplete: 'off', class: 'narrow' });
      const go = h('button', { type: 'submit', class: 'btn-primary', id: 'checkin-submit' }, t('person.check_in'));
      const form = h('form', { novalidate: true, id: 'checkin-form' },
        h('div', { class: 'form-row' }, field({ label: t('person.site'), input: site, name: 'site_id' }),
          field({ label: t('board.bed'), input: bed, name: 'bed', hint: t('register.bed_hint') })), go);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        await busy(go, async () => {
          try {
            const body = { person_id: person.id, site_id: site.value };
            if (bed.value.trim()) body.bed = bed.value.trim();
            await post('/api/v1/stays', body);
            announce(t('person.checked_in'));
            await reload();
            current.querySelector('h2').setAttribute('tabindex', '-1');
            current.querySelector('h2').focus();
          } catch (err) { showError(form, err, 'checkin'); }
        });
      });
      parts.push(form);
    }
    current.replaceChildren(...parts);
  }

  function showHistory() {
    const stays = person.stays || [];
    history.replaceChildren(h('h2', { id: 'hist-h', tabindex: '-1' }, t('person.stays')), stays.length
      ? h('ol', { class: 'timeline', id: 'stays' }, stays.map((s) => h('li', { class: s.checked_out_at ? null : 'open' },
        h('strong', {}, s.site_name || siteName(s.site_id)), s.bed ? ` · ${t('board.bed')} ${s.bed}` : '', h('br'),
        h('span', { class: 'muted' }, fmtDate(s.checked_in_at.slice(0, 10)), ' – ',
          s.checked_out_at ? fmtDate(s.checked_out_at.slice(0, 10)) : t('person.now'),
          ` (${tn('dashboard.days', daysBetween(s.checked_in_at, s.checked_out_at))})`),
        s.checkout_reason ? [h('br'), tOf(KEYS.CHECKOUT_REASON, s.checkout_reason), s.checkout_note ? [': ', h('bdi', { dir: 'auto' }, s.checkout_note)] : null] : null)))
      : h('p', {}, t('person.no_stays')));
  }

  async function reload() {
    person = await get(url);
    showCurrent();
    showHistory();
  }

  showHeading();
  showIdentity();
  showCurrent();
  showHistory();
  // Need to know: everyone who may see the person learns only that there are protection
  // needs; the protection team gets a link to the file.
  const protectionFlag = person.protection_needs ? h('p', { class: 'notice notice-warn', id: 'protection-flag' }, t('protection.flag'),
    app.can('protection.details') || app.can('protection.break_glass') ? [' ', h('a', { href: `/persons/${encodeURIComponent(id)}/protection`, id: 'protection-file-link' }, t('protection.open_file'))] : null)
    : app.can('protection.details') ? h('p', {}, h('a', { href: `/persons/${encodeURIComponent(id)}/protection`, id: 'protection-file-link' }, t('protection.open_file'))) : null;
  root.append(h('div', { class: 'page-head' }, heading, h('span', { class: 'reg-no' }, person.reg_no),
    person.native_name ? h('p', { class: 'native', lang: '' }, h('bdi', { dir: 'auto' }, person.native_name)) : null),
  ...(protectionFlag ? [protectionFlag] : []));
  // The return counsellor opens the person's return file (counselling and cases) from here.
  if (app.can('returns.read') && !isMerged) root.append(h('p', {}, h('a', { href: `/returns/persons/${encodeURIComponent(id)}`, id: 'return-file-link' }, t('ret.person_link'))));
  if (isMerged) {
    // The survivor holds this record's stays: nothing is changed from here.
    root.append(await mergedBanner(person), h('div', { class: 'grid grid-2 profile-grid' }, identity, history));
    return;
  }
  root.append(h('div', { class: 'grid grid-2 profile-grid' }, identity, h('div', { class: 'stack' }, current, history, sections.merged, sections.dupes)));
  // The family's members together, on every profile the user may read families for.
  if (app.can('family.read')) root.append(await familySection(id, app));
  await sections.refresh();
  root.append(await identityEvidence({ person: () => person, app }));
  // Who opened this person's sensitive records: for the data protection officer and the
  // administrator.
  const readers = auditPanel(app, id);
  if (readers) root.append(readers);
}
