// The message files: every key the interface uses exists in English, and Bosnian and
// Serbian Cyrillic have every English key (plural forms may differ by language).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WEB = process.env.HAVEN_WEB || new URL('../../web', import.meta.url).pathname;
// The bundles named in i18n.js are the folders of web/i18n, each with every locale.
const bundleSource = readFileSync(join(WEB, 'js', 'i18n.js'), 'utf8').match(/export const BUNDLES = \[([^\]]*)\]/);
const BUNDLES = [...bundleSource[1].matchAll(/'([a-z_-]+)'/g)].map((m) => m[1]);
const readJson = (...p) => JSON.parse(readFileSync(join(WEB, 'i18n', ...p), 'utf8'));
// Every message of a locale: the core file and each bundle, no key defined twice.
const load = (code) => {
  const all = readJson(`${code}.json`);
  for (const b of BUNDLES) {
    for (const [k, v] of Object.entries(readJson(b, `${code}.json`))) {
      assert.ok(!(k in all), `${b}/${code}.json: ${k} is defined twice`);
      all[k] = v;
    }
  }
  return all;
};
const en = load('en');

test('every_message_folder_is_a_bundle_the_interface_loads', () => {
  const folders = readdirSync(join(WEB, 'i18n')).filter((f) => statSync(join(WEB, 'i18n', f)).isDirectory());
  assert.deepEqual(folders.sort(), [...BUNDLES].sort());
});
const base = (k) => k.replace(/\.(zero|one|two|few|many|other)$/, '');

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.js') ? [p] : [];
  });
}

test('every_key_used_in_the_code_is_in_english', () => {
  const enBases = new Set(Object.keys(en).map(base));
  const missing = [];
  for (const file of sources(join(WEB, 'js'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:t|tn)\('([a-z_0-9.]+)'/g)) {
      if (!enBases.has(m[1])) missing.push(`${file.slice(WEB.length)}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

// A key built from a template string (t(`ret.state.${s}`)) is one the test above cannot
// see: keys chosen by a value come from the maps of literal keys in web/js/keys.js
// (tOf). Only the error messages looked up by the server's code, key or field
// (errors.key.<key>, checked below against src/) are found by name, and each such
// lookup is guarded by has() and falls back to a message that exists.
test('no_message_key_is_built_from_a_template_string', () => {
  const built = [];
  for (const file of sources(join(WEB, 'js'))) {
    if (file.endsWith('/i18n.js')) continue; // plural forms: key.one / key.other of a known key
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:t|tn|has)\(\s*`([^`]*)`/g)) {
      if (!m[1].includes('${')) continue;
      if (/^errors\./.test(m[1]) && /\/(forms|components\/returns-common)\.js$/.test(file)) continue;
      built.push(`${file.slice(WEB.length)}: ${m[0]}`);
    }
    for (const m of text.matchAll(/\b(?:t|tn)\(\s*'[^']*'\s*\+/g)) built.push(`${file.slice(WEB.length)}: ${m[0]}`);
  }
  assert.deepEqual(built, []);
});

test('every_key_in_the_key_maps_is_in_english', () => {
  const enBases = new Set(Object.keys(en).map(base));
  const text = readFileSync(join(WEB, 'js', 'keys.js'), 'utf8');
  const values = [...text.matchAll(/:\s*'([^']+)'/g)].map((m) => m[1]);
  assert.ok(values.length > 100, `only ${values.length} keys found in keys.js: the pattern is out of date`);
  assert.deepEqual(values.filter((k) => !(k in en) && !enBases.has(k)), []);
});

// Every message key the server gives with an error (err_with(..., "key", ...) in
// src/) has a message in the interface, so the user reads it in their language.
test('every_error_key_of_the_server_has_a_message', () => {
  const src = new URL('../../src', import.meta.url).pathname;
  const files = (function walk(dir) {
    return readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.c') ? [p] : [];
    });
  })(src);
  const missing = [];
  let seen = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/err_with\(\s*(?:[^;]*?\)\s*,|[a-z_]+\s*,)\s*"([a-z0-9_]+)"/gs)) {
      seen++;
      if (!(`errors.key.${m[1]}` in en)) missing.push(`${file.slice(src.length)}: ${m[1]}`);
    }
  }
  assert.ok(seen > 0, 'no err_with call found: the pattern is out of date');
  assert.deepEqual(missing, []);
});

for (const code of ['bs', 'sr-Cyrl']) {
  test(`${code}_has_every_english_message_and_the_same_placeholders`, () => {
    const other = load(code);
    const otherBases = new Set(Object.keys(other).map(base));
    const missing = Object.keys(en).filter((k) => !otherBases.has(base(k)));
    assert.deepEqual(missing, []);
    const extra = Object.keys(other).filter((k) => !(base(k) in en) && !Object.keys(en).some((e) => base(e) === base(k)));
    assert.deepEqual(extra, []);
    for (const [k, v] of Object.entries(other)) {
      const ref = en[k] ?? en[`${base(k)}.other`];
      const ph = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
      assert.equal(ph(v), ph(ref), `${code} ${k}: placeholders differ`);
    }
  });
}

// One variant per locale: the Serbian Cyrillic interface is ekavian (месец, време, дете),
// the Latin one ijekavian as in Bosnia and Herzegovina (docs/user-guide.md). An ijekavian
// "ије" or "мје/вје/..." in Cyrillic is a slip, except in the words below, where it is no
// reflex of jat (није, пријем, comparatives such as најновијег and другачије, the genitive of
// a loanword such as локације).
test('serbian_cyrillic_is_ekavian', () => {
  const notJat = /^(није|нијед\p{L}*|пријем\p{L}*|одбиј\p{L}*|досије\p{L}*|клијент\p{L}*|објек\p{L}*|касније|раније|најновиј\p{L}*|другачиј\p{L}*|старије|\p{L}+(ције|зије|сије|фије|лије))$/u;
  const words = new Set();
  for (const v of Object.values(load('sr-Cyrl'))) {
    for (const w of v.toLowerCase().match(/\p{Script=Cyrillic}+/gu) || []) {
      if (/(ије|[бвдмпстцзхрлнфгк]је)/.test(w) && !notJat.test(w)) words.add(w);
    }
  }
  assert.deepEqual([...words], []);
});

test('serbian_cyrillic_has_no_latin_words_left', () => {
  const sr = load('sr-Cyrl');
  const allowed = /\{\w+\}|'[^']*'|Haven\w*|Wi-Fi|Tab|Enter|Backspace|a–z|A–Z|0–9|afg|C12-3|LIP-\d+-\d+|\+\d[\d ]+|DATAFLOW|REF_AREA|FREQ|UNIT_MEASURE|OBS_STATUS|CONF_STATUS/g;
  const latin = Object.entries(sr).filter(([, v]) => /[A-Za-z]{2,}/.test(v.replace(allowed, '')));
  assert.deepEqual(latin, []);
});
