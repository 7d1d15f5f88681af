// The XLSForm expression language in the browser: the same grammar and the same
// evaluation as src/outreach/expr.c (see the comment in src/outreach/xlsform.h), so
// that a form refuses in the browser what the server would refuse. Both are tested on
// tests/data/outreach_expr_cases.json.

const FUNCTIONS = {
  selected: 2, 'count-selected': 1, 'string-length': 1, not: 1, true: 0, false: 0,
  if: 3, number: 1, int: 1, coalesce: 2,
};
const MAX_LEN = 2000;
const MAX_DEPTH = 48;

export class ExprError extends Error {}

function isDigit(c) { return c >= '0' && c <= '9'; }
function isAlpha(c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
function isAlnum(c) { return isAlpha(c) || isDigit(c); }
function isSpace(c) { return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v'; }

// Parses text into a tree; throws ExprError("at character N: ...").
export function parse(text) {
  if (typeof text !== 'string') throw new ExprError('no expression');
  if (text.length > MAX_LEN) throw new ExprError(`the expression is longer than ${MAX_LEN} characters`);
  let p = 0;
  let depth = 0;
  const fail = (what) => { throw new ExprError(`at character ${p + 1}: ${what}`); };
  const skip = () => { while (p < text.length && isSpace(text[p])) p++; };
  const wordLen = (at) => {
    if (!isAlpha(text[at] || '')) return 0;
    let n = 0;
    while (at + n < text.length && (isAlnum(text[at + n]) || text[at + n] === '_' || text[at + n] === '-')) n++;
    return n;
  };
  const keyword = (kw) => {
    skip();
    if (text.startsWith(kw, p) && wordLen(p) === kw.length) { p += kw.length; return true; }
    return false;
  };
  const punct = (op) => {
    skip();
    if (!text.startsWith(op, p)) return false;
    if (op.length === 1 && (op === '<' || op === '>') && text[p + 1] === '=') return false;
    p += op.length;
    return true;
  };
  const bin = (op, l, r) => ({ k: 'bin', op, a: [l, r] });

  function call(len) {
    const name = text.slice(p, p + len);
    if (!(name in FUNCTIONS)) fail(`function ${name.slice(0, 40)}() is not supported`);
    p += len;
    punct('(');
    const node = { k: 'call', f: name, a: [] };
    skip();
    if (!punct(')')) {
      for (;;) {
        if (node.a.length === 3) fail('too many arguments');
        node.a.push(parseOr());
        if (punct(')')) break;
        if (!punct(',')) fail('expected , or )');
      }
    }
    const arity = FUNCTIONS[name];
    if (node.a.length !== arity) fail(`${name}() takes ${arity} argument${arity === 1 ? '' : 's'}`);
    return node;
  }

  function primary() {
    skip();
    if (++depth > MAX_DEPTH) fail('the expression is nested too deeply');
    let node;
    const c = text[p];
    if (c === '(') {
      p++;
      node = parseOr();
      if (!punct(')')) fail('expected )');
    } else if (c === '$' && text[p + 1] === '{') {
      let q = p + 2;
      while (q < text.length && (isAlnum(text[q]) || '_-.'.includes(text[q]))) q++;
      if (text[q] !== '}' || q === p + 2) fail('a field reference is written ${name}');
      node = { k: 'field', name: text.slice(p + 2, q) };
      p = q + 1;
    } else if (isDigit(c || '') || (c === '.' && isDigit(text[p + 1] || ''))) {
      const m = /^(\d*\.?\d*)/.exec(text.slice(p));
      node = { k: 'num', v: Number.parseFloat(m[1]) };
      p += m[1].length;
    } else if (c === '.' && text[p + 1] === '.') {
      fail('parent paths (..) are not supported: use ${name}');
    } else if (c === '.') {
      node = { k: 'dot' };
      p++;
    } else if (c === "'" || c === '"') {
      const q = text.indexOf(c, p + 1);
      if (q < 0) fail('a string is not closed');
      node = { k: 'str', v: text.slice(p + 1, q) };
      p = q + 1;
    } else if (c === '-') {
      p++;
      node = { k: 'neg', a: [primary()] };
    } else if (wordLen(p)) {
      const len = wordLen(p);
      let after = p + len;
      while (after < text.length && isSpace(text[after])) after++;
      if (text[after] === '(') node = call(len);
      else fail(`${text.slice(p, p + Math.min(len, 40))} is not supported here: refer to fields as \${name}`);
    } else if (c === '/') {
      fail('paths such as /data/name are not supported: use ${name}');
    } else if (c !== undefined) {
      fail(`unexpected character ${c}`);
    } else {
      fail('the expression ends too early');
    }
    depth--;
    return node;
  }
  function mul() {
    let l = primary();
    for (;;) {
      const op = punct('*') ? '*' : keyword('div') ? 'div' : keyword('mod') ? 'mod' : null;
      if (!op) return l;
      l = bin(op, l, primary());
    }
  }
  function add() {
    let l = mul();
    for (;;) {
      const op = punct('+') ? '+' : punct('-') ? '-' : null;
      if (!op) return l;
      l = bin(op, l, mul());
    }
  }
  function rel() {
    let l = add();
    for (;;) {
      const op = punct('<=') ? '<=' : punct('>=') ? '>=' : punct('<') ? '<' : punct('>') ? '>' : null;
      if (!op) return l;
      l = bin(op, l, add());
    }
  }
  function eq() {
    let l = rel();
    for (;;) {
      const op = punct('!=') ? '!=' : punct('=') ? '=' : null;
      if (!op) return l;
      l = bin(op, l, rel());
    }
  }
  function and() {
    let l = eq();
    while (keyword('and')) l = bin('and', l, eq());
    return l;
  }
  function parseOr() {
    if (++depth > MAX_DEPTH) fail('the expression is nested too deeply');
    let l = and();
    while (keyword('or')) l = bin('or', l, and());
    depth--;
    return l;
  }
  const root = parseOr();
  skip();
  if (p < text.length) fail('unexpected text after the expression');
  return root;
}

// The ${names} an expression reads.
export function fields(tree, out = new Set()) {
  if (!tree) return out;
  if (tree.k === 'field') out.add(tree.name);
  for (const a of tree.a || []) fields(a, out);
  return out;
}

// ---- values (XPath 1.0): {t:'num'|'str'|'bool', v} ----

function textNumber(s) {
  const x = s.trim();
  if (!x || !/^-?[0-9.]+$/.test(x.replace(/\s/g, ''))) return NaN;
  return Number(x);
}

export function toNumber(v) {
  if (v.t === 'num') return v.v;
  if (v.t === 'bool') return v.v ? 1 : 0;
  return textNumber(v.v);
}

export function toBool(v) {
  if (v.t === 'num') return v.v !== 0 && !Number.isNaN(v.v);
  if (v.t === 'bool') return v.v;
  return v.v !== '';
}

// Numbers as integers when whole (below 1e15), else with 15 significant digits.
export function toText(v) {
  if (v.t === 'str') return v.v;
  if (v.t === 'bool') return v.v ? 'true' : 'false';
  const n = v.v;
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n < 0 ? '-Infinity' : 'Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return (n === 0 ? 0 : n).toFixed(0);
  return cFormat15g(n);
}

// printf("%.15g") as C writes it, so that calculations read the same on both sides.
function cFormat15g(n) {
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 15) {
    const [m, e] = n.toExponential(14).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const ev = Number(e);
    return `${mant}e${ev < 0 ? '-' : '+'}${String(Math.abs(ev)).padStart(2, '0')}`;
  }
  const s = n.toFixed(Math.max(0, 14 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

const num = (v) => ({ t: 'num', v });
const bool = (v) => ({ t: 'bool', v });
const str = (v) => ({ t: 'str', v: v ?? '' });

function tokens(s) { return s.split(' ').filter(Boolean); }

// Evaluates a tree; lookup(name) gives a field's value as a string ('' when empty).
export function evaluate(tree, { dot = '', lookup = () => '' } = {}) {
  const ev = (n) => {
    switch (n.k) {
      case 'num': return num(n.v);
      case 'str': return str(n.v);
      case 'dot': return str(dot);
      case 'field': return str(lookup(n.name) ?? '');
      case 'neg': return num(-toNumber(ev(n.a[0])));
      case 'call': return call(n);
      default: break;
    }
    if (n.op === 'or') return bool(toBool(ev(n.a[0])) || toBool(ev(n.a[1])));
    if (n.op === 'and') return bool(toBool(ev(n.a[0])) && toBool(ev(n.a[1])));
    const l = ev(n.a[0]);
    const r = ev(n.a[1]);
    if (n.op === '=' || n.op === '!=') {
      let same;
      if (l.t === 'bool' || r.t === 'bool') same = toBool(l) === toBool(r);
      else if (l.t === 'num' || r.t === 'num') same = toNumber(l) === toNumber(r);
      else same = toText(l) === toText(r);
      return bool(n.op === '=' ? same : !same);
    }
    const a = toNumber(l);
    const b = toNumber(r);
    switch (n.op) {
      case '<': return bool(a < b);
      case '<=': return bool(a <= b);
      case '>': return bool(a > b);
      case '>=': return bool(a >= b);
      case '+': return num(a + b);
      case '-': return num(a - b);
      case '*': return num(a * b);
      case 'div': return num(a / b);
      default: return num(a % b);
    }
  };
  const call = (n) => {
    switch (n.f) {
      case 'selected': return bool(tokens(toText(ev(n.a[0]))).includes(toText(ev(n.a[1]))));
      case 'count-selected': return num(tokens(toText(ev(n.a[0]))).length);
      case 'string-length': return num([...toText(ev(n.a[0]))].length);
      case 'not': return bool(!toBool(ev(n.a[0])));
      case 'true': return bool(true);
      case 'false': return bool(false);
      case 'if': return toBool(ev(n.a[0])) ? ev(n.a[1]) : ev(n.a[2]);
      case 'number': return num(toNumber(ev(n.a[0])));
      case 'int': return num(Math.trunc(toNumber(ev(n.a[0]))));
      default: { const a = ev(n.a[0]); return toText(a) !== '' ? a : ev(n.a[1]); }
    }
  };
  return ev(tree);
}
