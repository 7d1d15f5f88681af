// Pieces shared by the return pages: the states in order, a state badge, and the
// message of a refused step in the user's language (state names translated too).
import { h } from '../dom.js';
import { t, has, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { errorMessage } from '../forms.js';

export const STATES = ['intention', 'eligibility_checked', 'documents_requested', 'documents_issued',
  'fit_to_travel', 'travel_booked', 'departed', 'arrived', 'withdrawn', 'cancelled'];

export function stateBadge(state, overdue) {
  return h('span', { class: ['badge', `badge-${state}`] }, tOf(KEYS.RET_STATE, state),
    overdue ? [' · ', h('strong', { class: 'overdue' }, t('ret.overdue'))] : null);
}

// errorMessage with the state codes among the parameters shown by their names.
export function returnsErrorText(err) {
  if (err && err.key && err.params && has(`errors.key.${err.key}`)) {
    const params = {};
    for (const [k, v] of Object.entries(err.params)) params[k] = Object.hasOwn(KEYS.RET_STATE, v) ? tOf(KEYS.RET_STATE, v) : (Object.hasOwn(KEYS.RET_DETAIL, v) ? tOf(KEYS.RET_DETAIL, v) : v);
    return t(`errors.key.${err.key}`, params);
  }
  return errorMessage(err, 'ret');
}
