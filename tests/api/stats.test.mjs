// Statistics over HTTP (issue 6): compute a month from the demo case data, review,
// validate, export in the three formats, import a neighbour's file, compare, and the
// refusals (role, bad period, bad file with every error listed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';

let srv, stat, registrar, admin, officer;
const now = new Date();
const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;

before(async () => {
  srv = await startServer({ demo: true, people: 300 });
  stat = await srv.login('statistician');
  registrar = await srv.login('registrar');
  admin = await srv.login('admin');
  officer = await srv.login('protection');
});
after(async () => { await srv.stop(); });

test('the catalogue is for statisticians and admins only', async () => {
  const r = await srv.request('GET', '/api/v1/stats/catalogue', { token: stat });
  assert.equal(r.status, 200);
  const codes = r.body.indicators.map((i) => i.code);
  for (const c of ['ARR', 'ACC_EOP', 'DEP', 'ALOS', 'ASY_APP', 'IRR_PRES', 'REF_ENTRY', 'RET_AVR', 'AVRR_RET']) assert.ok(codes.includes(c), c);
  assert.equal((await srv.request('GET', '/api/v1/stats/catalogue', { token: registrar })).status, 403);
  assert.equal((await srv.request('POST', `/api/v1/stats/${period}/compute`, { token: registrar, body: {} })).status, 403);
});

test('compute, review and validate a month of demo data', async () => {
  const c = await srv.request('POST', `/api/v1/stats/${period}/compute`, { token: stat, body: {} });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.ref_area, 'BA');
  const arr = c.body.indicators.find((i) => i.code === 'ARR');
  assert.ok(arr.total > 0);
  const g = await srv.request('GET', `/api/v1/stats/${period}?indicator=ACC_EOP`, { token: stat });
  assert.equal(g.status, 200);
  assert.equal(g.body.indicators.length, 1);
  const cells = g.body.indicators[0].cells;
  assert.ok(cells.some((x) => x.site !== null), 'by site');
  for (const x of cells) assert.deepEqual(Object.keys(x).sort(), ['age', 'citizen', 'conf_status', 'obs_status', 'published', 'sex', 'site', 'value']);
  const v = await srv.request('GET', `/api/v1/stats/${period}/validation`, { token: stat });
  assert.equal(v.status, 200);
  assert.equal(v.body.errors, 0, JSON.stringify(v.body.violations.slice(0, 3)));
  assert.ok(v.body.checked > 0);
  const bad = await srv.request('POST', '/api/v1/stats/2023-13/compute', { token: stat, body: {} });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'period');
});

test('exports in SDMX-CSV, JSON and XLSX carry no personal data', async () => {
  await srv.request('POST', `/api/v1/stats/${period}/compute`, { token: stat, body: {} });
  const csv = await srv.request('GET', `/api/v1/stats/${period}/export?format=sdmx-csv`, { token: stat });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment; filename="haven-stats-local-\d{4}-\d\d\.csv"/);
  const lines = csv.text.trim().split('\n');
  assert.equal(lines[0], 'DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS');
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    assert.equal(f.length, 12);
    assert.ok(['F', 'C', 'D'].includes(f[11]));
    if (f[11] !== 'F') assert.equal(f[9], '');
    else if (f[7] === 'PER' && f[10] === 'A') assert.ok(Number(f[9]) === 0 || Number(f[9]) >= 5, l);
  }
  assert.doesNotMatch(csv.text, /[0-9a-f]{8}-[0-9a-f]{4}-/); // no ids
  assert.doesNotMatch(csv.text, /\d{4}-\d\d-\d\d/); // no dates of birth
  const again = await srv.request('GET', `/api/v1/stats/${period}/export?format=sdmx-csv`, { token: stat });
  assert.equal(again.text, csv.text);
  const json = await srv.request('GET', `/api/v1/stats/${period}/export?format=json`, { token: stat });
  assert.equal(json.status, 200);
  assert.equal(json.body.ref_area, 'BA');
  assert.doesNotMatch(json.text, /[0-9a-f]{8}-[0-9a-f]{4}-/);
  const xlsx = await fetch(`${srv.base}/api/v1/stats/${period}/export?format=xlsx`, { headers: { Authorization: `Bearer ${stat}` } });
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  const bytes = new Uint8Array(await xlsx.arrayBuffer());
  assert.equal(String.fromCharCode(bytes[0], bytes[1]), 'PK');
  const junk = await srv.request('GET', `/api/v1/stats/${period}?indicator=%FF%FE`, { token: stat });
  assert.equal(junk.status, 400);
  assert.equal(junk.body.error.field, 'indicator');
  const junk2 = await srv.request('GET', `/api/v1/stats/compare?indicator=ARR&period=${period}&sex=%C3%28`, { token: stat });
  assert.equal(junk2.status, 400);
  assert.equal(junk2.body.error.field, 'sex');
  const pdf = await srv.request('GET', `/api/v1/stats/${period}/export?format=pdf`, { token: stat });
  assert.equal(pdf.status, 400);
  assert.equal(pdf.body.error.field, 'format');
});

