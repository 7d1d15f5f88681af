// The statistics command line (haven stats ...) on real databases: compute, validate,
// export in each format, import into a neighbour's database, compare, and the usage and
// error exits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haven } from './harness.mjs';

let dir, ba, me;
const now = new Date();
const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'haven-stats-cli-'));
  ba = join(dir, 'ba.db');
  me = join(dir, 'me.db');
  assert.equal(haven(['init', '--db', ba, '--demo', '--demo-people', '200']).status, 0);
  assert.equal(haven(['init', '--db', me]).status, 0);
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

test('catalogue, compute and validate', () => {
  const cat = haven(['stats', 'catalogue']);
  assert.equal(cat.status, 0);
  assert.ok(JSON.parse(cat.stdout).indicators.length >= 20);
  const c = haven(['stats', 'compute', '--db', ba, '--period', period]);
  assert.equal(c.status, 0, c.stderr);
  assert.ok(JSON.parse(c.stdout).indicators.find((i) => i.code === 'ARR').total > 0);
  const v = haven(['stats', 'validate', '--db', ba, '--period', period]);
  assert.equal(v.status, 0, v.stdout);
  assert.equal(JSON.parse(v.stdout).errors, 0);
  const bad = haven(['stats', 'compute', '--db', ba, '--period', 'May']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /field: period/);
  assert.equal(haven(['stats', 'compute', '--db', ba]).status, 2);
  const help = haven(['stats', 'export', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--format sdmx-csv\|xlsx\|json/);
});

test('export, import into a neighbour, compare', () => {
  haven(['stats', 'compute', '--db', ba, '--period', period]);
  const csv = haven(['stats', 'export', '--db', ba, '--period', period, '--format', 'sdmx-csv']);
  assert.equal(csv.status, 0, csv.stderr);
  assert.match(csv.stdout, /^DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\n/);
  const xlsxPath = join(dir, 'ba.xlsx');
  assert.equal(haven(['stats', 'export', '--db', ba, '--period', period, '--format', 'xlsx']).status, 1); // needs --out
  assert.equal(haven(['stats', 'export', '--db', ba, '--period', period, '--format', 'xlsx', '--out', xlsxPath]).status, 0);
  assert.equal(readFileSync(xlsxPath).subarray(0, 2).toString(), 'PK');
  const json = haven(['stats', 'export', '--db', ba, '--period', period, '--format', 'json']);
  assert.equal(JSON.parse(json.stdout).ref_area, 'BA');

  const file = join(dir, 'ba.csv');
  writeFileSync(file, csv.stdout);
  assert.equal(haven(['stats', 'settings', '--db', me, '--ref-area', 'ME']).status, 0);
  const imp = haven(['stats', 'import', '--db', me, file]);
  assert.equal(imp.status, 0, imp.stderr);
  assert.equal(JSON.parse(imp.stdout).ref_area, 'BA');
  const again = haven(['stats', 'export', '--db', me, '--period', period, '--format', 'sdmx-csv', '--ref-area', 'BA']);
  assert.equal(again.stdout, csv.stdout); // byte-identical round trip
  const cmp = haven(['stats', 'compare', '--db', me, '--indicator', 'ARR', '--period', period]);
  assert.deepEqual(JSON.parse(cmp.stdout).ref_areas, ['BA']);
});

test('a bad file: every error on stderr as FILE:LINE:COLUMN, nothing imported', () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'DATAFLOW,FREQ,REF_AREA,INDICATOR,CITIZEN,SEX,AGE,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS\n' +
    'HAVEN:MIGR_WB(1.0),M,RS,REF_ENTRY,AF,T,TOTAL,PER,2023-05,7,A,F\n' +
    'HAVEN:MIGR_WB(1.0),M,RS,REF_ENTRY,AF,T,TOTAL,PER,2023-05,7,A,F\n' +
    'HAVEN:MIGR_WB(1.0),M,RS,NOPE,AF,T,TOTAL,PER,2023-05,x,A,F\n');
  const r = haven(['stats', 'import', '--db', me, file]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.csv:3:4: INDICATOR: duplicate key: the same cell as line 2\n\S*bad\.csv:4:4: INDICATOR: unknown INDICATOR code NOPE/);
  assert.match(r.stderr, /bad\.csv:4:10: OBS_VALUE: value not a number/);
  const cmp = haven(['stats', 'compare', '--db', me, '--indicator', 'REF_ENTRY', '--period', '2023-05']);
  assert.deepEqual(JSON.parse(cmp.stdout).ref_areas, []);
  const enterFile = join(dir, 'enter.json');
  writeFileSync(enterFile, JSON.stringify({ indicator: 'REF_ENTRY', cells: [{ citizen: 'AF', value: 9 }] }));
  const e = haven(['stats', 'enter', '--db', me, '--period', '2023-05', enterFile]);
  assert.equal(e.status, 0, e.stderr);
  const cmp2 = haven(['stats', 'compare', '--db', me, '--indicator', 'REF_ENTRY', '--period', '2023-05']);
  assert.equal(JSON.parse(cmp2.stdout).rows[0].values.ME, 9);
});

test('compute reads sealed screenings with the key haven serve uses, and says when it is missing', () => {
  const c = haven(['stats', 'compute', '--db', ba, '--period', period]);
  assert.equal(c.status, 0, c.stderr);
  const scr = JSON.parse(c.stdout).indicators.find((i) => i.code === 'VUL_SCR');
  assert.ok(scr.total > 0, 'the demo screens people this month');
  const moved = join(dir, 'elsewhere.key');
  renameSync(`${ba}.key`, moved);
  try {
    const missing = haven(['stats', 'compute', '--db', ba, '--period', period]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /protection key: the key file \S+ba\.db\.key is missing.*\(field: key-file\)/);
    const given = haven(['stats', 'compute', '--db', ba, '--period', period, '--key-file', moved]);
    assert.equal(given.status, 0, given.stderr);
    assert.equal(JSON.parse(given.stdout).indicators.find((i) => i.code === 'VUL_SCR').total, scr.total);
  } finally {
    renameSync(moved, `${ba}.key`);
  }
});
