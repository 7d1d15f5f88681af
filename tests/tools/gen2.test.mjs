// Unit tests of the second generator (tools/gen2) and of its scorer: determinism per seed
// and each kind of variation on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generate, toCsv, truthCsv, makeRng, keyboardError, ocrError, swapDayMonth, ageToYear, dateTypo, formatDate,
  stripDiacritics, nameParts, makePeople, copyRecord,
} from '../../tools/gen2/gen2.mjs';
import { render, gajToCyrillic, documentToCyrillic, tokenize } from '../../tools/gen2/render.mjs';
import { NATIONS } from '../../tools/gen2/lexicon.mjs';
import { exactClusters, clustersFromPairs, entityStats, bootstrap, splitCsv } from '../../tools/gen2/eval.mjs';

const CYR = /[\u0400-\u04FF]/;

test('the same seed gives the same files, another seed different ones', () => {
  const a = generate({ n: 3000, seed: 7 });
  const b = generate({ n: 3000, seed: 7 });
  const c = generate({ n: 3000, seed: 8 });
  assert.equal(toCsv(a), toCsv(b));
  assert.equal(truthCsv(a), truthCsv(b));
  assert.notEqual(toCsv(a).slice(60), toCsv(c).slice(60));
  assert.equal(a.length, 3000);
});

test('the CSV has the columns of haven match dedup and quotes what needs it', () => {
  const rows = generate({ n: 500, seed: 1 });
  const csv = toCsv(rows).split('\n');
  assert.equal(csv[0], 'id,given_name,family_name,sex,birth_date,citizenship');
  for (const line of csv.slice(1, -1)) {
    const v = splitCsv(line);
    assert.equal(v.length, 6, line);
    assert.match(v[4], /^(|\d{4}|\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4})$/, line);
    assert.match(v[3], /^[MF]$/);
  }
  assert.equal(toCsv([{ id: 'x', given: 'A, "B"', family: 'C', sex: 'M', birth_date: '', citizenship: 'AF' }]).split('\n')[1],
    'x,"A, ""B""",C,M,,AF');
});

test('every kind of variation occurs in a file of 20,000, and true duplicates exist', () => {
  const rows = generate({ n: 20000, seed: 3 });
  const kinds = new Set(rows.flatMap((r) => r.kinds));
  for (const k of ['romanisation', 'cyrillic_sr', 'cyrillic_mk', 'keyboard', 'ocr', 'ddmm_swap', 'age_year',
    'placeholder_date', 'date_typo', 'date_missing', 'mohammad_dropped', 'name_split', 'field_swap',
    'patronymic_as_family', 'diacritics_dropped', 'citizenship_changed', 'copied']) {
    assert.ok(kinds.has(k), `kind ${k} never produced`);
  }
  const perEntity = new Map();
  for (const r of rows) perEntity.set(r.entity, (perEntity.get(r.entity) ?? 0) + 1);
  const dup = [...perEntity.values()].filter((c) => c > 1).length;
  assert.ok(dup > 2000 && dup < 9000, `${dup} people with several records`);
});

test('romanisation systems write the same name differently', () => {
  const rng = makeRng('t');
  const seen = new Set(['bgn', 'alalc', 'english', 'french', 'german', 'balkan', 'albanian', 'turkish']
    .map((s) => render('yuusuf', s, 'ar', rng)));
  assert.ok(seen.has('Yūsuf'), [...seen].join());
  assert.ok(seen.has('Jusuf'));
  assert.ok(seen.has('Youssouf') || seen.has('Yousouf'));
  assert.equal(render('shukrii', 'french', 'ar-mg', rng).slice(0, 2), 'Ch');
  assert.equal(render('shukrii', 'german', 'ar', rng).slice(0, 3), 'Sch');
  assert.equal(render('jamaal', 'albanian', 'ar', rng).slice(0, 2), 'Xh');
  assert.equal(render('3abd al-raHmaan', 'alalc', 'ar', rng), 'ʻAbd al-Raḥmān');
  assert.equal(render('3abd al-raHmaan', 'bgn', 'ar', rng), 'ʻAbd Ar Raḩmān');
  assert.equal(render('sulaymaan', 'french', 'ar-mg', () => 0.99), 'Solaymane'); // ou or o, and the French final -ane
  assert.deepEqual(tokenize('is.haaq'), ['i', 's', 'h', 'aa', 'q']);
});

