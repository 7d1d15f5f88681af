// The browser's copy of the XLSForm expression language (web/js/outreach/expr.js) on the
// cases the server's copy (src/outreach/expr.c, tests/unit/test_outreach_forms.c) is
// tested on: both must give the same answer, or the same refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, evaluate, toText, toBool, toNumber } from '../../web/js/outreach/expr.js';

const { values, cases } = JSON.parse(readFileSync(new URL('../data/outreach_expr_cases.json', import.meta.url), 'utf8'));

test('every shared case evaluates in the browser as on the server', () => {
  assert.ok(cases.length > 80);
  for (const c of cases) {
    if (c.error) {
      assert.throws(() => parse(c.expr), (e) => e.message.includes(c.error), c.expr);
      continue;
    }
    const v = evaluate(parse(c.expr), { dot: c.dot ?? '', lookup: (n) => values[n] ?? '' });
    if (typeof c.result === 'boolean') assert.equal(toBool(v), c.result, c.expr);
    else if (typeof c.result === 'number') assert.ok(Math.abs(toNumber(v) - c.result) <= 1e-12, `${c.expr}: ${toNumber(v)}`);
    else assert.equal(toText(v), c.result, c.expr);
  }
});
