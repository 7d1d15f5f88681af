// The second generator: registry records with known true identities, made the way the
// field makes them (see docs/match-evaluation.md). Written without reading the engine.
//
//   node tools/gen2/gen2.mjs --n 20000 --seed 1 --out DIR   -> DIR/records.csv, DIR/truth.csv
//
// records.csv has the columns of `haven match dedup`; truth.csv has id,entity,household,kinds
// (kinds: the variations applied to that record, ';'-separated).
import { writeFileSync, mkdirSync } from 'node:fs';
import { NATIONS, CLAIMED, OFFICES } from './lexicon.mjs';
import { render, documentToCyrillic } from './render.mjs';

// sfc32 seeded from a string hash: the same seed gives the same file on every machine.
export function makeRng(seed) {
  let h = 1779033703 ^ String(seed).length;
  const s = String(seed);
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next(), b = next(), c = next(), d = next();
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
const chance = (rng, p) => rng() < p;
const weighted = (rng, xs) => {
  let r = rng() * xs.reduce((s, x) => s + x.w, 0);
  for (const x of xs) if ((r -= x.w) < 0) return x;
  return xs[xs.length - 1];
};
// Popularity: the first names of a list are far more common (Zipf-like, s about 1).
const zipf = (rng, xs) => xs[Math.min(xs.length - 1, Math.floor(Math.exp(rng() * Math.log(xs.length + 1)) - 1))];

const pad = (n) => String(n).padStart(2, '0');
const MDAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// ---- Variations, each usable on its own (tests call them one by one) ----

const QWERTZ = ['1234567890', 'qwertzuiop', 'asdfghjkl', 'yxcvbnm'];
const QWERTY = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbours(layout, c) {
  for (let r = 0; r < layout.length; r++) {
    const k = layout[r].indexOf(c);
    if (k < 0) continue;
    const out = [];
    if (k > 0) out.push(layout[r][k - 1]);
    if (k < layout[r].length - 1) out.push(layout[r][k + 1]);
    return out;
  }
  return [];
}
const HOMOGLYPH = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', у: 'y', к: 'k', м: 'm', т: 't', и: 'u', ј: 'j' };

// One keyboard slip: adjacent key, a letter dropped, doubled or swapped with the next; on
// a QWERTZ keyboard set to QWERTY (or back) z and y trade places; in Cyrillic a Latin
// look-alike typed with the wrong layout.
export function keyboardError(s, rng, layout = 'qwertz') {
  if (s.length < 3) return s;
  const cyr = /[\u0400-\u04FF]/.test(s);
  const kind = pick(rng, cyr ? ['drop', 'double', 'swap', 'homoglyph'] : ['adjacent', 'adjacent', 'drop', 'double', 'swap', 'zy']);
  const i = 1 + Math.floor(rng() * (s.length - 2));
  const lower = s.toLowerCase();
  if (kind === 'zy' && /[zy]/i.test(s)) return s.replace(/[zyZY]/g, (c) => ({ z: 'y', y: 'z', Z: 'Y', Y: 'Z' })[c]);
  if (kind === 'homoglyph') {
    const idx = [...lower].findIndex((c, k) => k > 0 && HOMOGLYPH[c]);
    if (idx > 0) return s.slice(0, idx) + HOMOGLYPH[lower[idx]] + s.slice(idx + 1);
  }
  if (kind === 'adjacent') {
    const n = neighbours(layout === 'qwertz' ? QWERTZ : QWERTY, lower[i]);
    if (n.length) return s.slice(0, i) + pick(rng, n) + s.slice(i + 1);
  }
  if (kind === 'double') return s.slice(0, i + 1) + s[i] + s.slice(i + 1);
  if (kind === 'swap' && s[i + 1] !== ' ' && s[i] !== ' ') return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  return s.slice(0, i) + s.slice(i + 1); // drop
}

const OCR = [['rn', 'm'], ['m', 'rn'], ['cl', 'd'], ['d', 'cl'], ['I', '1'], ['l', 'I'], ['i', 'l'], ['O', '0'],
  ['o', 'c'], ['e', 'c'], ['c', 'e'], ['h', 'b'], ['b', 'h'], ['S', '5'], ['B', '8'], ['u', 'v'], ['w', 'vv'], ['n', 'h'],
  ['a', 'o'], ['H', 'N'], ['M', 'H'], ['E', 'F'], ['U', 'V']];

// One misreading of a scanned document (machine-readable zone or printed page).
export function ocrError(s, rng) {
  const options = OCR.filter(([a]) => s.includes(a));
  if (!options.length) return s;
  const [a, b] = pick(rng, options);
  const at = [];
  for (let k = s.indexOf(a); k >= 0; k = s.indexOf(a, k + 1)) at.push(k);
  const k = pick(rng, at);
  return s.slice(0, k) + b + s.slice(k + a.length);
}

export const stripDiacritics = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[ʻʼ']/g, '').replace(/ı/g, 'i');

// Day and month read the other way round (only where both readings are dates).
export function swapDayMonth(d) {
  if (d.day > 12 || d.day === d.month) return null;
  return { year: d.year, month: d.day, day: d.month };
}

// A declared age turned into a birth year at the registration date.
export function ageToYear(dob, reg, rng) {
  let age = reg.year - dob.year - (reg.month < dob.month || (reg.month === dob.month && reg.day < dob.day) ? 1 : 0);
  if (chance(rng, 0.35)) age += pick(rng, [-1, 1]); // the declared age is itself uncertain
  return reg.year - age;
}

const DIGIT_OCR = { 0: '8', 1: '7', 3: '8', 5: '6', 6: '5', 7: '1', 8: '3', 9: '4' };
export function dateTypo(d, rng) {
  const k = pick(rng, ['year1', 'year10', 'digit', 'day']);
  if (k === 'year1') return { ...d, year: d.year + pick(rng, [-1, 1]) };
  if (k === 'year10') return { ...d, year: d.year + pick(rng, [-10, 10]) };
  if (k === 'day') return { ...d, day: Math.min(28, Math.max(1, d.day + pick(rng, [-1, 1, 10, -10]))) };
  const y = String(d.year);
  const c = y[3];
  const year = Number(y.slice(0, 3) + (DIGIT_OCR[c] ?? String((Number(c) + 1) % 10)));
  return { ...d, year };
}

export function formatDate(d, style) {
  if (d === null) return '';
  if (d.month === null) return style === 'yearday' ? `${d.year}-01-01` : String(d.year);
  return style === 'dmy' ? `${pad(d.day)}.${pad(d.month)}.${d.year}` : `${d.year}-${pad(d.month)}-${pad(d.day)}`;
}

// ---- People ----

function randomDate(rng, year) {
  const month = 1 + Math.floor(rng() * 12);
  return { year, month, day: 1 + Math.floor(rng() * MDAYS[month - 1]) };
}

function firstName(rng, nation, sex) {
  const list = sex === 'F' ? nation.f : nation.m;
  const n = zipf(rng, list);
  // Pakistanis, Bangladeshis and many Afghans carry Muhammad before the name they use.
  if (sex === 'M' && n !== 'muHammad' && !n.includes(' ')) {
    const p = { ur: 0.45, bn: 0.5, 'fa-af': 0.3, ar: 0.08, 'ar-mg': 0.05, 'ar-eg': 0.1, 'fa-ir': 0.1 }[nation.lang] ?? 0;
    if (chance(rng, p)) return ['muHammad', n];
  }
  return [n];
}

// A person: true identity, from which every record is derived.
function person(rng, nation, sex, birthYear, household, over = {}) {
  const given = over.given ?? firstName(rng, nation, sex);
  const father = over.father ?? zipf(rng, nation.m);
  const grandfather = over.grandfather ?? zipf(rng, nation.m);
  let family = over.family;
  if (family === undefined) family = nation.fam && chance(rng, nation.famShare) ? zipf(rng, nation.fam) : null;
  const dob = over.dob ?? randomDate(rng, birthYear);
  // How the date is known: from a document or memory, only a placeholder 01-01 (fixed
  // once, the way a family declares it), or an age asked anew at each registration.
  const dateMode = over.dateMode ?? (chance(rng, nation.dob) ? 'exact' : chance(rng, 0.55) ? 'placeholder' : 'age');
  const placeholderYear = over.placeholderYear ?? Math.min(2023, dob.year + (chance(rng, 0.5) ? pick(rng, [-2, -1, 1, 2]) : 0));
  return {
    nation, sex, given, father, grandfather, family, dob, dateMode, placeholderYear, household,
    hasDoc: chance(rng, nation.doc),
    docSys: pick(rng, nation.docSys),
    records: 0,
  };
}

// How many times a person is registered (transit through several countries).
function recordCount(rng) {
  const r = rng();
  if (r < 0.55) return 1;
  if (r < 0.8) return 2;
  if (r < 0.91) return 3;
  if (r < 0.96) return 4;
  if (r < 0.985) return 5;
  return 6 + Math.floor(rng() * 3);
}

// The people: single travellers, households (a couple, children, brothers, all with the
// household's name, children often with 01-01 dates), and namesakes (another person with
// the same name, sometimes the same placeholder date).
export function makePeople(rng, want) {
  const people = [];
  let total = 0;
  let household = 0;
  const byNation = new Map();
  const add = (p) => {
    p.records = recordCount(rng);
    p.entity = people.length;
    people.push(p);
    total += p.records;
    if (!byNation.has(p.nation.cc)) byNation.set(p.nation.cc, []);
    byNation.get(p.nation.cc).push(p);
  };
  while (total < want) {
    const nation = weighted(rng, NATIONS);
    household += 1;
    const r = rng();
    const adultYear = () => 2023 - 17 - Math.floor(-Math.log(1 - rng() * 0.97) * 9);
    if (r < 0.08) {
      // A household.
      const head = person(rng, nation, 'M', adultYear(), household);
      if (head.family === null && nation.fam) head.family = zipf(rng, nation.fam);
      add(head);
      const famName = head.family;
      if (chance(rng, 0.7)) add(person(rng, nation, 'F', head.dob.year + Math.floor(rng() * 8), household, { family: famName }));
      const kids = 1 + Math.floor(rng() * 4);
      let y = Math.min(2022, head.dob.year + 20 + Math.floor(rng() * 6));
      for (let k = 0; k < kids; k++) {
        const sex = chance(rng, 0.55) ? 'M' : 'F';
        const twin = chance(rng, 0.08);
        const over = { family: famName, father: head.given[head.given.length - 1], grandfather: head.father };
        if (head.dateMode !== 'exact') over.dateMode = 'placeholder';
        add(person(rng, nation, sex, y, household, over));
        if (twin) add(person(rng, nation, sex === 'M' ? 'M' : 'F', y, household, { ...over, placeholderYear: people[people.length - 1].placeholderYear }));
        y = Math.min(2023, y + 1 + Math.floor(rng() * 3));
      }
    } else if (r < 0.14) {
      // Brothers travelling together: same father, grandfather and family name.
      const a = person(rng, nation, 'M', adultYear(), household);
      add(a);
      const n = 1 + Math.floor(rng() * 2);
      for (let k = 0; k < n; k++) {
        const over = { family: a.family, father: a.father, grandfather: a.grandfather };
        if (a.dateMode === 'placeholder') over.dateMode = 'placeholder';
        if (chance(rng, 0.4) && a.given.length === 2) over.given = [a.given[0], zipf(rng, nation.m)];
        add(person(rng, nation, 'M', a.dob.year + pick(rng, [-3, -2, -1, 1, 2, 3]), household, over));
      }
    } else if (r < 0.18 && byNation.get(nation.cc)?.length) {
      // A namesake of someone already there.
      const o = pick(rng, byNation.get(nation.cc));
      const sameDate = chance(rng, 0.3);
      add(person(rng, nation, o.sex, o.dob.year + (sameDate ? 0 : pick(rng, [-4, -2, -1, 1, 3])), household, {
        given: o.given, family: o.family, father: chance(rng, 0.3) ? o.father : undefined,
        ...(sameDate && o.dateMode === 'placeholder' ? { dateMode: 'placeholder', placeholderYear: o.placeholderYear } : {}),
      }));
    } else {
      add(person(rng, nation, chance(rng, 0.9) ? 'M' : 'F', adultYear(), household));
    }
  }
  return people;
}

// ---- Records ----

const MOHAMMAD = new Set(['muHammad']);

// The name fields as written at one registration: which parts went where.
export function nameParts(p, rng, kinds) {
  let given = p.given.slice();
  let family = p.family;
  const eritrean = p.nation.lang === 'ti';
  if (given.length > 1 && MOHAMMAD.has(given[0]) && chance(rng, 0.35)) {
    given = given.slice(1);
    kinds.push('mohammad_dropped');
  }
  if (family === null || eritrean) {
    // No family name: the father's name (or, for Eritreans, the grandfather's) stands in.
    family = p.father;
    if (chance(rng, 0.15)) {
      family = p.grandfather;
      kinds.push('patronymic_as_family');
    }
  } else if (chance(rng, 0.08)) {
    family = p.father;
    kinds.push('patronymic_as_family');
  } else if (p.nation.cc === 'AF' && chance(rng, 0.15)) {
    family = `${p.father} ${family}`;
    kinds.push('name_split');
  }
  let g = given.join(' ');
  let f = family;
  const r = rng();
  if (r < 0.05) {
    g = `${g} ${p.father}`; // the father's name taken as a middle name
    kinds.push('name_split');
  } else if (r < 0.09 && given.length > 1) {
    g = given[0];
    f = `${given.slice(1).join(' ')} ${f}`;
    kinds.push('name_split');
  } else if (r < 0.13) {
    [g, f] = [f, g];
    kinds.push('field_swap');
  }
  return [g, f];
}

function writeName(p, name, rec, rng, kinds) {
  const lang = p.nation.lang;
  if (rec.source === 'document') {
    let s = render(name, p.docSys, lang, rec.docRng());
    if (rec.cyr) {
      s = documentToCyrillic(s, rec.cyr, rng);
      kinds.push(`cyrillic_${rec.cyr}`);
    } else if (p.docSys !== 'turkish' && /[^\x00-\x7F]/.test(s) && chance(rng, 0.5)) {
      s = stripDiacritics(s);
      kinds.push('diacritics_dropped');
    } else if (p.docSys === 'turkish' && chance(rng, 0.4)) {
      s = stripDiacritics(s);
      kinds.push('diacritics_dropped');
    }
    if (rec.upper) s = s.toUpperCase();
    return s;
  }
  let s = render(name, rec.sys, lang, rng);
  if (rec.sys !== p.docSys || p.nation.lang === 'tr') kinds.push('romanisation');
  if (rec.sys === 'cyr_sr' || rec.sys === 'cyr_mk') kinds.push(rec.sys === 'cyr_sr' ? 'cyrillic_sr' : 'cyrillic_mk');
  if (['bgn', 'alalc'].includes(rec.sys) && chance(rng, 0.6)) {
    s = stripDiacritics(s);
    kinds.push('diacritics_dropped');
  }
  return s;
}

function uniq(xs) {
  return [...new Set(xs)];
}

// One registration of person p at a date, by an office; returns the CSV row and kinds.
export function makeRecord(p, reg, rng) {
  const kinds = [];
  const office = weighted(rng, OFFICES);
  const rec = { docRng: null, source: 'ear', sys: null, cyr: null, upper: false };
  const s = rng();
  if (p.hasDoc && s < 0.55) {
    rec.source = 'document';
    rec.upper = chance(rng, 0.3);
    if (office.cc === 'RS' && chance(rng, 0.35)) rec.cyr = 'sr';
    if (office.cc === 'MK' && chance(rng, 0.45)) rec.cyr = 'mk';
  } else if (s < 0.8) {
    rec.source = 'interpreter';
    rec.sys = pick(rng, p.nation.interp);
  } else {
    rec.sys = pick(rng, office.ear);
  }
  // The document spelling is the person's own, the same at every registration: its free
  // choices come from a random source seeded by the person and the name part (one source
  // per part and record, so a part written twice continues the same source).
  const docRngs = new Map();
  const parts = nameParts(p, rng, kinds);
  const out = parts.map((part, k) => {
    rec.docRng = () => {
      if (!docRngs.has(part)) docRngs.set(part, makeRng(`doc:${p.entity}:${part}`));
      return docRngs.get(part);
    };
    let w = writeName(p, part, rec, rng, kinds);
    if (rec.source === 'document' && !rec.cyr && chance(rng, 0.12)) {
      w = ocrError(w, rng);
      kinds.push('ocr');
    } else if (chance(rng, 0.09)) {
      const layout = rec.source === 'interpreter' ? 'qwerty' : 'qwertz';
      w = keyboardError(w, rng, layout);
      kinds.push('keyboard');
    }
    if (k === 1 && chance(rng, 0.01)) {
      w = '';
      kinds.push('family_missing');
    }
    return w;
  });

  // Date of birth.
  let date = null;
  const style = office.cc === 'BA' || office.cc === 'RS' || office.cc === 'ME' || office.cc === 'MK' ? (chance(rng, 0.6) ? 'dmy' : 'iso') : 'iso';
  let dstyle = style;
  if (p.dateMode === 'exact' && !chance(rng, 0.06)) {
    date = { ...p.dob };
    if (chance(rng, 0.06)) {
      const sw = swapDayMonth(date);
      if (sw) {
        date = sw;
        kinds.push('ddmm_swap');
      }
    }
    if (chance(rng, 0.04)) {
      date = dateTypo(date, rng);
      kinds.push('date_typo');
    }
  } else if (p.dateMode === 'placeholder' && !chance(rng, 0.15)) {
    date = { year: p.placeholderYear, month: 1, day: 1 };
    kinds.push('placeholder_date');
  } else {
    date = { year: ageToYear(p.dob, reg, rng), month: null, day: null };
    dstyle = chance(rng, 0.5) ? 'yearday' : 'year';
    kinds.push('age_year');
  }
  if (chance(rng, 0.025)) {
    date = null;
    kinds.push('date_missing');
  }

  let cc = p.nation.cc;
  if (chance(rng, 0.05)) {
    cc = pick(rng, CLAIMED[cc]);
    kinds.push('citizenship_changed');
  }
  let sex = p.sex;
  if (chance(rng, 0.005)) {
    sex = sex === 'M' ? 'F' : 'M';
    kinds.push('sex_error');
  }
  return { given: out[0], family: out[1], sex, birth_date: formatDate(date, dstyle), citizenship: cc, kinds: uniq(kinds) };
}

// A copy of an earlier record, retyped (sometimes with a slip) or carried over as is.
export function copyRecord(r, rng) {
  const kinds = r.kinds.concat('copied');
  let { given, family } = r;
  if (chance(rng, 0.15)) {
    given = keyboardError(given, rng);
    kinds.push('keyboard');
  }
  return { ...r, given, family, kinds: uniq(kinds) };
}

const csv = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

// Generates n records: {records: [{id, given, family, sex, birth_date, citizenship}],
// truth: [{id, entity, household, kinds}]}.
export function generate({ n, seed }) {
  const rng = makeRng(`gen2:${seed}`);
  const people = makePeople(rng, n);
  const rows = [];
  for (const p of people) {
    const made = [];
    let reg = { year: 2018 + Math.floor(rng() * 6), month: 1 + Math.floor(rng() * 12), day: 1 + Math.floor(rng() * 28) };
    for (let k = 0; k < p.records; k++) {
      // A later registration often copies an earlier one: the person shows the card of
      // the previous camp, or the file is transferred between sites of one country.
      let r;
      if (made.length && chance(rng, 0.3)) {
        r = copyRecord(pick(rng, made), rng);
      } else {
        r = makeRecord(p, reg, rng);
      }
      made.push(r);
      rows.push({ ...r, entity: p.entity, household: p.household });
      const months = 1 + Math.floor(rng() * 14);
      const m = reg.month - 1 + months;
      reg = { year: reg.year + Math.floor(m / 12), month: (m % 12) + 1, day: 1 + Math.floor(rng() * 28) };
    }
  }
  rows.length = Math.min(rows.length, n);
  // Shuffle so that a person's records are not neighbours; ids carry no information.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  rows.forEach((r, i) => { r.id = `g${seed}-${String(i + 1).padStart(7, '0')}`; });
  return rows;
}

export function toCsv(rows) {
  const head = 'id,given_name,family_name,sex,birth_date,citizenship\n';
  return head + rows.map((r) => [r.id, r.given, r.family, r.sex, r.birth_date, r.citizenship].map(csv).join(',')).join('\n') + '\n';
}

export function truthCsv(rows) {
  return 'id,entity,household,kinds\n' + rows.map((r) => `${r.id},${r.entity},${r.household},${r.kinds.join(';')}`).join('\n') + '\n';
}

function main(argv) {
  const arg = (k, d) => {
    const i = argv.indexOf(k);
    return i >= 0 ? argv[i + 1] : d;
  };
  const n = Number(arg('--n', '20000'));
  const seed = arg('--seed', '1');
  const out = arg('--out', null);
  if (!out || !Number.isInteger(n) || n < 1) {
    process.stderr.write('usage: node tools/gen2/gen2.mjs --n N --seed S --out DIR\n');
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  const rows = generate({ n, seed });
  writeFileSync(`${out}/records.csv`, toCsv(rows));
  writeFileSync(`${out}/truth.csv`, truthCsv(rows));
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