test('Serbian and Macedonian officers write Cyrillic with their own letters', () => {
  assert.equal(gajToCyrillic('Džamal Ćehić', 'sr'), 'Џамал Ћехић');
  assert.equal(gajToCyrillic('Džamal Ćehić', 'mk'), 'Џамал Ќехиќ');
  const rng = makeRng('c');
  const s = render('Husayn', 'cyr_sr', 'ar', rng);
  assert.ok(CYR.test(s) && !/[a-z]/i.test(s), s);
  assert.equal(documentToCyrillic('Mohammed Youssef', 'sr', rng), 'Мохаммед Јуссеф');
});

test('keyboard slips change one letter or trade z and y; Cyrillic gets a Latin look-alike', () => {
  const rng = makeRng('k');
  let zy = false;
  for (let i = 0; i < 200; i++) {
    const out = keyboardError('Yazdani', rng);
    assert.notEqual(out, 'Yazdani');
    assert.ok(Math.abs(out.length - 7) <= 1);
    if (out === 'Zaydani') zy = true;
  }
  assert.ok(zy);
  let mixed = false;
  for (let i = 0; i < 100; i++) {
    const out = keyboardError('Мохамед', rng);
    if (CYR.test(out) && /[a-z]/.test(out)) mixed = true;
  }
  assert.ok(mixed);
});

test('OCR misreads letters as their look-alikes', () => {
  const rng = makeRng('o');
  const outs = new Set();
  for (let i = 0; i < 100; i++) outs.add(ocrError('MOHAMMAD ORMAN', rng));
  assert.ok([...outs].some((s) => s.includes('0')), [...outs].join());
  assert.ok(!outs.has('MOHAMMAD ORMAN'));
  assert.equal(ocrError('xyz', rng), 'xyz');
});

test('dates: day and month swapped, ages turned into years, typos, formats', () => {
  assert.deepEqual(swapDayMonth({ year: 1990, month: 7, day: 3 }), { year: 1990, month: 3, day: 7 });
  assert.equal(swapDayMonth({ year: 1990, month: 7, day: 23 }), null);
  assert.equal(swapDayMonth({ year: 1990, month: 5, day: 5 }), null);
  const rng = makeRng('d');
  const years = new Set();
  for (let i = 0; i < 200; i++) years.add(ageToYear({ year: 1995, month: 9, day: 10 }, { year: 2020, month: 3, day: 1 }, rng));
  // Age 24 on 2020-03-01 (birthday in September not yet passed): 1996, one year either way.
  assert.ok(years.has(1996) && [...years].every((y) => y >= 1995 && y <= 1997), [...years].join());
  for (let i = 0; i < 50; i++) assert.notDeepEqual(dateTypo({ year: 1995, month: 9, day: 10 }, rng), { year: 1995, month: 9, day: 10 });
  assert.equal(formatDate({ year: 1995, month: 9, day: 3 }, 'dmy'), '03.09.1995');
  assert.equal(formatDate({ year: 1995, month: 9, day: 3 }, 'iso'), '1995-09-03');
  assert.equal(formatDate({ year: 1995, month: null, day: null }, 'yearday'), '1995-01-01');
  assert.equal(formatDate({ year: 1995, month: null, day: null }, 'year'), '1995');
  assert.equal(stripDiacritics('ʻAbd al-Raḥmān Şahin Yıldız'), 'Abd al-Rahman Sahin Yildiz');
});

test('names split differently: Mohammad dropped, father as family name, fields swapped', () => {
  const af = NATIONS.find((n) => n.cc === 'AF');
  const p = { nation: af, given: ['muHammad', 'naSiir'], father: 'ghulaam', grandfather: 'aHmad', family: null };
  const rng = makeRng('n');
  const seen = new Map();
  for (let i = 0; i < 400; i++) {
    const kinds = [];
    const [g, f] = nameParts(p, rng, kinds);
    for (const k of kinds) seen.set(k, [g, f]);
    if (!kinds.length) assert.deepEqual([g, f], ['muHammad naSiir', 'ghulaam']);
  }
  assert.deepEqual(seen.get('mohammad_dropped')?.[0], 'naSiir');
  assert.ok(seen.get('field_swap'));
  assert.equal(seen.get('patronymic_as_family')[1], 'aHmad');
  assert.ok(seen.get('name_split'));
});

