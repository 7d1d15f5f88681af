// The registration desk: one keyboard-only form, candidates beside it, register and
// check in in one step.
import { h, bdi, personName, debounce, announce } from '../dom.js';
import { get, post, ApiError } from '../api.js';
import { t, fmtDateTime } from '../i18n.js';
import { field, showError, showErrors, clearErrorsOnEdit, clearErrors, busy, select } from '../forms.js';
import { personForm } from '../components/person-form.js';
import { candidatesPanel } from '../components/candidates.js';
import { checkOutDialog } from '../components/checkout.js';
import { familyJoin } from '../components/families-common.js';

const SITE_KEY = 'haven.desk.site';

export default async function render({ root, app, query, kept }) {
  app.setTitle(t('register.title'));
  const sites = (await app.sites()).filter((s) => s.active);
  if (!sites.length) {
    root.append(h('h1', {}, t('register.title')), h('p', { class: 'notice notice-warn' }, t('register.no_sites')));
    return;
  }
  const remembered = localStorage.getItem(SITE_KEY);
  const siteSel = select(sites.map((s) => ({ value: s.id, label: s.name })),
    sites.some((s) => s.id === remembered) ? remembered : sites[0].id, { name: 'site_id', id: 'desk-site' });
  // One site: say where, no choice to make.
  const sitePick = sites.length > 1
    ? h('div', { class: 'site-pick-head' }, h('label', { for: 'desk-site' }, t('register.site')), siteSel)
    : h('p', { class: 'site-pick-head' }, t('register.site'), ' ', h('span', { class: 'site-name', id: 'desk-site-name' }, sites[0].name));
  siteSel.addEventListener('change', () => { localStorage.setItem(SITE_KEY, siteSel.value); refresh(); });

  const pf = await personForm();
  const panel = candidatesPanel({ onSame: app.can('stay.write') ? (c) => checkInExisting(c) : null });
  const canStay = app.can('stay.write');
  const checkIn = h('input', { type: 'checkbox', id: 'check-in', name: 'check_in', checked: canStay });
  const bed = h('input', { name: 'bed', id: 'bed', autocomplete: 'off', class: 'narrow' });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'register-submit' });
  const result = h('div', { id: 'register-result', 'aria-live': 'polite' });
  const labelSubmit = () => { submit.textContent = t(checkIn.checked ? 'register.submit_checkin' : 'register.submit'); bedField.hidden = !checkIn.checked; };
  const bedField = field({ label: t('register.bed'), input: bed, name: 'bed', hint: t('register.bed_hint') });
  checkIn.addEventListener('change', labelSubmit);

  const stayPart = canStay ? h('section', { 'aria-labelledby': 'stay-h' },
    h('h2', { id: 'stay-h' }, t('register.stay')),
    h('div', { class: 'form-row' }, h('div', { class: 'field check-in-field' }, h('label', { class: 'choice' }, checkIn, t('register.check_in_now'))),
      bedField)) : null;
  // Opened from a family (/register?family=ID): the person joins it in the same step.
  const join = query && query.get('family') && app.can('family.write') ? await familyJoin(query.get('family')) : null;
  const form = h('form', { id: 'register-form', novalidate: true, 'aria-labelledby': 'desk-h' },
    join ? join.el : null,
    h('section', { 'aria-labelledby': 'person-h' }, h('h2', { id: 'person-h' }, t('register.person')), pf.el),
    stayPart,
    h('div', { class: 'actions' }, submit, h('button', { type: 'reset', class: 'btn' }, t('register.clear'))));
  labelSubmit();
  if (!canStay) checkIn.checked = false;
  clearErrorsOnEdit(form);

  const refresh = debounce(() => panel.update(pf.partial(), siteSel.value), 250);
  form.addEventListener('input', (e) => { if (e.target !== panel.confirm) refresh(); });
  form.addEventListener('change', () => refresh());
  form.addEventListener('reset', (e) => {
    e.preventDefault();
    pf.reset();
    bed.value = '';
    panel.clear();
    clearErrors(form);
    pf.focusFirst();
  });
  panel.confirm.addEventListener('change', () => { panel.confirmBox.querySelector('.field-error').hidden = true; });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    panel.confirmBox.querySelector('.field-error').hidden = true;
    let person;
    try {
      person = pf.read();
    } catch (err) {
      showErrors(form, err, 'register');
      return;
    }
    await busy(submit, async () => {
      refresh.cancel();
      await panel.update(pf.partial(), siteSel.value);
      if (panel.items.length && !panel.confirm.checked) {
        const errEl = panel.confirmBox.querySelector('.field-error');
        errEl.textContent = t('candidates.confirm_needed');
        errEl.hidden = false;
        panel.confirm.focus();
        return;
      }
      const body = { ...person, site_id: siteSel.value };
      if (checkIn.checked) { body.check_in = true; if (bed.value.trim()) body.bed = bed.value.trim(); }
      try {
        const r = join ? await join.register(body) : await post('/api/v1/persons', body);
        showResult(r);
      } catch (err) {
        showError(form, err, 'register');
      }
    });
  });

  // The arrival is someone registered before: check that record in, register nobody.
  async function checkInExisting(c) {
    clearErrors(form);
    const body = { person_id: c.id, site_id: siteSel.value };
    if (bed.value.trim()) body.bed = bed.value.trim();
    try {
      const stay = await post('/api/v1/stays', body);
      const person = await get(`/api/v1/persons/${encodeURIComponent(c.id)}`);
      showResult({ id: c.id, reg_no: person.reg_no, person, stay }, 'register.returned');
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && await showAlreadyIn(c.id)) return;
      showError(form, err, 'checkin');
    }
  }

  // The person already has an open stay: say where (site, bed, since when) and offer
  // what makes sense: here already, their profile; elsewhere, a transfer here (check
  // out there as "transferred", then check in here) when the user sees that site.
  async function showAlreadyIn(personId) {
    const person = await get(`/api/v1/persons/${encodeURIComponent(personId)}`);
    const stay = person.current_stay;
    if (!stay) return false;
    const known = sites.find((s) => s.id === stay.site_id);
    const where = known ? known.name : t('desk.another_site');
    const here = stay.site_id === siteSel.value;
    const text = t(stay.bed ? 'desk.already_in_bed' : 'desk.already_in', {
      name: personName(person), site: where, bed: stay.bed || '', since: fmtDateTime(stay.checked_in_at) });
    const profile = h('a', { class: 'btn', href: `/persons/${encodeURIComponent(personId)}`, id: 'already-profile' }, t('register.open_profile'));
    const transfer = !here && known && app.can('stay.write') ? h('button', {
      type: 'button', class: 'btn-primary', id: 'already-transfer',
      onclick: async () => {
        const out = await checkOutDialog({ ...stay, suggested_reason: 'transferred' }, person);
        if (out) await checkInExisting({ id: personId });
      },
    }, t('desk.transfer_here', { site: siteSel.selectedOptions[0]?.textContent || '' })) : null;
    result.replaceChildren(h('div', { class: 'notice notice-warn', role: 'alert', id: 'already-in' },
      h('p', {}, text, ' ', t(here ? 'desk.already_here' : 'desk.already_elsewhere')),
      h('div', { class: 'actions' }, transfer, profile)));
    (transfer || profile).focus();
    return true;
  }

  function showResult(r, titleKey = 'register.done') {
    const site = sites.find((s) => s.id === siteSel.value);
    const next = h('button', { type: 'button', class: 'btn', onclick: () => { result.replaceChildren(); pf.focusFirst(); } }, t('register.next'));
    result.replaceChildren(h('div', { class: 'success-box', role: 'status' },
      h('h2', {}, t(titleKey)),
      h('p', {}, bdi(personName(r.person)), ' — ', h('span', { class: 'big-reg', id: 'new-reg-no' }, r.reg_no)),
      r.stay ? h('p', { id: 'checked-in-where' }, r.stay.bed
        ? t('register.checked_in_at', { site: site ? site.name : '', bed: r.stay.bed })
        : t('desk.checked_in_no_bed', { site: site ? site.name : '' })) : null,
      h('div', { class: 'actions' },
        h('a', { class: 'btn-primary', href: `/persons/${encodeURIComponent(r.id)}`, id: 'open-new' }, t('register.open_profile')), next)));
    announce(t('register.done_announce', { reg: r.reg_no }));
    pf.reset();
    bed.value = '';
    panel.clear();
    next.focus();
  }

  root.append(
    h('div', { class: 'page-head' }, h('h1', { id: 'desk-h' }, t('register.title')), sitePick),
    h('p', { class: 'muted lead-line' }, t('register.lead')),
    result,
    h('div', { class: 'desk' }, h('div', { class: 'card' }, form), panel.el));
  app.keep(() => ({ person: pf.snapshot(), bed: bed.value, checkIn: checkIn.checked }));
  if (kept) {
    pf.restore(kept.person);
    bed.value = kept.bed;
    if (canStay) checkIn.checked = kept.checkIn;
    labelSubmit();
    refresh();
    return;
  }
  pf.focusFirst();
}
