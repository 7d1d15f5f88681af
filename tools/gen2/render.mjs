// Romanisation of the phonemic notation (see lexicon.mjs) under the systems met in the
// field, and Cyrillic entry by Serbian and Macedonian officers. Each call draws its free
// choices (ee or i, ou or u, Abdul or Abdel...) from the given random source, so two
// officers using the same system may still write a name differently.

export const SYSTEMS = ['bgn', 'alalc', 'english', 'french', 'german', 'italian', 'balkan', 'albanian',
  'turkish', 'cyr_sr', 'cyr_mk'];

const MULTI = ['al-', 'aa', 'ii', 'uu', 'kh', 'sh', 'th', 'dh', 'gh', 'ch', 'zh', 'ts'];
const VOWELS = new Set(['a', 'i', 'u', 'e', 'o', 'aa', 'ii', 'uu', 'ö', 'ü', 'I']);
const SUN = new Set(['t', 'th', 'd', 'dh', 'r', 'z', 's', 'sh', 'S', 'D', 'T', 'Z', 'l', 'n']);

const TOKENS = new Map();
export function tokenize(s) {
  let cached = TOKENS.get(s);
  if (!cached) {
    cached = tokenizeOnce(s);
    TOKENS.set(s, cached);
  }
  return cached;
}

function tokenizeOnce(s) {
  const out = [];
  for (let i = 0; i < s.length;) {
    const m = MULTI.find((t) => s.startsWith(t, i));
    if (m) {
      out.push(m);
      i += m.length;
    } else {
      out.push(s[i]);
      i += 1;
    }
  }
  return out.filter((t) => t !== '.');
}

const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
const chance = (rng, p) => rng() < p;

// Consonants per system; arrays are free choices.
const CONS = {
  bgn: { H: 'ḩ', S: 'ş', D: 'ḑ', T: 'ţ', Z: 'z̧', 3: 'ʻ', "'": 'ʼ', q: 'q' },
  alalc: { H: 'ḥ', S: 'ṣ', D: 'ḍ', T: 'ṭ', Z: 'ẓ', 3: 'ʻ', "'": 'ʼ', q: 'q' },
  english: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: ['q', 'q', 'k'], dh: ['dh', 'z', 'th'], ts: ['ts', 'tz'] },
  italian: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: 'k', ts: ['ts', 'tz', 'z'], sh: 'sc' },
  french: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: ['k', 'k', 'q'], sh: 'ch', th: 't', dh: 'd',
    j: ['j', 'j', 'dj'], ch: 'tch', zh: 'j', w: 'ou' },
  german: { H: 'h', S: 's', D: 'd', T: 't', Z: 's', 3: '', "'": '', q: 'k', sh: 'sch', th: 't', dh: 'd', j: 'dsch',
    ch: 'tsch', zh: 'sch', y: 'j', z: ['s', 'z'], kh: 'ch' },
  balkan: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: 'k', sh: 'š', th: 't', dh: 'd', j: 'dž',
    ch: 'č', zh: 'ž', y: 'j', kh: 'h', gh: 'g', w: 'v', ts: 'c' },
  albanian: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: 'k', sh: 'sh', th: 'th', dh: 'dh', j: 'xh',
    ch: 'ç', zh: 'zh', y: 'j', kh: 'h', gh: 'g', w: 'v', ts: 'c' },
  turkish: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: 'k', sh: 'ş', th: 's', dh: 'z', j: 'c',
    ch: 'ç', zh: 'j', kh: 'h', gh: 'ğ', w: 'v', ts: 'ts' },
  // Serbian officers hear ch as č or ć and j as dž or đ; Macedonian ones as ч/ќ and џ/ѓ.
  cyr_sr: { H: 'h', S: 's', D: 'd', T: 't', Z: 'z', 3: '', "'": '', q: 'k', sh: 'š', th: 't', dh: 'd',
    j: ['dž', 'dž', 'dž', 'đ'], ch: ['č', 'č', 'ć'], zh: 'ž', y: 'j', kh: 'h', gh: 'g', w: 'v', ts: 'c' },
};
CONS.cyr_mk = CONS.cyr_sr;

