// One complaint or feedback: what was said, the deadlines, the steps, and the next step
// for the complaint handler (acknowledge, respond, close the loop).
import { h, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { label } from '../components/centres-common.js';

export default async function render({ root, params, app }) {
  const codes = await get('/api/v1/feedback/codes');
  let item = await get(`/api/v1/feedback/${encodeURIComponent(params[0])}`);
  app.setTitle(t('fb.item_title'));
  const body = h('div');
  function draw() {
    const facts = [
      ['fb.received', fmtDateTime(item.received_at)], ['fb.channel', label(codes.channels.find((c) => c.code === item.channel))],
      ['fb.category', label(codes.categories.find((c) => c.code === item.category))], ['fb.kind_label', tOf(KEYS.FB_KIND, item.kind)],
      ['fb.who', item.anonymous ? t('fb.anonymous') : (item.contact || t('fb.named'))], ['fb.language', item.language || '—'],
      ['fb.ack_due', fmtDateTime(item.ack_due)], ['fb.response_due', fmtDateTime(item.response_due)],
      ['fb.state_label', `${tOf(KEYS.FB_STATE, item.state)}${item.overdue ? ` · ${t('fb.overdue')}` : ''}`],
    ];
    if (item.loop) facts.push(['fb.loop_label', tOf(KEYS.FB_LOOP, item.loop)]);
    const action = select([], null, { id: 'fb-action' });
    const next = { received: ['acknowledge', 'respond', 'note'], acknowledged: ['respond', 'close', 'note'], responded: ['close', 'note'], closed: ['reopen', 'note'] }[item.state];
    action.replaceChildren(...next.map((a) => h('option', { value: a }, tOf(KEYS.FB_ACTION, a))));
    const text = h('textarea', { id: 'fb-text', rows: 3, maxlength: 4000 });
    const loop = select(['posted_publicly', 'told_person', 'not_possible'].map((l) => ({ value: l, label: tOf(KEYS.FB_LOOP, l) })), 'posted_publicly', { id: 'fb-loop' });
    const loopField = field({ label: t('fb.loop_label'), input: loop, name: 'loop' });
    const sync = () => { loopField.hidden = action.value !== 'close'; };
    action.addEventListener('change', sync);
    sync();
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'fb-act-submit' }, t('fb.do'));
    const form = h('form', { id: 'fb-act-form', novalidate: true }, h('div', { class: 'form-row' }, field({ label: t('fb.next_step'), input: action, name: 'action' }), loopField),
      field({ label: t('fb.text'), input: text, name: 'text', hint: t('fb.text_hint') }), h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const b = { action: action.value };
      if (text.value.trim()) b.text = text.value.trim();
      if (action.value === 'close') b.loop = loop.value;
      await busy(submit, async () => {
        try {
          item = await post(`/api/v1/feedback/${encodeURIComponent(item.id)}/actions`, b);
          announce(tOf(KEYS.FB_STATE, item.state));
          draw();
        } catch (err) { showError(form, err, 'fb'); }
      });
    });
    body.replaceChildren(
      h('dl', { class: 'facts spaced', id: 'fb-facts' }, facts.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)])),
      h('section', { class: 'card', 'aria-labelledby': 'fb-sum-h' }, h('h2', { id: 'fb-sum-h' }, t('fb.summary')), h('p', { dir: 'auto' }, item.summary)),
      h('section', { class: 'card', 'aria-labelledby': 'fb-steps-h' }, h('h2', { id: 'fb-steps-h' }, t('fb.steps')),
        item.events.length ? h('ol', { class: 'timeline', id: 'fb-steps' }, item.events.map((ev) => h('li', {},
          h('strong', {}, tOf(KEYS.FB_ACTION, ev.action)), ' · ', fmtDateTime(ev.at), ' · ', ev.by_name, ev.text ? h('p', { dir: 'auto' }, ev.text) : null)))
          : h('p', { class: 'muted' }, t('fb.no_steps'))),
      app.can('feedback.handle') ? h('section', { class: 'card', 'aria-labelledby': 'fb-act-h' }, h('h2', { id: 'fb-act-h' }, t('fb.next_step')), form) : null);
  }
  draw();
  root.append(h('p', {}, h('a', { href: '/feedback' }, t('fb.back'))), h('h1', {}, t('fb.item_title')), body);
}
