// Scores `haven match dedup` against the truth of the second generator, beside an exact
// name + date baseline computed in the same run.
//
//   node tools/gen2/eval.mjs [--haven build/haven] [--boot 1000] [--json] DIR...
//
// Each DIR holds records.csv and truth.csv (tools/gen2/gen2.mjs). For each DIR, and pooled
// over all of them, prints pairwise precision / recall / F1 and cluster F1 with 95%
// bootstrap intervals. The bootstrap resamples true identities (Poisson weights), so
// that the interval reflects which people happened to be drawn; a false pair is charged
// half to each of its two people.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { makeRng } from './gen2.mjs';

// RFC 4180 line splitter (the generator quotes only when needed; no embedded newlines).
export function splitCsv(line) {
  const out = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function readRows(path) {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length);
  const head = splitCsv(lines[0]);
  return lines.slice(1).map((l) => {
    const v = splitCsv(l);
    return Object.fromEntries(head.map((h, i) => [h, v[i] ?? '']));
  });
}

// Runs dedup; returns the predicted pairs as [i, j] record indexes and the wall time.
export async function runDedup(haven, recordsPath, index) {
  const t0 = process.hrtime.bigint();
  const child = spawn(haven, ['match', 'dedup', recordsPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const pairs = [];
  const seen = new Set();
  const rl = createInterface({ input: child.stdout });
  let first = true;
  for await (const line of rl) {
    if (first) {
      first = false;
      if (line.startsWith('id_a')) continue;
    }
    const [a, b] = line.split(',');
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined || i === j) continue;
    const key = i < j ? i * 4294967296 + j : j * 4294967296 + i;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([i, j]);
  }
  const code = await new Promise((res) => child.on('close', res));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`haven match dedup exited ${code}: ${stderr.slice(0, 500)}`);
  return { pairs, seconds };
}

