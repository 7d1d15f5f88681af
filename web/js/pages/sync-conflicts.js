// After field sites synced: the values two sites changed differently (a conflict, resolved
// here with a choice and a reason, which travels to every site) and the people a site
// registered offline who may already be known elsewhere (the duplicates worklist).
import { h, announce, newId } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, showError, clearErrors, busy } from '../forms.js';

// Values travel as JSON text; shown as the plain value ("" for none).
function shown(v) {
  if (v == null) return t('sync.none_value');
  try {
    const x = JSON.parse(v);
    return x == null ? t('sync.none_value') : typeof x === 'object' ? JSON.stringify(x) : String(x);
  } catch { return v; }
}

function who(p) {
  return p ? `${p.given_name} ${p.family_name} (${p.reg_no})` : '';
}

function conflictCard(c, reload) {
  const id = newId('conflict');
  const choice = (value, label) => h('div', {}, h('label', { class: 'radio' },
    h('input', { type: 'radio', name: `${id}-choice`, value, required: true }), ' ', label));
  const reason = h('textarea', { id: `${id}-reason`, rows: 2, maxlength: 1000 });
  const submit = h('button', { type: 'submit', class: 'btn-primary' }, t('sync.resolve'));
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, h('bdi', {}, who(c.person)), ' · ', tOf(KEYS.SYNC_FIELD, c.field)),
    h('p', {}, t('sync.detected', { when: fmtDateTime(c.detected_at) })),
    fieldset({ legend: t('sync.keep'), name: 'choice', children: [
      choice('local', h('span', {}, t('sync.here'), ': ', h('bdi', {}, shown(c.local)))),
      choice('incoming', h('span', {}, t('sync.incoming'), ': ', h('bdi', {}, shown(c.incoming))))] }),
    h('p', { class: 'hint' }, t('sync.before'), ': ', h('bdi', {}, shown(c.base))),
    field({ label: t('sync.reason'), input: reason, name: 'reason', hint: t('sync.reason_hint') }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const picked = form.querySelector(`input[name="${id}-choice"]:checked`);
    await busy(submit, async () => {
      try {
        await post(`/api/v1/sync/conflicts/${encodeURIComponent(c.id)}/resolve`,
          { choice: picked ? picked.value : '', reason: reason.value });
        announce(t('sync.resolved'));
        await reload();
      } catch (err) {
        showError(form, err, 'sync');
        if (err.code === 'conflict') await reload();
      }
    });
  });
  return form;
}

export default async function render({ root, app }) {
  app.setTitle(t('sync.title'));
  const list = h('div', { id: 'sync-conflicts' });
  const dups = h('div', { id: 'sync-duplicates' });
  async function reload() {
    const r = await get('/api/v1/sync/conflicts?status=open');
    list.replaceChildren(...(r.items.length ? r.items.map((c) => conflictCard(c, reload))
      : [h('p', { class: 'empty' }, t('sync.no_conflicts'))]));
    if (!app.can('person.merge')) return;
    const d = await get('/api/v1/sync/duplicates');
    dups.replaceChildren(h('h2', {}, t('sync.duplicates')),
      d.items.length ? h('ul', { class: 'plain' }, ...d.items.map((x) => h('li', {},
        h('a', { href: `/persons/${encodeURIComponent(x.person_id)}` }, h('bdi', {}, who(x.person))), ' ↔ ',
        h('a', { href: `/persons/${encodeURIComponent(x.candidate_id)}` }, h('bdi', {}, who(x.candidate))),
        ` · ${Math.round(x.score * 100)}%`)))
        : h('p', { class: 'empty' }, t('sync.no_duplicates')));
  }
  root.append(h('h1', {}, t('sync.title')), h('p', { class: 'lead' }, t('sync.lead')), list, dups);
  await reload();
}
