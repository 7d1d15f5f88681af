// One PSEA report for a focal point: what was reported, the steps, and who read it.
import { h, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';

const STATES = ['received', 'assessed', 'referred', 'investigating', 'closed'];

export default async function render({ root, params, app }) {
  app.setTitle(t('psea.report_title'));
  const id = encodeURIComponent(params[0]);
  let r = await get(`/api/v1/psea/reports/${id}`);
  const body = h('div');
  async function draw() {
    const trail = await get(`/api/v1/psea/reports/${id}/audit`);
    const facts = [['fb.received', fmtDateTime(r.received_at)], ['psea.state_label', tOf(KEYS.PSEA_STATE, r.state)],
      ['psea.date', r.incident_date || '—'], ['psea.location', r.location || '—'], ['psea.survivor', r.survivor || '—'],
      ['psea.alleged', r.alleged || '—'], ['psea.contact', r.anonymous ? t('psea.anonymous') : (r.contact || '—')],
      ['psea.recorded_by', r.recorded_by_name || '—']];
    const state = select(STATES.map((s) => ({ value: s, label: tOf(KEYS.PSEA_STATE, s) })), r.state, { id: 'psea-state' });
    const note = h('textarea', { id: 'psea-note', rows: 3, maxlength: 4000 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'psea-step-submit' }, t('psea.record_step'));
    const form = h('form', { id: 'psea-step-form', novalidate: true }, field({ label: t('psea.state_label'), input: state, name: 'state' }),
      field({ label: t('psea.note'), input: note, name: 'note' }), h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          r = await post(`/api/v1/psea/reports/${id}/steps`, { state: state.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
          announce(tOf(KEYS.PSEA_STATE, r.state));
          await draw();
        } catch (err) { showError(form, err, 'psea'); }
      });
    });
    body.replaceChildren(h('dl', { class: 'facts spaced' }, facts.map(([k, v]) => [h('dt', {}, t(k)), h('dd', { dir: 'auto' }, v)])),
      h('section', { class: 'card', 'aria-labelledby': 'psea-sum-h' }, h('h2', { id: 'psea-sum-h' }, t('psea.summary')), h('p', { dir: 'auto', id: 'psea-text' }, r.summary)),
      h('section', { class: 'card', 'aria-labelledby': 'psea-steps-h' }, h('h2', { id: 'psea-steps-h' }, t('psea.steps')),
        r.events.length ? h('ol', { class: 'timeline' }, r.events.map((ev) => h('li', {}, h('strong', {}, tOf(KEYS.PSEA_STATE, ev.state)), ' · ', fmtDateTime(ev.at), ' · ', ev.by_name,
          ev.note ? h('p', { dir: 'auto' }, ev.note) : null))) : h('p', { class: 'muted' }, t('fb.no_steps')), form),
      h('section', { class: 'card', 'aria-labelledby': 'psea-audit-h' }, h('h2', { id: 'psea-audit-h' }, t('psea.trail')),
        h('ul', { id: 'psea-trail' }, trail.items.map((a) => h('li', {}, fmtDateTime(a.at), ' · ', a.actor_name, ' · ', tOf(KEYS.PSEA_AUDIT, a.action))))));
  }
  await draw();
  root.append(h('p', {}, h('a', { href: '/psea' }, t('psea.back'))), h('h1', {}, t('psea.report_title')), body);
}