const LOCAL = new Set(['balkan', 'albanian', 'cyr_sr', 'cyr_mk']);
const KEEP_DOUBLE = { bgn: 1, alalc: 1, english: 0.8, italian: 0.8, french: 0.5, german: 0.8, turkish: 0.7,
  balkan: 0.3, albanian: 0.3, cyr_sr: 0.3, cyr_mk: 0.3 };

function lastSyllable(toks, i) {
  for (let k = i + 1; k < toks.length; k++) if (VOWELS.has(toks[k])) return false;
  return true;
}

function vowel(tok, sys, lang, rng, toks, i) {
  const persian = lang === 'fa-ir' ? 0.7 : lang === 'fa-af' ? 0.3 : 0;
  const final = i === toks.length - 1 || toks[i + 1] === ' ' || toks[i + 1] === '-';
  const closedLast = !final && lastSyllable(toks, i);
  if (sys === 'bgn' || sys === 'alalc') {
    if (tok === 'aa') return 'ā';
    if (tok === 'ii') return 'ī';
    if (tok === 'uu') return 'ū';
    if (sys === 'bgn' && lang.startsWith('fa')) {
      if (tok === 'i') return 'e';
      if (tok === 'u') return 'o';
    }
    if (tok === 'I') return 'ı';
    return tok;
  }
  if (tok === 'ö') return sys === 'turkish' || sys === 'german' ? (sys === 'german' && chance(rng, 0.5) ? 'oe' : 'ö') : sys === 'english' && chance(rng, 0.3) ? 'oe' : 'o';
  if (tok === 'ü') return sys === 'turkish' || sys === 'german' ? (sys === 'german' && chance(rng, 0.5) ? 'ue' : 'ü') : sys === 'albanian' ? 'y' : 'u';
  if (tok === 'I') return sys === 'turkish' ? 'ı' : 'i';
  if (lang === 'tr' && ['a', 'i', 'u', 'e', 'o'].includes(tok)) return tok;
  if (tok === 'aa') return sys === 'english' && ['ur', 'fa-af', 'bn'].includes(lang) && chance(rng, 0.1) ? 'aa' : 'a';
  if (tok === 'ii') {
    if (sys === 'english') return ['ur', 'bn', 'fa-af'].includes(lang) ? pick(rng, ['i', 'ee', 'ee', 'i']) : chance(rng, 0.15) ? 'ee' : 'i';
    if (sys === 'german') return chance(rng, 0.3) ? 'ie' : 'i';
    return 'i';
  }
  if (tok === 'uu') {
    if (sys === 'english' || sys === 'italian') return lang.startsWith('ar') ? pick(rng, ['u', 'ou', 'oo', 'ou']) : pick(rng, ['u', 'u', 'oo', 'ou']);
    if (sys === 'french') return 'ou';
    return 'u';
  }
  if (tok === 'u') {
    if (sys === 'french') return chance(rng, 0.6) ? 'ou' : 'o';
    const p = Math.max(persian, ['bn', 'ar-eg', 'ar-mg'].includes(lang) ? 0.6 : 0.3);
    if (sys === 'english' || sys === 'german' || sys === 'italian') return chance(rng, p) ? 'o' : 'u';
    return chance(rng, p * 0.5) ? 'o' : 'u';
  }
  if (tok === 'i') {
    const p = Math.max(persian, sys === 'french' ? 0.3 : 0.12);
    return chance(rng, p) ? 'e' : 'i';
  }
  if (tok === 'a') {
    const next = toks[i + 1];
    if (next === 'y' && lang.startsWith('fa') && chance(rng, 0.5)) return 'e'; // Hossein
    if (closedLast && !['ti', 'tr'].includes(lang)) {
      let p = ['ar-mg', 'ar-eg'].includes(lang) ? 0.6 : lang === 'ur' ? 0.4 : 0.1;
      if (LOCAL.has(sys) || sys === 'turkish') p = Math.max(p, 0.35); // Muhamed, Muhammed
      if (chance(rng, p)) return 'e';
    }
    return 'a';
  }
  if (tok === 'e' && lang === 'ti' && chance(rng, 0.15)) return 'a'; // Gebre / Gabre
  return tok;
}

