// Recording an allegation of sexual exploitation or abuse. Anyone may record; once it is
// sent, only the PSEA focal points read it: the form shows a reference to give the
// person, and nothing of what was written stays on the screen.
import { h, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { field, fieldset, select, showError, clearErrors, busy, dateInput, dateValue } from '../forms.js';
import { sitePicker, label } from '../components/centres-common.js';

export default async function render({ root, app }) {
  app.setTitle(t('psea.new'));
  const sites = await app.sites();
  const codes = await get('/api/v1/feedback/codes');
  const site = sitePicker(sites, sites[0]?.id, 'psea-site');
  const channel = select(codes.channels.map((c) => ({ value: c.code, label: label(c) })), 'in_person', { id: 'psea-channel' });
  const summary = h('textarea', { id: 'psea-summary', rows: 6, maxlength: 8000, dir: 'auto' });
  const date = dateInput({ id: 'psea-date' });
  const location = h('input', { type: 'text', id: 'psea-location', maxlength: 200 });
  const survivor = h('textarea', { id: 'psea-survivor', rows: 2, maxlength: 1000, dir: 'auto' });
  const alleged = h('textarea', { id: 'psea-alleged', rows: 2, maxlength: 1000, dir: 'auto' });
  const contact = h('input', { type: 'text', id: 'psea-contact', maxlength: 200 });
  const anon = h('input', { type: 'checkbox', id: 'psea-anon' });
  const language = h('input', { type: 'text', id: 'psea-language', maxlength: 8 });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'psea-submit' }, t('psea.send'));
  const form = h('form', { id: 'psea-form', novalidate: true },
    h('p', { class: 'notice' }, t('psea.explain')),
    h('div', { class: 'form-row' }, site.field, field({ label: t('fb.channel'), input: channel, name: 'channel' }),
      field({ label: t('psea.date'), input: date, name: 'incident_date' })),
    field({ label: t('psea.summary'), input: summary, name: 'summary', hint: t('psea.summary_hint') }),
    field({ label: t('psea.location'), input: location, name: 'location' }),
    field({ label: t('psea.survivor'), input: survivor, name: 'survivor' }),
    field({ label: t('psea.alleged'), input: alleged, name: 'alleged' }),
    fieldset({ legend: t('psea.reporter'), name: 'anonymous', children: [h('div', { class: 'choice' }, anon, h('label', { for: 'psea-anon' }, t('psea.anonymous')))] }),
    field({ label: t('psea.contact'), input: contact, name: 'contact' }),
    field({ label: t('fb.language'), input: language, name: 'language', hint: t('fb.language_hint') }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    await busy(submit, async () => {
      try {
        const body = { site_id: site.select.value, channel: channel.value, summary: summary.value.trim(), anonymous: anon.checked };
        if (dateValue(date)) body.incident_date = dateValue(date);
        for (const [k, el] of [['location', location], ['survivor', survivor], ['alleged', alleged], ['contact', contact], ['language', language]]) {
          if (el.value.trim()) body[k] = el.value.trim();
        }
        const r = await post('/api/v1/psea/reports', body);
        // Nothing of the report stays in the page once it is sent.
        root.replaceChildren(h('h1', { tabindex: '-1' }, t('psea.sent_title')),
          h('div', { class: 'notice notice-ok', role: 'status', id: 'psea-done' },
            h('p', {}, t('psea.sent')), h('p', {}, t('psea.reference'), ' ', h('strong', { id: 'psea-reference' }, r.reference))),
          h('p', {}, h('a', { href: '/psea/new' }, t('psea.another'))));
        root.querySelector('h1').focus();
        announce(t('psea.sent'));
      } catch (err) { showError(form, err, 'psea'); }
    });
  });
  root.append(h('h1', {}, t('psea.new')), form);
}
