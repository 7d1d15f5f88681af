// Recording a complaint or feedback at the desk. Allegations of sexual exploitation or
// abuse do not go here: the form points to the PSEA channel.
import { h, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, showError, clearErrors, busy } from '../forms.js';
import { sitePicker, personFinder, personLabel, label } from '../components/centres-common.js';

export default async function render({ root, app }) {
  app.setTitle(t('fb.new'));
  const sites = await app.sites();
  const codes = await get('/api/v1/feedback/codes');
  const site = sitePicker(sites, sites[0]?.id, 'fbn-site');
  const channel = select(codes.channels.map((c) => ({ value: c.code, label: label(c) })), 'box', { id: 'fbn-channel' });
  const category = select(codes.categories.map((c) => ({ value: c.code, label: label(c) })), 'food', { id: 'fbn-category' });
  const kind = select(['complaint', 'feedback', 'suggestion', 'appreciation'].map((k) => ({ value: k, label: tOf(KEYS.FB_KIND, k) })), 'complaint', { id: 'fbn-kind' });
  const anon = h('input', { type: 'radio', name: 'who', id: 'fbn-anon', value: 'anon', checked: true });
  const named = h('input', { type: 'radio', name: 'who', id: 'fbn-named', value: 'named' });
  const contact = h('input', { type: 'text', id: 'fbn-contact', maxlength: 120 });
  const language = h('input', { type: 'text', id: 'fbn-language', maxlength: 8, placeholder: 'fa, ps, ar …' });
  const summary = h('textarea', { id: 'fbn-summary', rows: 4, maxlength: 4000, dir: 'auto' });
  let person = null;
  const chosen = h('p', { id: 'fbn-person', class: 'muted' });
  const finder = personFinder({ id: 'fbn-find', siteId: () => site.select.value, onPick: (p) => { person = p; chosen.replaceChildren(personLabel(p)); named.checked = true; sync(); } });
  const namedBox = h('div', { id: 'fbn-named-box' }, finder, chosen, field({ label: t('fb.contact'), input: contact, name: 'contact', hint: t('fb.contact_hint') }));
  function sync() { namedBox.hidden = !named.checked; }
  anon.addEventListener('change', sync);
  named.addEventListener('change', sync);
  sync();
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'fbn-submit' }, t('fb.record'));
  const form = h('form', { id: 'fbn-form', novalidate: true },
    h('div', { class: 'form-row' }, site.field, field({ label: t('fb.channel'), input: channel, name: 'channel' }),
      field({ label: t('fb.category'), input: category, name: 'category' }), field({ label: t('fb.kind_label'), input: kind, name: 'kind' })),
    fieldset({ legend: t('fb.who'), name: 'anonymous', children: [h('div', { class: 'choice' }, anon, h('label', { for: 'fbn-anon' }, t('fb.anonymous'))),
      h('div', { class: 'choice' }, named, h('label', { for: 'fbn-named' }, t('fb.named')))] }),
    namedBox,
    field({ label: t('fb.language'), input: language, name: 'language', hint: t('fb.language_hint') }),
    field({ label: t('fb.summary'), input: summary, name: 'summary' }),
    h('p', { class: 'notice notice-warn', id: 'fbn-psea-note' }, t('fb.psea_note'), ' ', h('a', { href: '/psea/new' }, t('psea.new'))),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { site_id: site.select.value, channel: channel.value, category: category.value, kind: kind.value,
      anonymous: anon.checked, summary: summary.value.trim() };
    if (!anon.checked && person) body.person_id = person.id;
    if (!anon.checked && contact.value.trim()) body.contact = contact.value.trim();
    if (language.value.trim()) body.language = language.value.trim();
    await busy(submit, async () => {
      try {
        const r = await post('/api/v1/feedback', body);
        announce(t('fb.recorded'));
        if (app.can('feedback.read')) app.navigate(`/feedback/${encodeURIComponent(r.id)}`);
        else {
          root.replaceChildren(h('h1', { tabindex: '-1' }, t('fb.new')), h('p', { class: 'notice notice-ok', role: 'status', id: 'fbn-done' }, t('fb.recorded')),
            h('p', {}, h('a', { href: '/feedback/new' }, t('fb.another'))));
          root.querySelector('h1').focus();
        }
      } catch (err) { showError(form, err, 'fb'); }
    });
  });
  root.append(h('h1', {}, t('fb.new')), form);
}
