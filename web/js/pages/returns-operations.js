// Forced-return monitoring: the operations monitored (newest first, those with a
// finding still open marked) and a form for a new one.
import { h, bdi, announce } from '../dom.js';
import { get, post, withQuery } from '../api.js';
import { t, fmtDate, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, clearErrors, busy, showError, dateInput, dateValue } from '../forms.js';
import { sitePicker, table } from '../components/centres-common.js';

const KINDS = ['charter_flight', 'scheduled_flight', 'land'];

export default async function render({ root, query, app }) {
  app.setTitle(t('avrr.ops_title'));
  await codeList('countries');
  const writer = app.can('returns.monitoring.write');
  const sites = await app.sites();
  const open = h('input', { type: 'checkbox', id: 'ops-open', checked: query.get('open_findings') === 'true' });
  const listBox = h('div');

  async function load() {
    const list = await get(withQuery('/api/v1/returns/operations', { open_findings: open.checked ? 'true' : '', limit: 500 }));
    listBox.replaceChildren(table('ops-list', t('avrr.ops_title'), [
      { key: 'avrr.op_date', cell: (o) => h('a', { href: `/returns/operations/${encodeURIComponent(o.id)}` }, fmtDate(o.date)) },
      { key: 'avrr.op_kind_label', cell: (o) => tOf(KEYS.AVRR_OP_KIND, o.kind) },
      { key: 'avrr.route', cell: (o) => bdi(o.route) },
      { key: 'ret.destination', cell: (o) => codeName('countries', o.destination_country) },
      { key: 'avrr.returnees', num: true, cell: (o) => String(o.returnees) },
      { key: 'avrr.status', cell: (o) => tOf(KEYS.AVRR_OP_STATUS, o.status) },
      { key: 'avrr.findings_open', num: true, cell: (o) => (o.findings_open ? h('strong', { class: 'overdue' }, String(o.findings_open)) : '0') },
    ], list.items, t('avrr.ops_none')));
  }

  function newForm() {
    const date = dateInput({ id: 'op-date', value: new Date().toISOString().slice(0, 10) });
    const kind = select(KINDS.map((k) => ({ value: k, label: tOf(KEYS.AVRR_OP_KIND, k) })), 'charter_flight', { id: 'op-kind' });
    const route = h('input', { type: 'text', id: 'op-route', autocomplete: 'off', maxlength: 200 });
    const dest = h('input', { type: 'text', id: 'op-dest', autocomplete: 'off', maxlength: 2, size: 4 });
    const returnees = h('input', { type: 'number', id: 'op-returnees', min: '1', max: '500', value: '1' });
    const escorts = h('input', { type: 'number', id: 'op-escorts', min: '0', max: '2000', value: '0' });
    const org = h('input', { type: 'text', id: 'op-org', autocomplete: 'off', maxlength: 160 });
    const monitors = h('input', { type: 'text', id: 'op-monitors', autocomplete: 'off' });
    const site = sitePicker(sites, sites[0]?.id, 'op-site');
    const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'op-submit' }, t('avrr.op_record'));
    const form = h('form', { id: 'op-form', novalidate: true, 'aria-labelledby': 'op-new-h' },
      h('h2', { id: 'op-new-h' }, t('avrr.op_new')),
      h('div', { class: 'form-row' }, field({ label: t('avrr.op_date'), input: date, name: 'date' }),
        field({ label: t('avrr.op_kind_label'), input: kind, name: 'kind' }),
        field({ label: t('avrr.route'), input: route, name: 'route', hint: t('avrr.route_hint') }),
        field({ label: t('ret.destination'), input: dest, name: 'destination_country', hint: t('avrr.citizenship_hint') })),
      h('div', { class: 'form-row' }, field({ label: t('avrr.returnees'), input: returnees, name: 'returnees' }),
        field({ label: t('avrr.escorts'), input: escorts, name: 'escorts' }),
        field({ label: t('avrr.escort_org'), input: org, name: 'escort_organisation' }), site.field),
      field({ label: t('avrr.monitors'), input: monitors, name: 'monitors', hint: t('avrr.monitors_hint') }),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(submit, async () => {
        try {
          const o = await post('/api/v1/returns/operations', {
            date: dateValue(date), kind: kind.value, route: route.value.trim(), destination_country: dest.value.trim().toUpperCase(),
            returnees: Number(returnees.value), escorts: Number(escorts.value), escort_organisation: org.value.trim() || undefined,
            monitors: monitors.value.split(';').map((m) => m.trim()).filter(Boolean), site_id: site.select.value,
          });
          announce(t('avrr.op_recorded'));
          app.navigate(`/returns/operations/${encodeURIComponent(o.id)}`);
        } catch (err) { showError(form, err, 'avrr'); }
      });
    });
    return form;
  }

  open.addEventListener('change', load);
  root.append(h('h1', {}, t('avrr.ops_title')),
    h('p', { class: 'lead' }, t('avrr.ops_lead')),
    h('div', { class: 'form-row filters' }, h('div', { class: 'field choice-row' }, h('label', { class: 'choice' }, open, ' ', t('avrr.ops_open_only')))),
    listBox,
    writer ? h('section', { class: 'card' }, newForm()) : null);
  await load();
}
