// Quantized recall on the wasm build, beside the native addon on the same data:
// recall@10 against brute force for none / int8 (rescore 3, 0) / binary (rescore 5, 3, 0)
// on fashion-mnist-784 (euclidean), clustered-128 and clustered-768 (cosine; 100 Gaussian
// clusters, centres uniform in [-1, 1], spread 0.15, as bench/quant_bench.cpp, with this
// script's own seeded generator), HNSW M=16 efConstruction=40, efSearch 100.
//
//   node tests/wasm/quant-recall.mjs [--quick] [--check] [--write FILE] [--memory]
//     --quick   2,000 base vectors per set, 50 queries (the make test run, ~1 min)
//     --check   exit 1 unless every wasm recall is within 0.02 of the native one
//     --memory  also: 100,000 x 768 binary database with dropped floats (floats: 'drop'),
//               inserted in batches of 10,000: the WebAssembly memory after the build
// Full size: 10,000 base vectors per set, 100 queries. The native addon is npm/core
// (skipped, and said so, when it is not built).
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rng } from '../js/contract.mjs';  // mulberry32, the suites' seeded generator

const here = path.dirname(fileURLToPath(import.meta.url));
const wasm = await import(path.resolve(here, '../../npm/wasm/src/node.mjs'));
const require = createRequire(import.meta.url);
let core = null;
try {
  core = require(path.resolve(here, '../../npm/core'));
} catch (e) {
  console.error(`native addon not built (${String(e.message).split('\n')[0]}): wasm only`);
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const check = args.includes('--check');
const memory = args.includes('--memory');
const writeAt = args.indexOf('--write');
const NB = quick ? 2000 : 10000;
const NQ = quick ? 50 : 100;
const K = 10;
const HNSW = { m: 16, efConstruction: 40, efSearch: 100 };

function gauss(r) {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}
function clustered(n, dim, seed) {
  const r = rng(seed);
  const centres = Array.from({ length: 100 }, () => Float32Array.from({ length: dim }, () => 2 * r() - 1));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * 100)];
    return Float32Array.from({ length: dim }, (_, j) => c[j] + 0.15 * gauss(r));
  });
}
function fashion(train, n) {
  const file = `/usr/share/datasets/fashion-mnist/${train ? 'train' : 't10k'}-images-idx3-ubyte.gz`;
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  return Array.from({ length: n }, (_, i) => Float32Array.from(bytes.subarray(16 + i * 784, 16 + (i + 1) * 784)));
}

function distance(metric, a, b) {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    if (metric === 'euclidean') s += (a[i] - b[i]) ** 2;
    else { s += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  }
  return metric === 'euclidean' ? s : 1 - s / Math.sqrt(na * nb);
}
function truth(base, queries, metric) {
  return queries.map((q) => base.map((v, i) => [distance(metric, q, v), i]).sort((x, y) => x[0] - y[0]).slice(0, K).map((p) => String(p[1])));
}

async function recall(face, set, quantization, rescores) {
  const db = new face.VectorDb({ dimensions: set.base[0].length, metric: set.metric, quantization, hnswConfig: HNSW, threads: 1 });
  await db.insertBatch(set.base.map((vector, i) => ({ id: String(i), vector })));
  const out = [];
  for (const rescore of rescores) {
    let hit = 0;
    for (let q = 0; q < set.queries.length; q++) {
      const hits = await db.search({ vector: set.queries[q], k: K, rescore });
      const want = new Set(set.truth[q]);
      hit += hits.filter((h) => want.has(h.id)).length;
    }
    out.push(hit / (K * set.queries.length));
  }
  await db.close();
  return out;
}

