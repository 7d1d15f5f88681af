// The panel beside the registration form: earlier registrations that may be the same
// person, with the reasons, refreshed while the registrar types.
import { h, bdi, personName, announce } from '../dom.js';
import { t, tn, fmtBirthFull, codeName, fmtNumber, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { post } from '../api.js';
import { compareDialog } from './compare.js';

function reasonText(code, fallback) {
  return Object.hasOwn(KEYS.REASON, code) ? tOf(KEYS.REASON, code) : fallback;
}

function candidateItem(c, onSame, entry) {
  const reasons = (c.reason_codes || []).map((code, i) => h('li', {}, reasonText(code, c.reasons[i])));
  // The score is the engine's posterior: how sure it is that this is the same person.
  const strength = h('span', { class: 'sureness', dataset: { score: String(c.score) } },
    t('desk.sure', { pct: fmtNumber(c.score, { style: 'percent', maximumFractionDigits: c.score < 0.01 ? 1 : 0 }) }));
  if (!c.visible) {
    // A person at a site the registrar cannot see: a score and a reference, nothing else.
    return h('li', { class: 'candidate', dataset: { reference: c.reference } },
      h('p', { class: 'candidate-name' }, t('candidates.hidden_title')),
      h('p', { class: 'hint' }, t('candidates.hidden_ask')),
      h('p', {}, h('strong', { class: 'reg-no' }, t('candidates.hidden_reference', { ref: c.reference }))),
      h('p', { class: 'hint' }, strength));
  }
  return h('li', { class: 'candidate' },
    // A new tab, so that the form being typed stays as it is.
    h('p', { class: 'candidate-name' }, h('a', { href: `/persons/${encodeURIComponent(c.id)}`, target: '_blank', rel: 'noopener' },
      bdi(personName(c)), h('span', { class: 'visually-hidden' }, ` (${t('candidates.new_tab')})`), h('span', { 'aria-hidden': 'true' }, ' ↗'))),
    h('p', { class: 'hint' }, h('span', { class: 'reg-no' }, c.reg_no), ' · ', fmtBirthFull(c), ' · ', codeName('countries', c.citizenship)),
    h('ul', { class: 'reasons', 'aria-label': t('candidates.reasons') }, reasons),
    h('p', { class: 'hint' }, strength),
    h('button', { type: 'button', class: 'btn btn-small', dataset: { compare: c.id },
      'aria-label': t('compare.open_x', { name: personName(c) }), onclick: () => compareDialog(entry(), c) }, t('compare.open')),
    onSame ? h('button', { type: 'button', class: 'btn btn-small', dataset: { candidate: c.id },
      'aria-label': t('candidates.same_person_x', { name: personName(c) }), onclick: () => onSame(c) }, t('candidates.same_person')) : null);
}

// Returns {el, update(partial, siteId), clear(), items, confirm} where confirm is the
// "this is a new person" checkbox the registrar ticks when none of them is the person.
export function candidatesPanel({ onSame } = {}) {
  const heading = h('h2', { id: 'cand-heading' }, t('candidates.title'));
  const status = h('p', { class: 'hint', id: 'cand-status' }, t('candidates.idle'));
  const list = h('ul', { 'aria-labelledby': 'cand-heading', id: 'cand-list' });
  // Many earlier records with this very name: the score alone cannot tell them apart.
  const crowd = h('p', { class: 'notice notice-warn', id: 'cand-namesakes', hidden: true });
  let shownLimit = 20;
  let lastPartial = null;
  let lastSite = null;
  const more = h('button', { type: 'button', class: 'btn btn-small', id: 'cand-more', hidden: true,
    onclick: () => { shownLimit = 200; lastKey = ''; panel.update(lastPartial, lastSite); } });
  const confirm = h('input', { type: 'checkbox', id: 'confirm-new', name: 'confirm_new' });
  const confirmErr = h('p', { class: 'field-error', id: 'confirm-new-err', hidden: true });
  confirm.setAttribute('aria-describedby', 'confirm-new-err');
  const confirmBox = h('div', { class: 'field', hidden: true, dataset: { field: 'confirm_new' } },
    h('label', { class: 'choice' }, confirm, t('candidates.confirm_new')), confirmErr);
  const el = h('aside', { class: 'candidates card', 'aria-labelledby': 'cand-heading' }, heading, status, crowd, list, more, confirmBox);
  let seq = 0;
  let lastKey = '';
  const panel = {
    el, items: [], confirm, confirmBox,
    async update(partial, siteId) {
      const key = JSON.stringify([partial, siteId, shownLimit]);
      if (key === lastKey) return;
      if (lastPartial && JSON.stringify([lastPartial, lastSite]) !== JSON.stringify([partial, siteId])) shownLimit = 20;
      lastKey = JSON.stringify([partial, siteId, shownLimit]);
      lastPartial = partial;
      lastSite = siteId;
      if (!partial.given_name || !partial.family_name) { panel.clear(); return; }
      const mine = ++seq;
      let r;
      try {
        r = await post(`/api/v1/persons/candidates?limit=${shownLimit}`, { ...partial, site_id: siteId });
      } catch {
        if (mine === seq) status.textContent = t('candidates.failed');
        return;
      }
      if (mine !== seq) return;
      const before = panel.items.length;
      panel.items = r.items;
      list.replaceChildren(...r.items.map((c) => candidateItem(c, onSame, () => lastPartial)));
      status.textContent = r.items.length ? tn('candidates.found', r.total ?? r.items.length) : t('candidates.none');
      crowd.hidden = !(r.namesakes >= 5);
      crowd.textContent = crowd.hidden ? '' : tn('desk.namesakes', r.namesakes);
      more.hidden = !r.more;
      more.textContent = r.more ? t('desk.show_all', { n: fmtNumber(r.total) }) : '';
      confirmBox.hidden = r.items.length === 0;
      if (!r.items.length) confirm.checked = false;
      if (r.items.length && r.items.length !== before) announce(status.textContent);
    },
    clear() {
      seq++;
      lastKey = '';
      panel.items = [];
      list.replaceChildren();
      crowd.hidden = true;
      more.hidden = true;
      shownLimit = 20;
      status.textContent = t('candidates.idle');
      confirmBox.hidden = true;
      confirm.checked = false;
      confirmErr.hidden = true;
    },
  };
  return panel;
}
