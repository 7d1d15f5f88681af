// One forced-return operation: its facts, the monitor's report with the checklist
// (once, after the day), the findings with their recommendations and follow-up.
import { h, bdi, announce } from '../dom.js';
import { get, post } from '../api.js';
import { t, fmtDate, fmtDateTime, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, fieldset, select, clearErrors, busy, showError } from '../forms.js';
import { label } from '../components/centres-common.js';

const ANSWERS = ['yes', 'no', 'not_observed'];
const SEVERITIES = ['observation', 'concern', 'serious'];
const FOLLOW_UPS = ['open', 'in_progress', 'implemented', 'rejected'];

export default async function render({ root, params, app }) {
  const url = `/api/v1/returns/operations/${encodeURIComponent(params[0])}`;
  await codeList('countries');
  const { items } = await get('/api/v1/returns/operation-checklist');
  let o = await get(url);
  const writer = app.can('returns.monitoring.write');
  app.setTitle(t('avrr.op_title', { date: fmtDate(o.date) }));
  const body = h('div');
  root.append(body);

  function reportSection() {
    const section = h('section', { class: 'card', 'aria-labelledby': 'report-h' }, h('h2', { id: 'report-h', tabindex: '-1' }, t('avrr.report')));
    if (o.status === 'reported') {
      section.append(h('p', {}, t('avrr.reported_by', { name: o.reported_by, at: fmtDateTime(o.reported_at) })),
        h('p', { class: 'report-text' }, bdi(o.report)),
        h('ul', { id: 'checklist' }, items.map((i) => h('li', { class: o.checklist[i.id] === 'no' ? 'overdue' : null },
          `${label(i)}: `, h('strong', {}, tOf(KEYS.AVRR_ANSWER, o.checklist[i.id]))))));
      return section;
    }
    if (!writer) { section.append(h('p', { class: 'muted' }, t('avrr.no_report'))); return section; }
    const answers = items.map((i) => select(ANSWERS.map((a) => ({ value: a, label: tOf(KEYS.AVRR_ANSWER, a) })), 'yes', { id: `check-${i.id}` }));
    const text = h('textarea', { id: 'report-text', rows: 5 });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'report-submit' }, t('avrr.report_submit'));
    const phases = [...new Set(items.map((i) => i.phase))];
    const form = h('form', { id: 'report-form', novalidate: true },
      phases.map((p) => fieldset({ legend: tOf(KEYS.AVRR_PHASE, p), children: items.map((i, k) => (i.phase === p ? field({ label: label(i), input: answers[k], name: `checklist.${i.id}` }) : null)) })),
      field({ label: t('avrr.report_text'), input: text, name: 'report' }),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          o = await post(`${url}/report`, { checklist: Object.fromEntries(items.map((i, k) => [i.id, answers[k].value])), report: text.value });
          announce(t('avrr.report_recorded'));
          show();
          document.getElementById('report-h')?.focus();
        } catch (err) { showError(form, err, 'avrr'); }
      });
    });
    section.append(form);
    return section;
  }

  function findingItem(f) {
    const li = h('li', { dataset: { id: f.id } }, h('strong', {}, tOf(KEYS.AVRR_SEVERITY, f.severity)), ': ', bdi(f.finding), h('br'),
      `${t('avrr.recommendation')}: `, bdi(f.recommendation), f.addressed_to ? [' (', bdi(f.addressed_to), ')'] : null, h('br'),
      `${t('avrr.follow_up')}: `, h('span', { class: 'follow-up' }, tOf(KEYS.AVRR_FOLLOW, f.follow_up)), f.follow_up_note ? [' · ', bdi(f.follow_up_note)] : null);
    if (writer && (f.follow_up === 'open' || f.follow_up === 'in_progress')) {
      const id = `follow-${f.id}`;
      const to = select(FOLLOW_UPS.filter((x) => x !== f.follow_up).map((x) => ({ value: x, label: tOf(KEYS.AVRR_FOLLOW, x) })), 'implemented', { id });
      const note = h('input', { type: 'text', id: `${id}-note`, autocomplete: 'off' });
      const submit = h('button', { type: 'submit', class: 'btn btn-small' }, t('avrr.follow_save'));
      const form = h('form', { class: 'form-row follow-form', novalidate: true, 'aria-label': t('avrr.follow_up') },
        field({ label: t('avrr.follow_up'), input: to, name: 'follow_up' }), field({ label: t('avrr.follow_note'), input: note, name: 'note' }),
        h('div', { class: 'actions' }, submit));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        await busy(submit, async () => {
          try {
            o = await post(`${url}/findings/${encodeURIComponent(f.id)}`, { follow_up: to.value, note: note.value.trim() || undefined });
            announce(t('avrr.follow_recorded'));
            show();
            document.getElementById('findings-h')?.focus();
          } catch (err) { showError(form, err, 'avrr'); }
        });
      });
      li.append(form);
    }
    return li;
  }

  function findingsSection() {
    const section = h('section', { class: 'card', 'aria-labelledby': 'findings-h' }, h('h2', { id: 'findings-h', tabindex: '-1' }, t('avrr.findings')),
      o.findings.length ? h('ol', { id: 'findings' }, o.findings.map(findingItem)) : h('p', { class: 'muted' }, t('avrr.no_findings')));
    if (!writer) return section;
    const finding = h('textarea', { id: 'finding-text', rows: 2 });
    const severity = select(SEVERITIES.map((s) => ({ value: s, label: tOf(KEYS.AVRR_SEVERITY, s) })), 'concern', { id: 'finding-severity' });
    const rec = h('textarea', { id: 'finding-rec', rows: 2 });
    const to = h('input', { type: 'text', id: 'finding-to', autocomplete: 'off' });
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'finding-submit' }, t('avrr.finding_add'));
    const form = h('form', { id: 'finding-form', novalidate: true, 'aria-labelledby': 'finding-new-h' },
      h('h3', { id: 'finding-new-h' }, t('avrr.finding_add')),
      field({ label: t('avrr.finding'), input: finding, name: 'finding' }),
      h('div', { class: 'form-row' }, field({ label: t('avrr.severity_label'), input: severity, name: 'severity' }),
        field({ label: t('avrr.addressed_to'), input: to, name: 'addressed_to' })),
      field({ label: t('avrr.recommendation'), input: rec, name: 'recommendation' }),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          o = await post(`${url}/findings`, { finding: finding.value, severity: severity.value, recommendation: rec.value, addressed_to: to.value.trim() || undefined });
          announce(t('avrr.finding_recorded'));
          show();
          document.getElementById('findings-h')?.focus();
        } catch (err) { showError(form, err, 'avrr'); }
      });
    });
    section.append(form);
    return section;
  }

  function show() {
    body.replaceChildren(
      h('h1', {}, t('avrr.op_title', { date: fmtDate(o.date) })),
      h('p', {}, h('a', { href: '/returns/operations' }, t('avrr.ops_title'))),
      h('section', { class: 'card', 'aria-labelledby': 'op-h' }, h('h2', { id: 'op-h' }, t('avrr.the_operation')),
        h('dl', { class: 'facts', id: 'op-facts' },
          h('dt', {}, t('avrr.op_kind_label')), h('dd', {}, tOf(KEYS.AVRR_OP_KIND, o.kind)),
          h('dt', {}, t('avrr.route')), h('dd', {}, bdi(o.route)),
          h('dt', {}, t('ret.destination')), h('dd', {}, codeName('countries', o.destination_country)),
          h('dt', {}, t('avrr.returnees')), h('dd', {}, String(o.returnees)),
          h('dt', {}, t('avrr.escorts')), h('dd', {}, String(o.escorts), o.escort_organisation ? [' · ', bdi(o.escort_organisation)] : null),
          h('dt', {}, t('avrr.monitors')), h('dd', {}, o.monitors.map((m, i) => [i ? ', ' : '', bdi(m)])),
          h('dt', {}, t('avrr.status')), h('dd', { id: 'op-status' }, tOf(KEYS.AVRR_OP_STATUS, o.status)))),
      reportSection(),
      findingsSection());
  }
  show();
}
