// One training: agenda, participants (who attended), evaluation results, certificates.
import { h, announce } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, fmtNumber, fmtDate, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showError, clearErrors, busy } from '../forms.js';
import { table, kpi, label } from '../components/centres-common.js';

export default async function render({ root, params, app }) {
  const id = encodeURIComponent(params[0]);
  let tr = await get(`/api/v1/trainings/${id}`);
  const evalForm = await get('/api/v1/trainings/evaluation-form');
  app.setTitle(tr.title);
  const canWrite = app.can('training.write');
  const body = h('div');
  function draw() {
    const name = h('input', { type: 'text', id: 'p-name', maxlength: 120 });
    const org = h('input', { type: 'text', id: 'p-org', maxlength: 200 });
    const country = h('input', { type: 'text', id: 'p-country', maxlength: 2, value: 'BA' });
    const sex = select(['F', 'M', 'X'].map((x) => ({ value: x, label: tOf(KEYS.SES_SEX, x) })), 'F', { id: 'p-sex' });
    const add = h('button', { type: 'submit', class: 'btn', id: 'p-submit' }, t('tr.add_participant'));
    const pform = h('form', { id: 'p-form', novalidate: true }, h('div', { class: 'form-row' }, field({ label: t('tr.name'), input: name, name: 'name' }),
      field({ label: t('tr.organisation'), input: org, name: 'organisation' }), field({ label: t('tr.country'), input: country, name: 'country' }),
      field({ label: t('ses.sex_label'), input: sex, name: 'sex' })), h('div', { class: 'actions' }, add));
    pform.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(pform);
      await busy(add, async () => {
        try {
          tr = await post(`/api/v1/trainings/${id}/participants`, { name: name.value.trim(), organisation: org.value.trim(), country: country.value.trim().toUpperCase() || undefined, sex: sex.value });
          draw();
          announce(t('tr.participant_added'));
          document.getElementById('p-name').focus();
        } catch (err) { showError(pform, err, 'tr'); }
      });
    });
    const ratings = evalForm.questions.filter((q) => q.type === 'rating');
    body.replaceChildren(
      h('dl', { class: 'facts spaced' }, [['tr.kind_label', tOf(KEYS.TR_KIND, tr.kind)], ['tr.from', fmtDate(tr.starts_on)], ['tr.to', fmtDate(tr.ends_on)],
        ['tr.venue', tr.venue || '—'], ['tr.organiser', tr.organiser || '—']].map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)])),
      h('div', { class: 'kpis' }, kpi(t('tr.participants'), tr.figures.participants, 'kpi-p'), kpi(t('tr.attended'), tr.figures.attended, 'kpi-attended'),
        kpi(t('tr.women'), tr.figures.female, 'kpi-w'), kpi(t('tr.evaluations'), tr.evaluation.responses, 'kpi-e')),
      h('section', { class: 'card', 'aria-labelledby': 'agenda-h' }, h('h2', { id: 'agenda-h' }, t('tr.agenda')),
        table('agenda', t('tr.agenda'), [{ key: 'tr.day', cell: (a) => fmtDate(a.day) }, { key: 'tr.time', cell: (a) => a.time },
          { key: 'tr.item', cell: (a) => a.title }, { key: 'tr.speaker', cell: (a) => a.speaker || '' }], tr.agenda, t('tr.no_agenda'))),
      h('section', { class: 'card', 'aria-labelledby': 'parts-h' }, h('h2', { id: 'parts-h' }, t('tr.participants')),
        canWrite && tr.figures.attended ? h('p', {}, h('a', { class: 'btn', id: 'certificates', href: `/api/v1/trainings/${id}/certificates`, target: '_blank', rel: 'noopener' }, t('tr.certificates'))) : null,
        table('participants', t('tr.participants'), [
          { key: 'tr.name', cell: (p) => h('bdi', { dir: 'auto' }, p.name) }, { key: 'tr.organisation', cell: (p) => p.organisation },
          { key: 'tr.country', cell: (p) => p.country || '' }, { key: 'ses.sex_label', cell: (p) => (p.sex ? tOf(KEYS.SES_SEX, p.sex) : '') },
          { key: 'tr.attended', cell: (p) => (canWrite ? h('button', { type: 'button', class: 'link-button', 'aria-pressed': String(p.attended), onclick: async () => {
            tr = await patch(`/api/v1/trainings/${id}/participants/${encodeURIComponent(p.id)}`, { attended: !p.attended });
            draw();
          } }, p.attended ? t('sv.yes') : t('sv.no')) : (p.attended ? t('sv.yes') : t('sv.no'))) },
          { key: 'tr.certificate', cell: (p) => p.certificate_no || '' },
        ], tr.participants, t('tr.no_participants')), canWrite ? pform : null),
      h('section', { class: 'card', 'aria-labelledby': 'eval-h' }, h('h2', { id: 'eval-h' }, t('tr.evaluation')),
        table('evaluation', t('tr.evaluation'), [{ key: 'tr.question', cell: (q) => label(q.label) },
          { key: 'tr.mean', num: true, cell: (q) => (tr.evaluation.questions[q.id] ? fmtNumber(tr.evaluation.questions[q.id].mean, { maximumFractionDigits: 1 }) : '—') }],
        ratings, t('tr.no_evaluations')),
        tr.evaluation.comments.length ? h('ul', {}, tr.evaluation.comments.map((c) => h('li', { dir: 'auto' }, c))) : null));
  }
  draw();
  root.append(h('p', {}, h('a', { href: '/trainings' }, t('tr.back'))), h('h1', {}, tr.title), body);
}
