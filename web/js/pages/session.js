// One group session: who came (registered people found by search) and how many others
// (a count per sex and age group), adding up to the total.
import { h, announce } from '../dom.js';
import { get, post, del, api } from '../api.js';
import { t, fmtNumber, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { showError, clearErrors, busy, errorMessage } from '../forms.js';
import { personFinder, personLabel, label, kpi, table } from '../components/centres-common.js';

const SEXES = ['F', 'M', 'X'];

export default async function render({ root, params, app }) {
  const id = encodeURIComponent(params[0]);
  const { kinds, age_groups: ages } = await get('/api/v1/sessions/kinds');
  let s = await get(`/api/v1/sessions/${id}`);
  app.setTitle(s.topic);
  const kind = kinds.find((k) => k.code === s.kind);
  const canWrite = app.can('sessions.write') && kind && app.can(kind.permission);
  const body = h('div');

  function draw() {
    const countOf = (sex, age) => s.counts.find((c) => c.sex === sex && c.age_group === age)?.count ?? 0;
    const inputs = [];
    const grid = h('table', { id: 'counts-grid' }, h('caption', {}, t('ses.counts_caption')),
      h('thead', {}, h('tr', {}, h('td', {}), SEXES.map((x) => h('th', { scope: 'col' }, tOf(KEYS.SES_SEX, x))))),
      h('tbody', {}, ages.map((a) => h('tr', {}, h('th', { scope: 'row' }, label(a)), SEXES.map((x) => {
        const input = h('input', { type: 'number', min: '0', max: '10000', value: String(countOf(x, a.code)), id: `count-${x}-${a.code}`,
          class: 'qty', 'aria-label': `${label(a)}, ${tOf(KEYS.SES_SEX, x)}`, disabled: !canWrite });
        inputs.push({ sex: x, age_group: a.code, input });
        return h('td', {}, input);
      })))));
    const save = h('button', { type: 'submit', class: 'btn', id: 'counts-save' }, t('ses.save_counts'));
    const countsForm = h('form', { id: 'counts-form', novalidate: true }, h('div', { class: 'table-wrap' }, grid), canWrite ? h('div', { class: 'actions' }, save) : null);
    countsForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(countsForm);
      const counts = inputs.map((i) => ({ sex: i.sex, age_group: i.age_group, count: Number(i.input.value) || 0 })).filter((c) => c.count > 0);
      await busy(save, async () => {
        try {
          s = await api('PUT', `/api/v1/sessions/${id}/counts`, { counts });
          draw();
          announce(t('ses.total_now', { n: fmtNumber(s.attendance.total) }));
        } catch (err) { showError(countsForm, err, 'ses'); }
      });
    });
    const addMsg = h('p', { id: 'attend-msg', role: 'status' });
    const finder = canWrite ? personFinder({ id: 'attend-find', siteId: () => s.site_id, labelKey: 'ses.add_attendee', onPick: async (p) => {
      try {
        s = await post(`/api/v1/sessions/${id}/attendees`, { person_id: p.id });
        draw();
        document.getElementById('attend-msg').textContent = t('ses.added', { n: fmtNumber(s.attendance.total) });
        document.getElementById('attend-find').focus();
      } catch (err) { addMsg.textContent = err.status === 409 ? t('ses.already') : errorMessage(err, 'ses'); }
    } }) : null;
    body.replaceChildren(
      h('dl', { class: 'facts spaced' }, [['ses.kind', label(kind)], ['ses.when', fmtDateTime(s.starts_at)], ['centres.site', s.site_name],
        ['ses.facilitator', s.facilitator], ['ses.language', s.language], ['ses.interpreter', s.interpreter || '—']].map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)])),
      h('div', { class: 'kpis' }, kpi(t('ses.registered'), s.attendance.registered, 'kpi-registered'), kpi(t('ses.anonymous'), s.attendance.anonymous, 'kpi-anonymous'),
        kpi(t('ses.total'), s.attendance.total, 'kpi-total')),
      h('section', { class: 'card', 'aria-labelledby': 'att-h' }, h('h2', { id: 'att-h' }, t('ses.attendees')), finder, addMsg,
        table('attendees', t('ses.attendees'), [
          { key: 'dist.person', cell: (a) => personLabel(a) },
          { key: 'ses.sex_label', cell: (a) => tOf(KEYS.SES_SEX, a.sex) },
          { key: 'ses.age', cell: (a) => label(ages.find((x) => x.code === a.age_group)) },
          ...(canWrite ? [{ key: 'ses.remove', cell: (a) => h('button', { type: 'button', class: 'link-button', onclick: async () => {
            s = await del(`/api/v1/sessions/${id}/attendees/${encodeURIComponent(a.person_id)}`);
            draw();
            announce(t('ses.removed'));
          } }, t('ses.remove')) }] : []),
        ], s.attendees, t('ses.no_attendees'))),
      h('section', { class: 'card', 'aria-labelledby': 'counts-h' }, h('h2', { id: 'counts-h' }, t('ses.counts')), h('p', { class: 'hint' }, t('ses.counts_hint')), countsForm));
  }
  draw();
  root.append(h('p', {}, h('a', { href: '/sessions' }, t('ses.back'))), h('h1', {}, s.topic), body);
}
