// Shared by the protection pages: the questionnaire and its labels in the user's
// language, and the small pieces every protection page shows.
import { h } from '../dom.js';
import { get } from '../api.js';
import { t, localeCode, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';

let questionnaire = null;

// data/screening.json as the server gives it (cached for the page's life).
export async function loadQuestionnaire() {
  questionnaire ??= await get('/api/v1/protection/questionnaire');
  return questionnaire;
}

// The label of a questionnaire item ({en, bs, sr}) in the current language.
export function label(item) {
  if (!item) return '';
  const lang = localeCode() === 'sr-Cyrl' ? 'sr' : localeCode();
  return item[lang] || item.en || item.code || item.id || '';
}

export function categoryLabel(code) {
  return label(questionnaire?.categories.find((c) => c.code === code)) || code;
}

export function serviceLabel(code) {
  return label(questionnaire?.service_types.find((s) => s.code === code)) || code;
}

// A provider as offered in a list: its name, and its service type when the name does
// not already say it ("Child protection", not "Child protection (Child protection)").
export function providerLabel(p) {
  const service = serviceLabel(p.service_type);
  const fold = (x) => String(x || '').toLowerCase();
  return !service || fold(p.name).includes(fold(service)) ? p.name : `${p.name} (${service})`;
}

// Risk categories as chips, or "no risk found".
export function riskChips(risks, id) {
  if (!risks || !risks.length) return h('p', { id, class: 'muted' }, t('protection.no_risks'));
  return h('ul', { class: 'chips', id }, risks.map((r) => h('li', { class: 'chip', dataset: { risk: r } }, categoryLabel(r))));
}

// The state of a referral as a badge.
export function stateBadge(state, overdue) {
  return h('span', { class: ['badge', overdue ? 'badge-off' : state === 'closed' ? 'badge-ok' : null] },
    tOf(KEYS.PROTECTION_STATE, state), overdue ? ` · ${t('protection.overdue')}` : '');
}

// A <dl> of [label, value] rows.
export function facts(rows) {
  return h('dl', { class: 'facts' }, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));
}

export const REFERRAL_NEXT = {
  draft: ['sent'], sent: ['accepted', 'declined'], accepted: ['service_delivered', 'closed'],
  declined: ['closed'], service_delivered: ['closed'], closed: [],
};
export const REFERRAL_STATES = ['draft', 'sent', 'accepted', 'declined', 'service_delivered', 'closed'];
export const CLOSE_REASONS = ['goals_met', 'moved_on', 'transferred_out', 'returned', 'no_longer_at_risk', 'lost_contact', 'other'];
export const BIA_OUTCOMES = ['remain_in_care', 'family_tracing', 'family_reunification', 'alternative_care', 'specialised_services', 'other'];