// The exact baseline: same folded given name, family name and date (format normalised,
// content not), nothing else. Returns clusters as arrays of record indexes.
export function exactClusters(records) {
  const fold = (s) => s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
  const date = (d) => {
    const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(d);
    return m ? `${m[3]}-${m[2]}-${m[1]}` : d.trim();
  };
  const groups = new Map();
  records.forEach((r, i) => {
    const g = fold(r.given_name);
    const f = fold(r.family_name);
    const d = date(r.birth_date);
    if (!g || !f || !d) return;
    const k = `${g}\u0001${f}\u0001${d}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(i);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

export function clustersFromPairs(n, pairs) {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x) => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (const [a, b] of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[ra] = rb;
  }
  const m = new Map();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!m.has(r)) m.set(r, []);
    m.get(r).push(i);
  }
  return [...m.values()].filter((c) => c.length > 1);
}

// Per-entity statistics, additive over entities (so that they can be resampled).
// ent: Int32Array record -> entity id (0..E-1); pairs: predicted pairs (may be null when
// clusters are cliques, as for the baseline: then pair counts come from the clusters).
export function entityStats(ent, nEnt, pairs, clusters) {
  const size = new Int32Array(nEnt);
  for (let i = 0; i < ent.length; i++) size[ent[i]]++;
  const st = {
    truePairs: new Float64Array(nEnt), tp: new Float64Array(nEnt), fp: new Float64Array(nEnt),
    trueCl: new Float64Array(nEnt), predCl: new Float64Array(nEnt), okCl: new Float64Array(nEnt),
    ctp: new Float64Array(nEnt), cfp: new Float64Array(nEnt),
  };
  for (let e = 0; e < nEnt; e++) {
    st.truePairs[e] = (size[e] * (size[e] - 1)) / 2;
    st.trueCl[e] = size[e] > 1 ? 1 : 0;
  }
  // Cluster-level and closure (all pairs inside predicted clusters) counts.
  for (const c of clusters) {
    const cnt = new Map();
    for (const i of c) cnt.set(ent[i], (cnt.get(ent[i]) ?? 0) + 1);
    for (const [e, k] of cnt) {
      st.predCl[e] += k / c.length;
      st.ctp[e] += (k * (k - 1)) / 2;
      st.cfp[e] += (k * (c.length - k)) / 2;
      if (cnt.size === 1 && k === size[e]) st.okCl[e] += 1;
    }
  }
  if (pairs) {
    for (const [a, b] of pairs) {
      if (ent[a] === ent[b]) st.tp[ent[a]] += 1;
      else {
        st.fp[ent[a]] += 0.5;
        st.fp[ent[b]] += 0.5;
      }
    }
  } else {
    st.tp = st.ctp;
    st.fp = st.cfp;
  }
  return st;
}

const f1 = (p, r) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);
function metrics(sums) {
  const p = sums.tp + sums.fp > 0 ? sums.tp / (sums.tp + sums.fp) : 0;
  const r = sums.truePairs > 0 ? sums.tp / sums.truePairs : 0;
  const cp = sums.predCl > 0 ? sums.okCl / sums.predCl : 0;
  const cr = sums.trueCl > 0 ? sums.okCl / sums.trueCl : 0;
  const kp = sums.ctp + sums.cfp > 0 ? sums.ctp / (sums.ctp + sums.cfp) : 0;
  return { precision: p, recall: r, f1: f1(p, r), clusterF1: f1(cp, cr), closureF1: f1(kp, r === 0 ? 0 : sums.ctp / sums.truePairs) };
}
const KEYS = ['truePairs', 'tp', 'fp', 'trueCl', 'predCl', 'okCl', 'ctp', 'cfp'];

// Packs the statistics of several scorers into one flat array over the entities where
// any of them is non-zero (the others add nothing to any resample).
function pack(statsList) {
  const n = statsList[0].tp.length;
  const keep = [];
  for (let e = 0; e < n; e++) if (statsList.some((st) => KEYS.some((k) => st[k][e] !== 0))) keep.push(e);
  return statsList.map((st) => {
    const data = new Float64Array(keep.length * KEYS.length);
    keep.forEach((e, j) => KEYS.forEach((k, q) => { data[j * KEYS.length + q] = st[k][e]; }));
    return data;
  });
}

function sum(data, w) {
  const K = KEYS.length;
  const acc = new Float64Array(K);
  const n = data.length / K;
  for (let j = 0; j < n; j++) {
    const we = w ? w[j] : 1;
    if (we === 0) continue;
    const o = j * K;
    for (let q = 0; q < K; q++) acc[q] += we * data[o + q];
  }
  return Object.fromEntries(KEYS.map((k, q) => [k, acc[q]]));
}

// Poisson(1) weights; the same weights score the engine and the baseline (paired).
function poissonWeights(rng, n) {
  const w = new Uint8Array(n);
  const L = Math.exp(-1);
  for (let e = 0; e < n; e++) {
    let k = 0;
    let p = rng();
    while (p > L) {
      k++;
      p *= rng();
    }
    w[e] = k;
  }
  return w;
}

export function bootstrap(statsList, B, seed) {
  const rng = makeRng(`boot:${seed}`);
  const packed = pack(statsList);
  const point = packed.map((d) => metrics(sum(d)));
  const reps = statsList.map(() => ({ f1: [], clusterF1: [], diff: [] }));
  const n = packed[0].length / KEYS.length;
  for (let b = 0; b < B; b++) {
    const w = poissonWeights(rng, n);
    const ms = packed.map((d) => metrics(sum(d, w)));
    ms.forEach((m, k) => {
      reps[k].f1.push(m.f1);
      reps[k].clusterF1.push(m.clusterF1);
      reps[k].diff.push(m.f1 - ms[ms.length - 1].f1);
    });
  }
  const ci = (xs) => {
    const s = xs.slice().sort((a, b) => a - b);
    return [s[Math.floor(0.025 * (s.length - 1))], s[Math.ceil(0.975 * (s.length - 1))]];
  };
  return point.map((m, k) => ({ ...m, f1CI: ci(reps[k].f1), clusterF1CI: ci(reps[k].clusterF1), diffCI: ci(reps[k].diff) }));
}

// Where the engine's errors are: recall over the true pairs touched by each kind of
// variation (a pair counts for a kind if either record carries it), and the false pairs
// by relation (same household: family, brothers, twins; same written name: namesakes).
export function breakdown(records, truth, ent, pairs) {
  const key = (i, j) => (i < j ? i * 4294967296 + j : j * 4294967296 + i);
  const found = new Set(pairs.map(([a, b]) => key(a, b)));
  const kinds = truth.map((t) => (t.kinds ? t.kinds.split(';') : []));
  const byEnt = new Map();
  ent.forEach((e, i) => {
    if (!byEnt.has(e)) byEnt.set(e, []);
    byEnt.get(e).push(i);
  });
  const per = new Map();
  const bump = (k, hit) => {
    if (!per.has(k)) per.set(k, [0, 0]);
    const v = per.get(k);
    v[0] += 1;
    v[1] += hit ? 1 : 0;
  };
  for (const rs of byEnt.values()) {
    for (let x = 0; x < rs.length; x++) {
      for (let y = x + 1; y < rs.length; y++) {
        const hit = found.has(key(rs[x], rs[y]));
        const ks = new Set([...kinds[rs[x]], ...kinds[rs[y]]]);
        if (!ks.size) bump('(none)', hit);
        for (const k of ks) bump(k, hit);
        bump('all true pairs', hit);
      }
    }
  }
  const fold = (r) => `${r.given_name}|${r.family_name}`.normalize('NFC').toLowerCase();
  const fp = { household: 0, 'same written name': 0, other: 0 };
  for (const [a, b] of pairs) {
    if (ent[a] === ent[b]) continue;
    if (truth[a].household === truth[b].household) fp.household++;
    else if (fold(records[a]) === fold(records[b])) fp['same written name']++;
    else fp.other++;
  }
  return { recall: [...per.entries()].sort((p, q) => q[1][0] - p[1][0]), fp };
}

// Loads a generated directory and scores engine and baseline; returns the per-entity
// statistics too (for pooling).
export async function evaluate(dir, haven, byKind = false) {
  const records = readRows(`${dir}/records.csv`);
  const truth = readRows(`${dir}/truth.csv`);
  const entOf = new Map(truth.map((t) => [t.id, t.entity]));
  const truthIndex = new Map(truth.map((t, i) => [t.id, i]));
  const entIds = new Map();
  const ent = new Int32Array(records.length);
  const index = new Map();
  records.forEach((r, i) => {
    index.set(r.id, i);
    const e = entOf.get(r.id);
    if (e === undefined) throw new Error(`${dir}: record ${r.id} has no truth`);
    if (!entIds.has(e)) entIds.set(e, entIds.size);
    ent[i] = entIds.get(e);
  });
  const { pairs, seconds } = await runDedup(haven, `${dir}/records.csv`, index);
  const engine = entityStats(ent, entIds.size, pairs, clustersFromPairs(records.length, pairs));
  const exact = entityStats(ent, entIds.size, null, exactClusters(records));
  const truthByRecord = records.map((r) => truth[truthIndex.get(r.id)]);
  const kinds = byKind ? breakdown(records, truthByRecord, ent, pairs) : null;
  return { dir, n: records.length, seconds, engine, exact, kinds };
}

function concat(list, key) {
  const out = {};
  for (const k of KEYS) {
    const total = list.reduce((s, x) => s + x[key][k].length, 0);
    out[k] = new Float64Array(total);
    let o = 0;
    for (const x of list) {
      out[k].set(x[key][k], o);
      o += x[key][k].length;
    }
  }
  return out;
}

const f = (x) => x.toFixed(3);
const ci = ([a, b]) => `[${f(a)}, ${f(b)}]`;

async function main(argv) {
  let haven = new URL('../../build/haven', import.meta.url).pathname;
  let B = 1000;
  let json = false;
  let byKind = false;
  const dirs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--haven') haven = argv[++i];
    else if (argv[i] === '--boot') B = Number(argv[++i]);
    else if (argv[i] === '--json') json = true;
    else if (argv[i] === '--by-kind') byKind = true;
    else dirs.push(argv[i]);
  }
  if (!dirs.length || !(B >= 10)) {
    process.stderr.write('usage: node tools/gen2/eval.mjs [--haven PATH] [--boot B] [--json] [--by-kind] DIR...\n');
    process.exit(2);
  }
  const results = [];
  for (const d of dirs) results.push(await evaluate(d, haven, byKind));
  const rows = results.map((r) => ({ label: r.dir.split('/').pop(), n: r.n, seconds: r.seconds, stats: [r.engine, r.exact] }));
  if (results.length > 1) {
    rows.push({ label: 'pooled', n: results.reduce((s, r) => s + r.n, 0), seconds: results.reduce((s, r) => s + r.seconds, 0),
      stats: [concat(results, 'engine'), concat(results, 'exact')] });
  }
  const out = [];
  for (const row of rows) {
    const [eng, ex] = bootstrap(row.stats, B, row.label);
    out.push({ label: row.label, records: row.n, dedupSeconds: row.seconds, engine: eng, exact: ex });
  }
  if (json) {
    process.stdout.write(JSON.stringify(out, null, 1) + '\n');
    return;
  }
  console.log('| data | records | haven F1 [95% CI] | P / R | cluster F1 [95% CI] | closure F1 | exact F1 [95% CI] | exact P / R | F1 gain [95% CI] | dedup s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const o of out) {
    const e = o.engine;
    const x = o.exact;
    console.log(`| ${o.label} | ${o.records} | ${f(e.f1)} ${ci(e.f1CI)} | ${f(e.precision)} / ${f(e.recall)} | ${f(e.clusterF1)} ${ci(e.clusterF1CI)} | ${f(e.closureF1)} | ${f(x.f1)} ${ci(x.f1CI)} | ${f(x.precision)} / ${f(x.recall)} | ${f(e.f1 - x.f1)} ${ci(e.diffCI)} | ${o.dedupSeconds.toFixed(2)} |`);
  }
  for (const r of results) {
    if (!r.kinds) continue;
    console.log(`\n${r.dir.split('/').pop()}: recall of haven by variation kind (true pairs where either record has it)`);
    console.log('| kind | true pairs | found by haven |');
    console.log('|---|---|---|');
    for (const [k, [n, hit]] of r.kinds.recall) console.log(`| ${k} | ${n} | ${f(hit / n)} |`);
    const fp = r.kinds.fp;
    console.log(`false pairs: ${fp.household} within a household (family, brothers, twins), ${fp['same written name']} namesakes written the same, ${fp.other} other`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
