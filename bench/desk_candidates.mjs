// The desk's registration with candidates, timed (bench/desk_large.bench.sh): for each
// sampled person, the candidates call the registration form makes while the clerk types
// (POST /api/v1/persons/candidates), then the registration itself (POST /api/v1/persons,
// which answers with the candidates too), one after another on one keep-alive
// connection, as one desk works. Prints one line:
//   DESK n=... cand_p50_ms=... cand_p99_ms=... reg_p50_ms=... reg_p99_ms=...
//        pair_p50_ms=... pair_p99_ms=... with_candidates=... mean_candidates=...
//
// usage: node bench/desk_candidates.mjs URL USERNAME PASSWORD SAMPLES.tsv
// SAMPLES.tsv: given, family, sex, birth_date, precision, citizenship, site id per line.
import { readFileSync } from 'node:fs';

const [url, username, password, samplesFile] = process.argv.slice(2);
const samples = readFileSync(samplesFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));

async function call(method, path, token, body) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return { ms, json };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2);
};

const token = (await call('POST', '/api/v1/session', null, { username, password })).json.token;
const cand = [], reg = [], pair = [];
let withCandidates = 0, candidates = 0;
for (const [given, family, sex, birth, precision, citizenship, site] of samples) {
  const person = { given_name: given, family_name: family, sex, citizenship, site_id: site };
  if (birth) Object.assign(person, { birth_date: birth, birth_date_precision: precision || 'exact' });
  const c = await call('POST', '/api/v1/persons/candidates', token, person);
  const r = await call('POST', '/api/v1/persons', token, person);
  cand.push(c.ms);
  reg.push(r.ms);
  pair.push(c.ms + r.ms);
  const n = (c.json.items ?? []).length;
  withCandidates += n > 0;
  candidates += n;
}
console.log(`DESK n=${samples.length} cand_p50_ms=${pct(cand, 50)} cand_p99_ms=${pct(cand, 99)}` +
  ` reg_p50_ms=${pct(reg, 50)} reg_p99_ms=${pct(reg, 99)} pair_p50_ms=${pct(pair, 50)}` +
  ` pair_p99_ms=${pct(pair, 99)} with_candidates=${withCandidates}` +
  ` mean_candidates=${(candidates / samples.length).toFixed(1)}`);