function consonant(tok, sys, lang, rng, toks, i) {
  const table = CONS[sys];
  const prev = toks[i - 1];
  const next = toks[i + 1];
  const final = i === toks.length - 1 || next === ' ' || next === '-';
  let v = table[tok];
  if (Array.isArray(v)) v = pick(rng, v);
  if (tok === 'j' && sys === 'english' && lang === 'ar-eg' && chance(rng, 0.7)) v = 'g'; // Gamal
  if (tok === 'y') {
    if (VOWELS.has(prev) && (final || !VOWELS.has(next))) {
      // Diphthong or final y: Husain, Tesfai, Tesfaye.
      if (LOCAL.has(sys) || sys === 'german') return 'j';
      if (lang === 'ti' && final) return pick(rng, ['y', 'i', 'ye']);
      if (sys === 'french' || sys === 'english' || sys === 'italian') return chance(rng, 0.5) ? 'i' : 'y';
    }
  }
  if (tok === 'w' && sys === 'french' && !VOWELS.has(next)) v = 'w';
  if (tok === 'w' && sys === 'italian' && i === 0 && chance(rng, 0.4)) v = 'u'; // Uoldemariam
  if (sys === 'italian' && (tok === 'g' || tok === 'k') && ['e', 'i'].includes(next)) v = tok === 'g' ? 'gh' : 'ch';
  if (tok === 's' && (sys === 'french' || sys === 'german') && VOWELS.has(prev) && VOWELS.has(next) && chance(rng, 0.6)) v = 'ss';
  if (tok === 'n' && sys === 'french' && final && ['aa', 'ii', 'uu'].includes(prev)) v = 'ne'; // Slimane
  return v === undefined ? tok : v;
}

const cap = (w) => w.replace(/[\p{Lu}\p{Ll}]/u, (c) => c.toUpperCase());

// The Arabic article in the middle of a name (Abd al-Rahman, Nur al-Din, Abdullah).
function article(sys, rng, nextTok, nextRendered) {
  const sun = SUN.has(nextTok);
  const c = sun ? nextRendered : 'l';
  switch (sys) {
    case 'alalc': return pick(rng, [[' ', 'al-', ''], [' ', 'al-', '']]);
    case 'bgn': return [' ', 'a' + c, ' '];
    case 'french': return pick(rng, [['', 'e' + c, ''], [' ', 'e' + c, ''], ['', 'el', ''], ['', 'el', ' ']]);
    case 'turkish': return pick(rng, [['', 'u' + c, ''], ['', 'e' + c, ''], ['', 'ul', '']]);
    case 'german': return pick(rng, [[' ', 'a' + c, '-'], ['', 'ul', ' '], ['', 'ul', '']]);
    default:
      if (LOCAL.has(sys)) return pick(rng, [['', 'u' + c, ''], ['', 'ul', ''], ['', 'ul', ' '], [' ', 'al', '']]);
      return pick(rng, [['', 'ul', ' '], ['', 'ul', ''], [' ', 'al-', ''], ['', 'el', ' '], ['', 'u' + c, ''],
        ['', 'al', ''], [' ', 'al ', '']]);
  }
}

// Initial article of a family name (al-Jubouri, El Obeidi, Jubouri).
function initialArticle(sys, rng, nextTok, nextRendered) {
  const c = SUN.has(nextTok) ? nextRendered : 'l';
  switch (sys) {
    case 'alalc': return 'al-';
    case 'bgn': return 'a' + c + ' ';
    case 'french': return pick(rng, ['el ', 'el-', 'el', '']);
    case 'turkish': return '';
    case 'german': return pick(rng, ['al-', '']);
    case 'english': return pick(rng, ['al-', 'al ', 'al', '', 'el-']);
    default: return pick(rng, ['', '', 'al ', 'al-']);
  }
}