test('hard negatives: households share a name and 01-01 dates; namesakes and brothers are other people', () => {
  const rows = generate({ n: 20000, seed: 5 });
  const byHouse = new Map();
  for (const r of rows) {
    if (!byHouse.has(r.household)) byHouse.set(r.household, new Set());
    byHouse.get(r.household).add(r.entity);
  }
  assert.ok([...byHouse.values()].filter((s) => s.size >= 3).length > 100);
  // Different people identical on name and date (namesakes, twins, placeholder dates).
  const clusters = exactClusters(rows.map((r) => ({ given_name: r.given, family_name: r.family, birth_date: r.birth_date })));
  const mixed = clusters.filter((c) => new Set(c.map((i) => rows[i].entity)).size > 1);
  assert.ok(mixed.length > 5, `${mixed.length} groups of different people with the same name and date`);
  assert.ok(mixed.some((c) => rows[c[0]].birth_date.endsWith('-01-01') || rows[c[0]].birth_date.startsWith('01.01.')));
  const people = makePeople(makeRng('p'), 5000);
  assert.ok(people.length > 2500);
});

test('a copied record keeps the date and most of the name', () => {
  const r = { given: 'Mohammad', family: 'Ahmadi', sex: 'M', birth_date: '2001-01-01', citizenship: 'AF', kinds: [] };
  const c = copyRecord(r, makeRng('x'));
  assert.equal(c.birth_date, r.birth_date);
  assert.ok(c.kinds.includes('copied'));
});

test('the scorer counts pairs, clusters and the exact baseline right', () => {
  // Records 0,1,2 are person 0; 3 is person 1; 4,5 are person 2.
  const ent = Int32Array.from([0, 0, 0, 1, 2, 2]);
  const pairs = [[0, 1], [1, 3], [4, 5]];
  const st = entityStats(ent, 3, pairs, clustersFromPairs(6, pairs));
  const [m] = bootstrap([st], 20, 's');
  // 2 true pairs found of 4, 1 false: P 2/3, R 1/2.
  assert.ok(Math.abs(m.precision - 2 / 3) < 1e-9);
  assert.ok(Math.abs(m.recall - 0.5) < 1e-9);
  // Clusters {0,1,3} wrong, {4,5} right: cluster P 1/2, R 1/2.
  assert.ok(Math.abs(m.clusterF1 - 0.5) < 1e-9);
  assert.ok(m.f1CI[0] <= m.f1CI[1]);
  const recs = [
    { given_name: 'Ali', family_name: 'Khan', birth_date: '01.02.2000' },
    { given_name: 'ali ', family_name: 'KHAN', birth_date: '2000-02-01' },
    { given_name: 'Ali', family_name: 'Khan', birth_date: '' },
  ];
  assert.deepEqual(exactClusters(recs), [[0, 1]]);
});

test('haven match dedup reads every generated line, and the scorer runs on its output', { skip: !process.env.HAVEN_BIN && 'HAVEN_BIN not set' }, async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { evaluate } = await import('../../tools/gen2/eval.mjs');
  const dir = mkdtempSync(`${tmpdir()}/gen2-`);
  try {
    const rows = generate({ n: 2000, seed: 11 });
    writeFileSync(`${dir}/records.csv`, toCsv(rows));
    writeFileSync(`${dir}/truth.csv`, truthCsv(rows));
    // evaluate() throws unless dedup exits 0, i.e. no line was malformed.
    const r = await evaluate(dir, process.env.HAVEN_BIN, true);
    const [eng, ex] = bootstrap([r.engine, r.exact], 50, 'smoke');
    assert.ok(eng.f1 > 0 && eng.f1 <= 1);
    assert.ok(ex.precision > 0.9, `exact precision ${ex.precision}`);
    assert.ok(eng.recall > ex.recall, `haven recall ${eng.recall} against exact ${ex.recall}`);
    assert.equal(r.kinds.recall[0][0], 'all true pairs');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
