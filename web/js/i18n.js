// Messages, plural forms, and locale-aware dates, numbers and code names.
// Message files are flat {"key": "text with {placeholders}"}: web/i18n/<locale>.json
// holds the frame and the reception pages; each later module keeps its own messages
// in web/i18n/<bundle>/<locale>.json, named in BUNDLES, so that a module owns its
// words as it owns its tables.
import { cachedGet } from './offline.js';

// intl lists the formatting locales to try, best first. Browsers claim Bosnian but
// some (Chromium) ship no Bosnian dates and fall back to "2026 M11 5"; Serbian Latin
// of Bosnia writes dates, months and numbers as Bosnian does ("5. nov 2026.",
// "1.500"), so it stands in.
export const LOCALES = [
  { code: 'en', label: 'English', intl: ['en-GB'], html: 'en' },
  { code: 'bs', label: 'Bosanski / Hrvatski / Srpski', intl: ['bs-Latn-BA', 'sr-Latn-BA', 'hr-BA'], html: 'bs' },
  { code: 'sr-Cyrl', label: 'Српски (ћирилица)', intl: ['sr-Cyrl-BA', 'sr-Cyrl'], html: 'sr-Cyrl' },
];

// The first of the candidates whose month names the browser really has: a locale
// without data names November "M11".
function workingIntl(candidates) {
  const november = new Date(Date.UTC(2026, 10, 5));
  for (const c of candidates) {
    try {
      const month = new Intl.DateTimeFormat(c, { month: 'long', timeZone: 'UTC' }).format(november);
      if (!/^M\d/.test(month)) return c;
    } catch { /* an unknown tag: try the next */ }
  }
  return candidates[candidates.length - 1];
}

// Module message bundles (web/i18n/<bundle>/<locale>.json), loaded with the core file.
export const BUNDLES = ['http', 'centres', 'outreach', 'screening', 'phrasebook', 'auth', 'interp', 'returns', 'desk', 'review', 'families', 'avrr', 'identity', 'sync'];

let current = { ...LOCALES[0], intl: 'en-GB' };
let messages = {};
let english = {};
const codeLists = {}; // "countries:bs" -> Map(code -> name)

async function fetchJson(path) {
  const res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`cannot load messages ${path}`);
  return res.json();
}

// The core messages of a locale merged with every bundle's.
async function loadFile(code) {
  const parts = await Promise.all([`/i18n/${code}.json`, ...BUNDLES.map((b) => `/i18n/${b}/${code}.json`)].map(fetchJson));
  return Object.assign({}, ...parts);
}

export function localeCode() { return current.code; }
export function intlLocale() { return current.intl; }

// A known locale code for what was asked, English otherwise.
export function pickLocale(code) {
  return LOCALES.find((l) => l.code === code) || LOCALES[0];
}

// Loads the messages of the locale and marks the page's language.
// Choices made quickly one after another (Bosnian, then English while the Bosnian file
// still loads) end on the last one: an earlier load that finishes late is dropped.
let requested = 0;
export async function setLocale(code) {
  const next = pickLocale(code);
  const mine = ++requested;
  if (!Object.keys(english).length) english = await loadFile('en');
  const loaded = next.code === 'en' ? english : await loadFile(next.code);
  if (mine !== requested) return false;
  messages = loaded;
  current = { ...next, intl: workingIntl(next.intl) };
  document.documentElement.lang = next.html;
  document.documentElement.dir = 'ltr';
  return true;
}