// Renders one name (one or more words in the notation) in Latin script.
export function renderLatin(name, sys, lang, rng) {
  const toks = tokenize(name);
  let out = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t === ' ' || t === '-') {
      out += t;
      continue;
    }
    if (t === 'al-') {
      const nt = toks[i + 1];
      const nr = consonant(nt, sys, lang, () => 0, toks, i + 1);
      if (i === 0 || toks[i - 1] === ' ' && i === 0) {
        out += initialArticle(sys, rng, nt, nr);
      } else {
        const [pre, art, post] = article(sys, rng, nt, nr);
        out = out.replace(/ $/, '') + pre + art + post;
        // Assimilation writes the consonant twice (Abdurrahman); local practice drops one.
        if (art.length === 1 + nr.length && art.endsWith(nr) && nr !== 'l' && LOCAL.has(sys) && chance(rng, 0.7)) {
          out = out.slice(0, -nr.length);
        }
        if (nr === 'l' && art.endsWith('l') && post === '' && chance(rng, 1 - KEEP_DOUBLE[sys])) {
          out = out.slice(0, -1); // Abdulah
        }
      }
      continue;
    }
    if (i > 0 && toks[i - 1] === t && !VOWELS.has(t) && !chance(rng, KEEP_DOUBLE[sys])) continue;
    out += VOWELS.has(t) ? vowel(t, sys, lang, rng, toks, i) : consonant(t, sys, lang, rng, toks, i);
  }
  out = out.replace(/ +/g, ' ').trim();
  const words = out.split(' ').map((w, i) => {
    const parts = w.split('-');
    return parts.map((p, k) => ((k > 0 || (i > 0 && parts.length > 1)) && (p === 'al' || p === 'el') ? p : cap(p))).join('-');
  });
  return words.join(' ');
}

const SR = { a: 'а', b: 'б', c: 'ц', č: 'ч', ć: 'ћ', d: 'д', đ: 'ђ', e: 'е', f: 'ф', g: 'г', h: 'х', i: 'и', j: 'ј',
  k: 'к', l: 'л', m: 'м', n: 'н', o: 'о', p: 'п', r: 'р', s: 'с', š: 'ш', t: 'т', u: 'у', v: 'в', z: 'з', ž: 'ж',
  q: 'к', w: 'в', x: 'кс', y: 'ј' };

// Balkan Latin (Gaj) to Serbian or Macedonian Cyrillic, as an officer retypes it.
export function gajToCyrillic(s, variant) {
  let out = '';
  const lower = s.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const two = lower.slice(i, i + 2);
    let c;
    if (two === 'dž') {
      c = 'џ';
      i++;
    } else if (variant === 'mk' && two === 'dz') {
      c = 'ѕ';
      i++;
    } else {
      const ch = lower[i];
      c = SR[ch] ?? ch;
      if (variant === 'mk') c = c === 'ћ' ? 'ќ' : c === 'ђ' ? 'ѓ' : c;
    }
    out += c;
  }
  return out.split(' ').map(cap).join(' ');
}

// A Latin document spelling (English, French, German, Turkish) retyped in Cyrillic.
export function documentToCyrillic(s, variant, rng) {
  let t = s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  const rules = [
    ['sch', 'š'], ['tsch', 'č'], ['dsch', 'dž'], ['sh', 'š'], ['ch', pick(rng, ['č', 'š'])], ['kh', 'h'],
    ['dj', 'dž'], ['gh', 'g'], ['th', 't'], ['dh', 'd'], ['ou', 'u'], ['oo', 'u'], ['ee', 'i'], ['ph', 'f'],
    ['j', pick(rng, ['dž', 'j'])], ['y', 'j'], ['w', 'v'], ['q', 'k'], ['x', 'ks'], ['ç', 'č'], ['ş', 'š'],
  ];
  for (const [a, b] of rules) t = t.split(a).join(b);
  return gajToCyrillic(t, variant);
}

// Renders a name under a system; Cyrillic systems go through the Balkan spelling.
export function render(name, sys, lang, rng) {
  if (sys === 'cyr_sr' || sys === 'cyr_mk') return gajToCyrillic(renderLatin(name, sys, lang, rng), sys.slice(4));
  return renderLatin(name, sys, lang, rng);
}
