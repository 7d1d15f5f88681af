// Filling a survey on a phone, online or offline: the answer is saved in the outbox and
// sent when the network allows; a refusal comes back to the outbox, and "Fix" opens it
// here again with the server's reason at the question.
import { h, announce } from '../dom.js';
import { t } from '../i18n.js';
import { cachedGet } from '../offline.js';
import { enqueue, resubmit, get as outboxGet, flush } from '../outbox.js';
import { frame, newRecordId, formText } from '../outreach/common.js';
import { renderForm } from '../outreach/fill.js';

export default async function render({ root, params, query, app }) {
  const def = await cachedGet(`/api/v1/outreach/forms/${encodeURIComponent(params[0])}`);
  frame(root, app, 'outreach.fill.title');
  root.querySelector('h1').textContent = def.title;
  app.setTitle(def.title);
  const fixId = query.get('fix');
  const fixing = fixId ? await outboxGet(fixId) : null;
  const status = h('div', { id: 'fill-status', role: 'status' });
  const mount = h('div');
  const form = h('form', { id: 'fill-form', class: 'card or-fill', novalidate: true }, mount,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn-primary', id: 'fill-save' }, t('outreach.fill.save'))));
  root.append(h('p', { class: 'lead' }, t('outreach.fill.lead', { version: def.version })), status, form);
  let current = renderForm(def, fixing ? { ...fixing.body.data, start: fixing.body.started_at } : {});
  mount.append(current.element);
  if (fixing && fixing.error) current.showServerError(fixing.error) || status.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, fixing.error.message));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const answer = current.collect();
    if (!answer) return;
    const firstText = def.questions.find((q) => q.type === 'select_one' && answer.data[q.name]);
    const label = `${def.title}${firstText ? ` – ${formText((def.choices[firstText.list] || []).find((c) => c.name === answer.data[firstText.name])?.label || {}, def.languages) || answer.data[firstText.name]}` : ''}`;
    const url = `/api/v1/outreach/forms/${encodeURIComponent(def.id)}/submissions`;
    if (fixing) {
      const newId = fixing.error && fixing.error.status === 409 ? newRecordId() : null;
      await resubmit(fixing.id, { body: { id: newId || fixing.id, ...answer }, url, label, newId });
    } else {
      const id = newRecordId();
      await enqueue({ id, url, body: { id, ...answer }, label, kind: 'submission' });
    }
    current = renderForm(def);
    mount.replaceChildren(current.element);
    status.replaceChildren(h('p', { class: 'notice notice-ok', id: 'fill-saved' }, t('outreach.fill.saved')));
    announce(t('outreach.fill.saved'));
    window.scrollTo(0, 0);
    await flush();
    if (fixing) app.navigate('/outreach/');
  });
}