// The message for key with {name} placeholders filled; the English text when the
// locale lacks it; the key itself when no file has it (so a gap is visible in tests).
export function t(key, vars) {
  let s = messages[key] ?? english[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// The message of a key chosen by a value (a status, a code) from a map of literal keys
// (web/js/keys.js): never a key built from a template string, which the key tests
// could not see. A value the map does not know shows itself.
export function tOf(keys, value, vars) {
  const key = Object.hasOwn(keys, value) ? keys[value] : null;
  return key ? t(key, vars) : String(value ?? '');
}

// The same for a plural-aware message (tn): the map gives the keys without .one/.other.
export function tnOf(keys, value, n, vars) {
  const key = Object.hasOwn(keys, value) ? keys[value] : null;
  return key ? tn(key, n, vars) : String(value ?? '');
}

// True when some message file has the key.
export function has(key) { return key in messages || key in english; }

// Plural-aware message: key.one / key.few / key.other by the locale's rules, {n}
// filled with the formatted number.
export function tn(key, n, vars = {}) {
  const cat = new Intl.PluralRules(current.intl).select(n);
  const k = has(`${key}.${cat}`) ? `${key}.${cat}` : `${key}.other`;
  return t(k, { n: fmtNumber(n), ...vars });
}

export function fmtNumber(n, opts) {
  return new Intl.NumberFormat(current.intl, opts).format(n);
}

// "2026-11-23" (a calendar date, no time zone) in the locale's way.
export function fmtDate(ymd, opts = { day: 'numeric', month: 'short', year: 'numeric' }) {
  if (!ymd) return '';
  const [y, m, d] = ymd.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(current.intl, { ...opts, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

// "2026-11" (a month) in the locale's way: "Nov 2026", "nov 2026.", "нов 2026.".
export function fmtMonth(ym, opts = { month: 'short', year: 'numeric' }) {
  if (!/^\d{4}-\d{2}/.test(ym || '')) return ym || '';
  const [y, m] = ym.split('-').map(Number);
  return new Intl.DateTimeFormat(current.intl, { ...opts, timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}

// A UTC instant from the server, shown in the browser's local time.
export function fmtDateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(current.intl, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

// Birth date as precise as it was recorded: a date, a year, or "about" a year.
export function fmtBirth(p) {
  if (!p.birth_date) return t('person.birth_unknown');
  const year = p.birth_date.slice(0, 4);
  if (p.birth_date_precision === 'year') return year;
  if (p.birth_date_precision === 'estimated') return t('person.birth_estimated', { year });
  return fmtDate(p.birth_date);
}

// The same, saying when only the year was recorded ("1990 (year only)"), where
// records are compared (possible duplicates) and a bare year could pass for a date.
export function fmtBirthFull(p) {
  if (p.birth_date && p.birth_date_precision === 'year') return t('person.birth_year_only', { year: p.birth_date.slice(0, 4) });
  return fmtBirth(p);
}

// Whole days between two instants (a stay's length so far).
export function daysBetween(fromIso, toIso) {
  const a = new Date(fromIso).getTime();
  const b = toIso ? new Date(toIso).getTime() : Date.now();
  return Math.max(0, Math.floor((b - a) / 86400000));
}

// Loads a code list (countries, languages) named in `lang`; returns [{code, name}]
// sorted by the locale's collation. Cached for the page's life.
export async function codeList(kind, lang = current.code) {
  const key = `${kind}:${lang}`;
  if (!codeLists[key]) {
    // Kept on the device too, for the pages that work offline (not personal data).
    const r = await cachedGet(`/api/v1/codes/${kind}?lang=${encodeURIComponent(lang)}`);
    const coll = new Intl.Collator(workingIntl(pickLocale(lang).intl));
    const items = r.items.slice().sort((a, b) => coll.compare(a.name, b.name));
    codeLists[key] = { items, byCode: new Map(items.map((i) => [i.code, i.name])) };
  }
  return codeLists[key].items;
}

// The name of a country or language code in the current locale, from a list
// loaded before (codeList); the code itself otherwise.
export function codeName(kind, code) {
  if (!code) return '';
  const list = codeLists[`${kind}:${current.code}`] || codeLists[`${kind}:en`];
  return (list && list.byCode.get(code)) || code;
}

// Loads the country and language names of the current locale (and English, for
// type-ahead matching of Latin input on a Cyrillic page).
export async function loadCodeNames() {
  await Promise.all([codeList('countries'), codeList('languages'), codeList('countries', 'en'), codeList('languages', 'en')]);
}