const sets = [];
if (fs.existsSync('/usr/share/datasets/fashion-mnist')) {
  sets.push({ name: 'fashion-mnist-784', metric: 'euclidean', base: fashion(true, NB), queries: fashion(false, NQ) });
} else {
  console.error('fashion-mnist is not installed (apt-get install dataset-fashion-mnist): skipped');
}
for (const dim of [128, 768]) {
  const all = clustered(NB + NQ, dim, dim === 128 ? 128128 : 768768);
  sets.push({ name: `clustered-${dim}`, metric: 'cosine', base: all.slice(0, NB), queries: all.slice(NB) });
}
const modes = [['none', [undefined], ['f32']], ['int8', [3, 0], ['int8 rescore 3', 'int8 (no re-rank)']],
  ['binary', [5, 3, 0], ['binary rescore 5', 'binary rescore 3', 'binary (no re-rank)']]];

const rt = await wasm.ready();
const lines = [`Recall@10 (efSearch 100, M=16, efConstruction=40), ${NB} base vectors and ${NQ} queries per set; ` +
  `@ruvector/wasm ${wasm.version()} (${rt.backend}, ${rt.simdLevel}) beside the native addon on the same data.`, '',
  '| set | mode | wasm | native | wasm − native |', '|---|---|---|---|---|'];
let worst = 0;
for (const set of sets) {
  set.truth = truth(set.base, set.queries, set.metric);
  for (const [q, rescores, names] of modes) {
    const w = await recall(wasm, set, q, q === 'none' ? [undefined] : rescores);
    const n = core ? await recall(core, set, q, q === 'none' ? [undefined] : rescores) : null;
    for (let i = 0; i < names.length; i++) {
      const diff = n ? w[i] - n[i] : NaN;
      if (n) worst = Math.max(worst, Math.abs(diff));
      lines.push(`| ${set.name} | ${names[i]} | ${w[i].toFixed(3)} | ${n ? n[i].toFixed(3) : 'n/a'} | ${n ? diff.toFixed(3) : 'n/a'} |`);
    }
  }
}

if (memory) {
  const N = 100_000, DIM = 768, BATCH = 10_000;
  const before = wasm.memoryBytes();
  const db = new wasm.VectorDb({ dimensions: DIM, metric: 'cosine', quantization: 'binary', floats: 'drop', hnswConfig: HNSW });
  const r = rng(7);
  const centres = Array.from({ length: 100 }, () => Float32Array.from({ length: DIM }, () => 2 * r() - 1));
  let peakJs = 0;
  for (let b = 0; b < N; b += BATCH) {
    const batch = Array.from({ length: BATCH }, (_, i) => {
      const c = centres[Math.floor(r() * 100)];
      return { id: `v${b + i}`, vector: Float32Array.from({ length: DIM }, (_, j) => c[j] + 0.15 * gauss(r)) };
    });
    await db.insertBatch(batch);
    peakJs = Math.max(peakJs, process.memoryUsage().heapUsed);
  }
  const info = await db.info();
  lines.push('', `100,000 x 768 binary, floats 'drop', inserted in batches of 10,000 (Node ${process.version}): ` +
    `WebAssembly memory ${(wasm.memoryBytes() / 2 ** 20).toFixed(1)} MiB (was ${(before / 2 ** 20).toFixed(1)} MiB before), ` +
    `info().memoryBytes ${(info.memoryBytes / 2 ** 20).toFixed(1)} MiB (codes ${(info.memory.codes / 2 ** 20).toFixed(1)}, ` +
    `floats ${(info.memory.floats / 2 ** 20).toFixed(1)}, graph ${(info.memory.graph / 2 ** 20).toFixed(1)}, ids ${(info.memory.ids / 2 ** 20).toFixed(1)}), ` +
    `JS heap peak ${(peakJs / 2 ** 20).toFixed(1)} MiB.`);
  await db.close();
}

const text = lines.join('\n') + '\n';
process.stdout.write(text);
if (writeAt >= 0) fs.writeFileSync(args[writeAt + 1], text);
if (check && core && worst > 0.02) {
  console.error(`wasm recall differs from native by up to ${worst.toFixed(3)} (> 0.02)`);
  process.exit(1);
}