test('a neighbour\'s file is imported and compared side by side', async () => {
  await srv.request('POST', `/api/v1/stats/${period}/compute`, { token: stat, body: {} });
  const csv = (await srv.request('GET', `/api/v1/stats/${period}/export?format=sdmx-csv`, { token: stat })).text;
  // Only the REF_AREA column: a child born here has BA in the CITIZEN column.
  const neighbour = csv.replace(/^([^,\n]*,[^,\n]*,)BA,/gm, '$1RS,');
  const own = await srv.request('POST', '/api/v1/stats/import', { token: stat, raw: csv, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(own.status, 409); // the local administration's own figures
  const imp = await srv.request('POST', '/api/v1/stats/import', { token: stat, raw: neighbour, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(imp.status, 201, imp.text);
  assert.equal(imp.body.ref_area, 'RS');
  assert.ok(imp.body.cells > 0);
  const cmp = await srv.request('GET', `/api/v1/stats/compare?indicator=ARR&period=${period}`, { token: stat });
  assert.equal(cmp.status, 200);
  assert.deepEqual(cmp.body.ref_areas, ['BA', 'RS']);
  const total = cmp.body.rows[0];
  assert.equal(total.citizen, 'TOTAL');
  assert.equal(total.values.BA, total.values.RS);
  const rsExport = await srv.request('GET', `/api/v1/stats/${period}/export?format=sdmx-csv&ref_area=RS`, { token: stat });
  assert.equal(rsExport.text, neighbour); // byte-identical round trip
  const audit = await srv.request('GET', `/api/v1/audit?entity=stats_period&id=RS:${period}`, { token: admin });
  assert.equal(audit.body.items[0].action, 'export');
  assert.ok(audit.body.items.some((i) => i.action === 'import'));
});

test('a bad file imports nothing and lists every error with line and column', async () => {
  const head = 'DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\n';
  const file = head +
    'HAVEN:MIGR_WB(1.0),M,ME,REF_ENTRY,QQ,T,TOTAL,PER,2023-05,7,A,F\n' +
    'HAVEN:MIGR_WB(1.0),M,ME,REF_ENTRY,AF,T,TOTAL,PER,2023-05,seven,A,F\n';
  const r = await srv.request('POST', '/api/v1/stats/import', { token: stat, raw: file, headers: { 'Content-Type': 'text/csv' } });
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid');
  assert.deepEqual(r.body.errors.map((e) => [e.line, e.column, e.field]), [[2, 5, 'CITIZEN'], [3, 10, 'OBS_VALUE']]);
  const g = await srv.request('GET', '/api/v1/stats/2023-05?ref_area=ME', { token: stat });
  assert.equal(g.status, 200);
  assert.deepEqual(g.body.indicators, []);
  const wrongType = await srv.request('POST', '/api/v1/stats/import', { token: stat, body: { file } });
  assert.equal(wrongType.status, 415);
});

test('aggregates are entered by hand and settings changed', async () => {
  const body = { indicator: 'ASY_APP', cells: [{ citizen: 'AF', sex: 'M', age: 'Y18-34', value: 12 }, { citizen: 'PK', sex: 'M', age: 'Y18-34', value: 3 }] };
  const r = await srv.request('POST', `/api/v1/stats/${period}/enter`, { token: stat, body });
  assert.equal(r.status, 200, r.text);
  const cells = r.body.indicators[0].cells;
  const total = cells.find((c) => c.citizen === 'TOTAL' && c.sex === 'T' && c.age === 'TOTAL');
  assert.equal(total.value, 15);
  const pk = cells.find((c) => c.citizen === 'PK' && c.sex === 'M' && c.age === 'Y18-34');
  assert.equal(pk.conf_status, 'C');
  assert.equal(pk.published, null);
  const bad = await srv.request('POST', `/api/v1/stats/${period}/enter`, { token: stat, body: { indicator: 'ASY_APP', cells: [{ citizen: 'AF', sex: 'M', age: 'Y18-34', value: -1 }] } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'cells[0].value');
  const s = await srv.request('PATCH', '/api/v1/stats/settings', { token: stat, body: { disclosure_threshold: 3 } });
  assert.equal(s.status, 200);
  assert.equal(s.body.disclosure_threshold, 3);
  const g = await srv.request('GET', `/api/v1/stats/${period}?indicator=ASY_APP`, { token: stat });
  const pk2 = g.body.indicators[0].cells.find((c) => c.citizen === 'PK' && c.sex === 'M' && c.age === 'Y18-34');
  assert.equal(pk2.published, 3);
});

test('protection figures are computed for the statistician, who never reads a protection detail', async () => {
  // Two screenings in March 2012, a month with no other data: one finds nothing, one a
  // possible victim of trafficking who is also a survivor of violence.
  const sites = await srv.request('GET', '/api/v1/sites', { token: admin });
  const lipa = sites.body.items.find((s) => s.code === 'LIP').id;
  const people = await srv.request('GET', `/api/v1/persons?site=${lipa}&limit=50`, { token: officer });
  const [a, b] = people.body.items.filter((p) => p.registration_site_id === lipa && !p.merged_into);
  const screen = (p, answers) => srv.request('POST', `/api/v1/persons/${p.id}/screenings`, {
    token: officer, body: { site_id: lipa, screened_at: '2012-03-14T10:00:00Z', answers },
  });
  assert.equal((await screen(a, { child_status: 'adult', trafficking_indicators: ['debt'], violence: true })).status, 201);
  assert.equal((await screen(b, { child_status: 'adult' })).status, 201);

  const c = await srv.request('POST', '/api/v1/stats/2012-03/compute', { token: stat, body: {} });
  assert.equal(c.status, 200, c.text);
  // Figures from protection data: the statistician sees no raw total (issue #10).
  for (const code of ['VUL_SCR', 'VUL_SCR_PER', 'VUL_RISK', 'VUL_RISK_THB', 'VUL_RISK_SGBV', 'VUL_RISK_UASC', 'VUL_REF']) {
    const ind = c.body.indicators.find((i) => i.code === code);
    assert.equal(ind.total, null, code);
    assert.equal(ind.total_hidden, true, code);
  }
  assert.ok(c.body.indicators.find((i) => i.code === 'ARR').total !== null, 'registry figures keep their total');

  // The review shows only what will be published: the one person at risk of trafficking
  // is a 1 that the export rounds to 0, and the statistician sees the 0, not the 1.
  const g = await srv.request('GET', '/api/v1/stats/2012-03?indicator=VUL_RISK_THB', { token: stat });
  assert.equal(g.body.indicators[0].source, 'computed');
  assert.equal(g.body.indicators[0].values_published, true);
  const cit = a.citizenship.length === 2 ? a.citizenship.toUpperCase() : a.citizenship === 'stateless' ? 'STLS' : 'UNK';
  const row = g.body.indicators[0].cells.find((x) => x.citizen === cit && x.sex === 'T' && x.age === 'TOTAL');
  assert.equal(row.value, 0);
  assert.equal(row.published, 0);
  assert.equal(row.obs_status, 'R');
  assert.ok(g.body.indicators[0].cells.every((x) => x.value === x.published), 'no unrounded cell');
  const scr = await srv.request('GET', '/api/v1/stats/2012-03?indicator=VUL_SCR', { token: stat });
  assert.ok(scr.body.indicators[0].cells.every((x) => x.value === x.published), 'no unsuppressed cell');
  const v = await srv.request('GET', '/api/v1/stats/2012-03/validation', { token: stat });
  assert.equal(v.body.errors, 0, JSON.stringify(v.body.violations.slice(0, 3)));

  // What leaves: small screening cells suppressed, risks rounded, nothing personal.
  const csv = (await srv.request('GET', '/api/v1/stats/2012-03/export?format=sdmx-csv', { token: stat })).text;
  for (const l of csv.trim().split('\n').slice(1).filter((x) => x.includes(',VUL_'))) {
    const f = l.split(',');
    if (f[3].startsWith('VUL_RISK')) assert.ok(f[10] === 'R' && Number(f[9]) % 5 === 0, l);
    else assert.ok(f[11] !== 'F' || Number(f[9]) === 0 || Number(f[9]) >= 5, l);
  }
  assert.doesNotMatch(csv, /trafficking|violence|debt|[0-9a-f]{8}-[0-9a-f]{4}-|\d{4}-\d\d-\d\d/);

  // And the statistician still cannot open the screenings the figures came from.
  for (const path of [`/api/v1/persons/${a.id}/screenings`, `/api/v1/persons/${a.id}/protection`,
    `/api/v1/persons/${a.id}`, '/api/v1/protection/dashboard', '/api/v1/protection/referrals']) {
    const r = await srv.request('GET', path, { token: stat });
    assert.equal(r.status, 403, path);
    assert.doesNotMatch(r.text, /trafficking|gbv_survivor/);
  }
});
