// A person's protection file: current risks, screening (the questionnaire of
// data/screening.json), consents, referrals and cases. Every load of this page is an
// audited read on the server.
import { h, bdi, personName, announce, newId } from '../dom.js';
import { get, post, withQuery, ApiError } from '../api.js';
import { t, fmtDateTime, fmtDate, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, showError, clearErrors, busy } from '../forms.js';
import {
  loadQuestionnaire, label, riskChips, stateBadge, providerLabel, REFERRAL_NEXT,
} from '../components/protection-common.js';
import { auditPanel } from '../components/audit-panel.js';

// One input per question, by its type; read() gives the answers object.
function questionInputs(q) {
  const inputs = [];
  const els = q.questions.map((item) => {
    const name = `q-${item.id}`;
    if (item.type === 'yes_no') {
      const box = h('input', { type: 'checkbox', id: newId('q'), name });
      inputs.push(() => [item.id, box.checked]);
      return h('div', { class: 'field choice-row', dataset: { field: `answers.${item.id}` } },
        h('label', { class: 'choice' }, box, ' ', label(item)), h('p', { class: 'field-error', hidden: true }));
    }
    if (item.type === 'choice' || item.type === 'multi') {
      const multi = item.type === 'multi';
      const boxes = item.options.map((o, i) => h('input', {
        type: multi ? 'checkbox' : 'radio', name, value: o.code, id: newId('q'), checked: !multi && i === 0,
      }));
      inputs.push(() => {
        const on = boxes.filter((b) => b.checked).map((b) => b.value);
        return [item.id, multi ? on : on[0] ?? null];
      });
      return fieldset({ legend: label(item), name: `answers.${item.id}`,
        children: item.options.map((o, i) => h('label', { class: 'choice' }, boxes[i], ' ', label(o))) });
    }
    const area = h('textarea', { rows: 2, name });
    inputs.push(() => [item.id, area.value.trim() ? area.value.trim() : null]);
    return field({ label: label(item), input: area, name: `answers.${item.id}` });
  });
  return {
    els,
    read() {
      const answers = {};
      for (const f of inputs) {
        const [k, v] = f();
        if (v !== null) answers[k] = v;
      }
      return answers;
    },
  };
}

// An administrator opens one person's file only through break-glass: a reason, a
// time limit, and every read after it recorded.
function breakGlass(root, app, person, base) {
  const reason = h('textarea', { rows: 3, id: 'glass-reason' });
  const minutes = select([15, 30, 60].map((m) => ({ value: String(m), label: t('protection.glass_minutes', { n: m }) })), '30', { id: 'glass-minutes' });
  const go = h('button', { type: 'submit', class: 'btn-danger', id: 'glass-submit' }, t('protection.glass_open'));
  const form = h('form', { novalidate: true, id: 'glass-form' },
    field({ label: t('protection.glass_reason'), input: reason, name: 'reason', hint: t('protection.glass_hint') }),
    field({ label: t('protection.glass_for'), input: minutes, name: 'minutes' }), go);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    await busy(go, async () => {
      try {
        await post('/api/v1/protection/break-glass', { person_id: person.id, reason: reason.value, minutes: Number(minutes.value) });
        app.rerender();
      } catch (err) { showError(form, err, 'glass'); }
    });
  });
  app.setTitle(t('protection.glass_title'));
  root.append(h('h1', {}, t('protection.glass_title'), ': ', bdi(personName(person))),
    h('p', { class: 'notice notice-warn' }, t('protection.glass_notice')),
    h('section', { class: 'card' }, form), auditPanel(app, person.id));
}


