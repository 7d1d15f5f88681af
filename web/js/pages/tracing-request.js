// One tracing request: who is sought, the matches proposed from every site's
// registrations (a caseworker confirms or rejects each), the found person's consent,
// what the asker may be told, and closing (reunited, or closed).
import { h, bdi, personName, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtDate, fmtDateTime, fmtBirth, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';

export default async function render({ root, params, app }) {
  const id = params[0];
  const base = `/api/v1/tracing/${encodeURIComponent(id)}`;
  let req = await get(base);
  const body = h('div');
  const canWrite = app.can('tracing.write');

  async function act(form, button, path, payload) {
    clearErrors(form);
    await busy(button, async () => {
      try {
        req = await post(`${base}/${path}`, payload);
        announce(tOf(KEYS.TRC_STATUS, req.status));
        draw();
      } catch (err) { showError(form, err, 'trc'); }
    });
  }

  function matchItem(m) {
    const p = m.person || {};
    const form = h('form', { class: 'actions', novalidate: true });
    if (canWrite && m.state === 'proposed' && req.status === 'open') {
      const yes = h('button', { type: 'button', class: 'btn-primary', dataset: { confirm: m.id } }, t('trc.confirm'));
      const no = h('button', { type: 'button', class: 'btn', dataset: { reject: m.id } }, t('trc.reject'));
      yes.addEventListener('click', () => act(form, yes, `matches/${encodeURIComponent(m.id)}`, { decision: 'confirm' }));
      no.addEventListener('click', () => act(form, no, `matches/${encodeURIComponent(m.id)}`, { decision: 'reject' }));
      form.append(yes, no);
    }
    return h('li', { class: 'card match-item', dataset: { match: m.id, state: m.state } },
      h('p', {}, h('strong', {}, bdi(personName(p))), ' ', h('span', { class: 'reg-no' }, p.reg_no || ''), ' ',
        h('span', { class: ['badge', m.state === 'confirmed' ? 'badge-ok' : m.state === 'rejected' ? 'badge-off' : null] }, tOf(KEYS.TRC_MATCH, m.state))),
      h('p', { class: 'muted' }, [fmtBirth(p), p.citizenship ? codeName('countries', p.citizenship) : null,
        p.site_name ? t(p.checked_in ? 'trc.stays_at' : 'trc.registered_at', { site: p.site_name }) : t('fam.not_checked_in'),
        t('trc.score', { pct: Math.round((m.score || 0) * 100) })].filter(Boolean).join(' · ')),
      form);
  }

  function consentForm() {
    const consent = select(['given', 'refused'].map((c) => ({ value: c, label: tOf(KEYS.TRC_CONSENT, c) })), 'given', { id: 'tr-consent' });
    const note = h('input', { id: 'tr-consent-note', autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'tr-consent-submit' }, t('trc.consent_submit'));
    const form = h('form', { id: 'tr-consent-form', novalidate: true }, h('div', { class: 'form-row' },
      field({ label: t('trc.consent_label'), input: consent, name: 'consent' }), field({ label: t('trc.note'), input: note, name: 'note' })),
    h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', (e) => { e.preventDefault(); act(form, submit, 'consent', note.value.trim() ? { consent: consent.value, note: note.value.trim() } : { consent: consent.value }); });
    return form;
  }

  function closeForm() {
    const options = (req.status === 'found' ? ['reunited', 'closed'] : ['closed']).map((s) => ({ value: s, label: tOf(KEYS.TRC_STATUS, s) }));
    const status = select(options, options[0].value, { id: 'tr-close-status' });
    const submit = h('button', { type: 'submit', class: 'btn', id: 'tr-close-submit' }, t('trc.close_submit'));
    const form = h('form', { id: 'tr-close-form', novalidate: true }, field({ label: t('trc.close_label'), input: status, name: 'status' }), h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', (e) => { e.preventDefault(); act(form, submit, 'close', { status: status.value }); });
    return form;
  }

  function draw() {
    const s = req.sought;
    app.setTitle(t('trc.request_title'));
    const d = req.disclosure;
    const facts = [
      ['trc.sought', bdi(personName(s))], ['trc.relation', tOf(KEYS.FAM_REL, req.relation)], ['fam.birth', fmtBirth(s)],
      ['trc.place', bdi(req.last_seen_place)], ['trc.seen_date', req.last_seen_date ? fmtDate(req.last_seen_date) : '—'],
      ['trc.asker', req.asker_name ? bdi(req.asker_name) : (req.asker_person_id ? h('a', { href: `/persons/${encodeURIComponent(req.asker_person_id)}` }, t('trc.asker_profile')) : '—')],
      ['trc.status_label', tOf(KEYS.TRC_STATUS, req.status)], ['trc.created', fmtDateTime(req.created_at)],
    ];
    const open = req.status === 'open' || req.status === 'found';
    body.replaceChildren(...[
      h('dl', { class: 'facts spaced', id: 'tr-facts' }, facts.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)])),
      req.circumstances ? h('section', { class: 'card', 'aria-labelledby': 'tr-circ-h' }, h('h2', { id: 'tr-circ-h' }, t('trc.circumstances')), h('p', { dir: 'auto' }, req.circumstances)) : null,
      h('section', { class: 'card', 'aria-labelledby': 'tr-matches-h' }, h('h2', { id: 'tr-matches-h' }, t('trc.matches')),
        h('p', { class: 'hint' }, t('trc.matches_hint')),
        req.matches.length ? h('ul', { class: 'timeline', id: 'tr-matches' }, req.matches.map(matchItem)) : h('p', { class: 'muted', id: 'tr-no-matches' }, t('trc.no_matches'))),
      h('section', { class: 'card', 'aria-labelledby': 'tr-disc-h', id: 'tr-disclosure' }, h('h2', { id: 'tr-disc-h' }, t('trc.disclosure')),
        h('p', {}, d.found ? tOf(KEYS.TRC_CONSENT_STATE, d.consent) : t('trc.not_found_yet')),
        d.may_tell_asker ? h('p', { class: 'notice', id: 'tr-tell' }, t('trc.tell_asker', { name: `${d.tell_asker.given_name || ''} ${d.tell_asker.family_name || ''}`.trim(), site: d.tell_asker.site_name || '—' })) : null,
        canWrite && req.status === 'found' ? consentForm() : null),
      canWrite && open ? h('section', { class: 'card', 'aria-labelledby': 'tr-close-h' }, h('h2', { id: 'tr-close-h' }, t('trc.close_title')), closeForm()) : null,
    ].filter(Boolean));
  }
  draw();
  root.append(h('p', {}, h('a', { href: '/tracing' }, t('trc.back'))), h('h1', {}, t('trc.request_title')), body);
}