export default async function render({ root, params, app }) {
  const id = params[0];
  const base = `/api/v1/persons/${encodeURIComponent(id)}`;
  const [person, q, sites] = await Promise.all([get(base), loadQuestionnaire(), app.sites()]);
  let file;
  try {
    file = await get(`${base}/protection`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403 && app.can('protection.break_glass')) {
      breakGlass(root, app, person, base);
      return;
    }
    throw e;
  }
  const writer = app.can('protection.write');
  const siteName = (sid) => sites.find((s) => s.id === sid)?.name || '—';
  const here = person.current_stay && sites.some((s) => s.id === person.current_stay.site_id)
    ? person.current_stay.site_id : sites[0]?.id;
  const providers = (await get(withQuery('/api/v1/protection/providers', {}))).items;
  app.setTitle(t('protection.file_title', { name: personName(person) }));

  const risksBox = h('section', { class: 'card', 'aria-labelledby': 'risks-h' });
  const screenBox = h('section', { class: 'card', 'aria-labelledby': 'screen-h' });
  const consentBox = h('section', { class: 'card', 'aria-labelledby': 'consent-h' });
  const referralBox = h('section', { class: 'card', 'aria-labelledby': 'referral-h' });
  const caseBox = h('section', { class: 'card', 'aria-labelledby': 'case-h' });

  async function reload() {
    file = await get(`${base}/protection`);
    showRisks();
    showConsents();
    showReferrals();
    showCases();
  }

  function showRisks() {
    // replaceChildren would show a null as the text "null": filter the parts.
    risksBox.replaceChildren(...[h('h2', { id: 'risks-h' }, t('protection.current_risks')),
      riskChips(file.risks, 'current-risks'),
      h('p', { class: 'muted' }, file.last_screened_at
        ? t('protection.last_screened', { date: fmtDateTime(file.last_screened_at) }) : t('protection.never_screened')),
      file.screenings.length ? h('details', {}, h('summary', {}, t('protection.history')),
        h('ol', { class: 'timeline', id: 'screenings' }, file.screenings.map((s) => h('li', {},
          h('strong', {}, fmtDateTime(s.screened_at)), ` · ${s.site_name} · ${s.screened_by}`, h('br'),
          riskChips(s.risks), s.note ? h('p', {}, h('bdi', { dir: 'auto' }, s.note)) : null)))) : null].filter(Boolean));
  }

  function showScreening() {
    const qi = questionInputs(q);
    const site = select(sites.map((s) => ({ value: s.id, label: s.name })), here, { id: 'screen-site' });
    const note = h('textarea', { rows: 3, id: 'screen-note' });
    const go = h('button', { type: 'submit', class: 'btn-primary', id: 'screen-submit' }, t('protection.save_screening'));
    const form = h('form', { novalidate: true, id: 'screening-form' },
      field({ label: t('protection.site'), input: site, name: 'site_id' }), qi.els,
      field({ label: t('protection.note'), input: note, name: 'note', hint: t('protection.sealed_hint') }),
      h('div', { class: 'actions' }, go));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(go, async () => {
        try {
          const body = { site_id: site.value, answers: qi.read() };
          if (note.value.trim()) body.note = note.value.trim();
          await post(`${base}/screenings`, body);
          announce(t('protection.screening_saved'));
          showScreening();
          await reload();
          risksBox.querySelector('h2').setAttribute('tabindex', '-1');
          risksBox.querySelector('h2').focus();
        } catch (err) { showError(form, err, 'protection'); }
      });
    });
    screenBox.replaceChildren(h('h2', { id: 'screen-h' }, t('protection.screen')), form);
  }

  function showConsents() {
    const kind = select(['registration', 'referral', 'data_sharing'].map((k) => ({ value: k, label: tOf(KEYS.PROTECTION_CONSENT, k) })), 'referral', { id: 'consent-kind' });
    const provider = select(providers.map((p) => ({ value: p.id, label: providerLabel(p) })), providers[0]?.id, { id: 'consent-provider' });
    const method = select(['verbal', 'written'].map((m) => ({ value: m, label: tOf(KEYS.PROTECTION_METHOD, m) })), 'verbal', { id: 'consent-method' });
    const given = select([{ value: 'yes', label: t('protection.consent_given') }, { value: 'no', label: t('protection.consent_withdrawn') }], 'yes', { id: 'consent-given' });
    const go = h('button', { type: 'submit', class: 'btn', id: 'consent-submit' }, t('protection.record_consent'));
    const form = h('form', { novalidate: true, id: 'consent-form' }, h('div', { class: 'form-row' },
      field({ label: t('protection.consent_kind'), input: kind, name: 'kind' }),
      field({ label: t('protection.provider'), input: provider, name: 'provider_id' }),
      field({ label: t('protection.consent_method'), input: method, name: 'method' }),
      field({ label: t('protection.consent_answer'), input: given, name: 'given' })), go);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(go, async () => {
        try {
          const body = { kind: kind.value, given: given.value === 'yes', method: method.value };
          if (kind.value !== 'registration' && provider.value) body.provider_id = provider.value;
          await post(`${base}/consents`, body);
          announce(t('protection.consent_saved'));
          await reload();
        } catch (err) { showError(form, err, 'protection'); }
      });
    });
    consentBox.replaceChildren(...[h('h2', { id: 'consent-h' }, t('protection.consents')),
      file.consents.length ? h('ul', { id: 'consents' }, file.consents.map((c) => h('li', {},
        `${tOf(KEYS.PROTECTION_CONSENT, c.kind)}${c.provider_name ? ` – ${c.provider_name}` : ''}: `,
        h('strong', {}, c.given ? t('protection.consent_given') : t('protection.consent_withdrawn')),
        ` (${tOf(KEYS.PROTECTION_METHOD, c.method)}, ${fmtDateTime(c.given_at)})`))) : h('p', { class: 'muted' }, t('protection.no_consents')),
      writer ? form : null].filter(Boolean));
  }

  function referralRow(r) {
    const next = (writer ? REFERRAL_NEXT[r.state] : []).map((to) => h('button', {
      type: 'button', class: 'btn btn-small', dataset: { to },
      onclick: async (e) => {
        try {
          await busy(e.target, () => post(`/api/v1/protection/referrals/${encodeURIComponent(r.id)}/transitions`, { to }));
          announce(t('protection.referral_moved', { state: tOf(KEYS.PROTECTION_STATE, to) }));
          await reload();
        } catch (err) { announce(err.message); }
      },
    }, tOf(KEYS.PROTECTION_TO, to)));
    return h('tr', { dataset: { referral: r.id } }, h('td', {}, providerLabel({ name: r.provider_name, service_type: r.service_type })),
      h('td', {}, stateBadge(r.state, r.overdue)), h('td', {}, fmtDate(r.created_at.slice(0, 10))),
      h('td', {}, r.reason ? h('bdi', { dir: 'auto' }, r.reason) : '—'), h('td', { class: 'row-actions' }, next));
  }

  function showReferrals() {
    const provider = select(providers.map((p) => ({ value: p.id, label: providerLabel(p) })), providers[0]?.id, { id: 'referral-provider' });
    const urgency = select(['normal', 'urgent'].map((u) => ({ value: u, label: tOf(KEYS.PROTECTION_URGENCY, u) })), 'normal', { id: 'referral-urgency' });
    const site = select(sites.map((s) => ({ value: s.id, label: s.name })), here, { id: 'referral-site' });
    const reason = h('textarea', { rows: 2, id: 'referral-reason' });
    // Reached the provider now (a call, the office next door): made and sent in one step.
    const sendNow = h('input', { type: 'checkbox', id: 'referral-send-now', name: 'send_now' });
    const go = h('button', { type: 'submit', class: 'btn-primary', id: 'referral-submit' }, t('protection.refer'));
    sendNow.addEventListener('change', () => { go.textContent = t(sendNow.checked ? 'protection.refer_and_send' : 'protection.refer'); });
    const form = h('form', { novalidate: true, id: 'referral-form' },
      h('div', { class: 'field', dataset: { field: 'consent' } }, h('p', { class: 'field-error', hidden: true })),
      h('div', { class: 'form-row' }, field({ label: t('protection.provider'), input: provider, name: 'provider_id' }),
        field({ label: t('protection.urgency_label'), input: urgency, name: 'urgency' }),
        field({ label: t('protection.site'), input: site, name: 'site_id' })),
      field({ label: t('protection.reason'), input: reason, name: 'reason', hint: t('protection.sealed_hint') }),
      h('div', { class: 'field', dataset: { field: 'send_now' } }, h('label', { class: 'choice' }, sendNow, t('protection.send_now')),
        h('p', { class: 'hint' }, t('protection.send_now_hint'))), go);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(go, async () => {
        try {
          const body = { person_id: id, provider_id: provider.value, urgency: urgency.value, site_id: site.value };
          if (reason.value.trim()) body.reason = reason.value.trim();
          // Made and sent in one request: one transaction, one audit entry (state sent).
          if (sendNow.checked) body.send = true;
          await post('/api/v1/protection/referrals', body);
          announce(t(sendNow.checked ? 'protection.referral_sent' : 'protection.referral_saved'));
          await reload();
        } catch (err) { showError(form, err, 'protection'); }
      });
    });
    referralBox.replaceChildren(h('div', {}, h('h2', { id: 'referral-h' }, t('protection.referrals')),
      file.referrals.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'person-referrals' },
        h('caption', { class: 'visually-hidden' }, t('protection.referrals')),
        h('thead', {}, h('tr', {}, ['protection.provider', 'protection.state_label', 'protection.created', 'protection.reason', 'common.actions']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, file.referrals.map(referralRow)))) : h('p', { class: 'muted' }, t('protection.no_referrals')),
      writer ? [h('h3', {}, t('protection.new_referral')), form] : null));
  }

  function showCases() {
    const open = file.cases.find((c) => c.state === 'open');
    const list = file.cases.length ? h('ul', { id: 'person-cases' }, file.cases.map((c) => h('li', {},
      h('a', { href: `/protection/cases/${encodeURIComponent(c.id)}` }, t('protection.case_of', { date: fmtDate(c.opened_at.slice(0, 10)) })),
      ` · ${tOf(KEYS.PROTECTION_CASE_STATE, c.state)} · ${siteName(c.site_id)} · ${c.worker_name || '—'}`))) : h('p', { class: 'muted' }, t('protection.no_cases'));
    const parts = [h('h2', { id: 'case-h' }, t('protection.cases')), list];
    if (!open && app.can('protection.write')) {
      const site = select(sites.map((s) => ({ value: s.id, label: s.name })), here, { id: 'case-site' });
      const level = select(['high', 'medium'].map((l) => ({ value: l, label: tOf(KEYS.PROTECTION_LEVEL, l) })), 'high', { id: 'case-level' });
      const guardian = h('input', { id: 'case-guardian', autocomplete: 'off' });
      const summary = h('textarea', { rows: 2, id: 'case-summary' });
      const go = h('button', { type: 'submit', class: 'btn-primary', id: 'case-submit' }, t('protection.open_case'));
      const form = h('form', { novalidate: true, id: 'case-form' }, h('div', { class: 'form-row' },
        field({ label: t('protection.site'), input: site, name: 'site_id' }),
        field({ label: t('protection.risk_level'), input: level, name: 'risk_level' })),
      field({ label: t('protection.guardian'), input: guardian, name: 'guardian', hint: t('protection.guardian_hint') }),
      field({ label: t('protection.summary'), input: summary, name: 'summary', hint: t('protection.sealed_hint') }), go);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        await busy(go, async () => {
          try {
            const body = { person_id: id, site_id: site.value, risk_level: level.value };
            if (guardian.value.trim()) body.guardian = guardian.value.trim();
            if (summary.value.trim()) body.summary = summary.value.trim();
            const c = await post('/api/v1/protection/cases', body);
            app.navigate(`/protection/cases/${encodeURIComponent(c.id)}`);
          } catch (err) { showError(form, err, 'protection'); }
        });
      });
      parts.push(h('h3', {}, t('protection.new_case')), form);
    }
    caseBox.replaceChildren(...parts);
  }

  showRisks();
  if (writer) showScreening();
  showConsents();
  showReferrals();
  showCases();
  root.append(h('div', { class: 'page-head' },
    h('h1', {}, t('protection.file_heading'), ': ', bdi(personName(person))),
    h('span', { class: 'reg-no' }, person.reg_no), ' ',
    h('a', { href: `/persons/${encodeURIComponent(id)}` }, t('protection.back_to_person'))),
  h('p', { class: 'notice' }, t('protection.audited_notice')),
  h('div', { class: 'grid grid-2' }, h('div', { class: 'stack' }, risksBox, writer ? screenBox : null),
    h('div', { class: 'stack' }, referralBox, consentBox, caseBox)),
  auditPanel(app, id));
}
