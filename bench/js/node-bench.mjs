// Node benchmark: @ruvector/core (this repository, loaded from npm/core by path)
// against hnswlib-node, usearch and the reference system's @ruvector/core 0.1.32
// (installed here under the alias ruvector-reference-core).
//
//   cd bench/js && npm ci && npm rebuild hnswlib-node usearch --foreground-scripts
//   node node-bench.mjs [--n 20000] [--queries 1000] [--single 2000] [--out ../../docs/bench-node.md]
//
// One run, same data and parameters for everyone: fashion-mnist-784 (Debian's
// dataset-fashion-mnist, read with zlib) or --data clustered (synthetic 128-d, fixed
// seed); L2; HNSW M=16, efConstruction=100. Each library runs in its own child
// process (so peak RSS is its own). Measured: batch insert, single insert, awaited
// sequential search QPS and batch search QPS over an efSearch sweep with recall@10
// against brute force (computed here in JS), peak RSS, binary size. Only measured
// numbers are written.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rng } from '../../tests/js/rng.mjs';  // mulberry32, the suites' seeded generator

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const K = 10;
const M = 16;
const EF_CONSTRUCTION = 100;
const EF_SWEEP = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];
const LIBS = ['ruvector', 'hnswlib-node', 'usearch', 'reference'];

// ---------------- data ----------------

function readIdx(file) {
  const buf = zlib.gunzipSync(fs.readFileSync(file));
  const count = buf.readUInt32BE(4);
  const dim = buf.readUInt32BE(8) * buf.readUInt32BE(12);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = buf[16 + i] / 255;
  return { count, dim, data: out };
}


function clustered(n, dim, seed) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: 64 }, () => Float32Array.from({ length: dim }, () => gauss() * 4));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centers[Math.floor(r() * centers.length)];
    for (let j = 0; j < dim; j++) out[i * dim + j] = c[j] + gauss();
  }
  return out;
}

function loadDataset(kind, n, q) {
  if (kind === 'fashion-mnist') {
    const dir = '/usr/share/datasets/fashion-mnist';
    const train = readIdx(path.join(dir, 'train-images-idx3-ubyte.gz'));
    const test = readIdx(path.join(dir, 't10k-images-idx3-ubyte.gz'));
    const dim = train.dim;
    return {
      short: `fashion-mnist-784, ${n} vectors`,
      name: `fashion-mnist-784 (first ${n} of ${train.count} train images as the base, first ${q} test images as queries; pixels / 255)`,
      dim,
      base: train.data.slice(0, n * dim),
      queries: test.data.slice(0, q * dim),
    };
  }
  const dim = 128;
  const all = clustered(n + q, dim, 42);
  return {
    short: `clustered 128-d, ${n} vectors`,
    name: `clustered synthetic 128-d (64 Gaussian clusters, seed 42; ${n} base, ${q} queries)`,
    dim,
    base: all.slice(0, n * dim),
    queries: all.slice(n * dim),
  };
}

function groundTruth(base, queries, dim, k) {
  const n = base.length / dim;
  const q = queries.length / dim;
  const gt = new Int32Array(q * k);
  const dist = new Float64Array(n);
  const order = new Int32Array(n);
  for (let qi = 0; qi < q; qi++) {
    const qo = qi * dim;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const bo = i * dim;
      for (let j = 0; j < dim; j++) {
        const d = base[bo + j] - queries[qo + j];
        s += d * d;
      }
      dist[i] = s;
      order[i] = i;
    }
    // partial selection of the k smallest
    const top = [];
    for (let i = 0; i < n; i++) {
      if (top.length < k) {
        top.push(i);
        top.sort((a, b) => dist[a] - dist[b] || a - b);
      } else if (dist[i] < dist[top[k - 1]]) {
        top[k - 1] = i;
        top.sort((a, b) => dist[a] - dist[b] || a - b);
      }
    }
    gt.set(top, qi * k);
  }
  return gt;
}

// ---------------- per-library adapters (run in a child process) ----------------

const now = () => performance.now();

async function makeAdapter(lib, dim, tmp) {
  if (lib === 'ruvector') {
    const core = require(path.join(root, 'npm', 'core'));
    return {
      version: `${core.version()} (${core.simdLevel()})`,
      binary: core.binaryPath,
      async create() {
        this.db = new core.VectorDb({ dimensions: dim, metric: 'euclidean', hnswConfig: { m: M, efConstruction: EF_CONSTRUCTION } });
      },
      async insertBatch(base, n) {
        const entries = new Array(n);
        for (let i = 0; i < n; i++) entries[i] = { id: String(i), vector: base.subarray(i * dim, (i + 1) * dim) };
        await this.db.insertBatch(entries);
      },
      async insertOne(vec, i) {
        await this.db.insert({ id: String(i), vector: vec });
      },
      async setEf(ef) {
        this.ef = ef;
      },
      async search(vec) {
        const hits = await this.db.search({ vector: vec, k: K, efSearch: this.ef });
        return hits.map((h) => Number(h.id));
      },
      async searchOneViaPool(vec) {
        const [hits] = await this.db.searchBatch([{ vector: vec, k: K, efSearch: this.ef }]);
        return hits.map((h) => Number(h.id));
      },
      async searchBatch(queries, q) {
        const qs = new Array(q);
        for (let i = 0; i < q; i++) qs[i] = { vector: queries.subarray(i * dim, (i + 1) * dim), k: K, efSearch: this.ef };
        const lists = await this.db.searchBatch(qs);
        return lists.map((l) => l.map((h) => Number(h.id)));
      },
    };
  }
  if (lib === 'hnswlib-node') {
    const { HierarchicalNSW } = require('hnswlib-node');
    const pkgDir = pkgDirOf('hnswlib-node');
    return {
      version: pkgVersion('hnswlib-node'),
      binary: path.join(pkgDir, 'build', 'Release', 'addon.node'),
      needsArrays: true, // its API takes number[] only; conversion is done before the timers
      async create(maxElements) {
        this.ix = new HierarchicalNSW('l2', dim);
        this.ix.initIndex(maxElements, M, EF_CONSTRUCTION, 100);
      },
      async insertBatch(_base, n, arrays) {
        for (let i = 0; i < n; i++) this.ix.addPoint(arrays[i], i);
      },
      async insertOne(arr, i) {
        this.ix.addPoint(arr, i);
      },
      async setEf(ef) {
        this.ix.setEf(ef);
      },
      async search(arr) {
        return this.ix.searchKnn(arr, K).neighbors;
      },
    };
  }
  if (lib === 'usearch') {
    const usearch = require('usearch');
    const pkgDir = pkgDirOf('usearch');
    const bin = [path.join(pkgDir, 'build', 'Release', 'usearch.node'), ...findNode(path.join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`))].find((f) => fs.existsSync(f));
    const config = (ef) => ({ dimensions: dim, metric: 'l2sq', connectivity: M, expansion_add: EF_CONSTRUCTION, expansion_search: ef });
    return {
      version: pkgVersion('usearch'),
      binary: bin,
      async create() {
        this.ix = new usearch.Index(config(64));
      },
      async insertBatch(base, n) {
        const keys = new BigUint64Array(n);
        for (let i = 0; i < n; i++) keys[i] = BigInt(i);
        this.ix.add(keys, base.subarray(0, n * dim), 0);
      },
      async insertOne(vec, i) {
        this.ix.add(BigInt(i), vec, 1);
      },
      async setEf(ef) {
        // expansion_search is fixed at construction: reload the saved index with the new setting.
        const file = path.join(tmp, 'usearch.idx');
        if (!this.saved) {
          this.ix.save(file);
          this.saved = true;
        }
        this.ix = new usearch.Index(config(ef));
        this.ix.load(file);
      },
      async search(vec) {
        return Array.from(this.ix.search(vec, K, 1).keys, Number);
      },
      async searchBatch(queries, q) {
        const m = this.ix.search(queries.subarray(0, q * dim), K, 0);
        const out = [];
        for (let i = 0; i < q; i++) out.push(Array.from(m.keys.subarray(i * K, (i + 1) * K), Number));
        return out;
      },
    };
  }
  if (lib === 'reference') {
    const ref = require('ruvector-reference-core');
    const platformPkg = pkgDirOf('ruvector-core-linux-x64-gnu');
    let n = 0;
    return {
      version: `@ruvector/core ${pkgVersion('ruvector-reference-core')} (engine ${ref.version()})`,
      binary: findNode(platformPkg)[0],
      fixedEf: true, // per-query efSearch is ignored by the reference (docs/migration.md)
      async create() {
        // It has no in-memory mode; give it its own file (its default ./ruvector.db is shared).
        this.db = new ref.VectorDb({
          dimensions: dim, distanceMetric: 'Euclidean', storagePath: path.join(tmp, `ref-${n++}.db`),
          hnswConfig: { m: M, efConstruction: EF_CONSTRUCTION, efSearch: this.ef ?? 64, maxElements: 100000 },
        });
      },
      async insertBatch(base, cnt) {
        const entries = new Array(cnt);
        for (let i = 0; i < cnt; i++) entries[i] = { id: String(i), vector: base.slice(i * dim, (i + 1) * dim) };
        await this.db.insertBatch(entries);
      },
      async insertOne(vec, i) {
        await this.db.insert({ id: String(i), vector: vec.slice() });
      },
      async setEf(ef) {
        this.ef = ef;
      },
      async search(vec) {
        const hits = await this.db.search({ vector: vec, k: K, efSearch: this.ef });
        return hits.map((h) => Number(h.id));
      },
    };
  }
  throw new Error(`unknown library ${lib}`);
}

function pkgDirOf(name) {
  return path.join(here, 'node_modules', name);
}
function pkgVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(pkgDirOf(name), 'package.json'), 'utf8')).version;
}
// Peak resident set of this process (VmHWM resets at exec, unlike getrusage's maxrss,
// which a spawned child inherits from its parent).
function peakRssMB() {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s*(\d+)\s*kB/);
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

function findNode(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    if (f.isDirectory()) out.push(...findNode(p));
    else if (f.name.endsWith('.node')) out.push(p);
  }
  return out;
}

function recallOf(lists, gt) {
  let hit = 0;
  for (let i = 0; i < lists.length; i++) {
    const want = new Set(gt.subarray(i * K, (i + 1) * K));
    for (const id of lists[i].slice(0, K)) if (want.has(id)) hit++;
  }
  return hit / (lists.length * K);
}

async function runWorker(lib, dataFile, singleCount) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `rv-bench-${lib}-`));
  try {
    const raw = fs.readFileSync(dataFile);
    const hdr = new Uint32Array(raw.buffer, raw.byteOffset, 4);
    const [dim, n, q] = hdr;
    let off = raw.byteOffset + 16;
    const base = new Float32Array(raw.buffer.slice(off, off + n * dim * 4));
    off += n * dim * 4;
    const queries = new Float32Array(raw.buffer.slice(off, off + q * dim * 4));
    off += q * dim * 4;
    const gt = new Int32Array(raw.buffer.slice(off, off + q * K * 4));
    const a = await makeAdapter(lib, dim, tmp);
    let arrays = null;
    let qArrays = null;
    if (a.needsArrays) {
      arrays = Array.from({ length: n }, (_, i) => Array.from(base.subarray(i * dim, (i + 1) * dim)));
      qArrays = Array.from({ length: q }, (_, i) => Array.from(queries.subarray(i * dim, (i + 1) * dim)));
    }
    const qv = (i) => (qArrays ? qArrays[i] : queries.subarray(i * dim, (i + 1) * dim));
    globalThis.gc?.();
    const rssBaseline = peakRssMB() * 1048576; // the data as loaded (and converted) before any index exists
    const res = { lib, version: a.version, binary: a.binary, binaryBytes: a.binary && fs.existsSync(a.binary) ? fs.statSync(a.binary).size : null };

    // Batch insert (the whole base set).
    await a.create(n + singleCount);
    let maxGap = 0;
    let last = now();
    const ticker = setInterval(() => {
      const tn = now();
      maxGap = Math.max(maxGap, tn - last);
      last = tn;
    }, 1);
    let t = now();
    await a.insertBatch(base, n, arrays);
    res.batchInsertSec = (now() - t) / 1000;
    clearInterval(ticker);
    maxGap = Math.max(maxGap, now() - last);
    res.eventLoopMaxStallMs = maxGap;
    res.batchInsertPerSec = n / res.batchInsertSec;

    // Search: efSearch sweep; sequential (awaited for async APIs) and batch.
    res.sweep = [];
    const sweep = a.fixedEf ? [64, 256] : EF_SWEEP;
    let warm = false;
    for (const ef of sweep) {
      if (a.fixedEf && ef !== sweep[0]) {
        // The reference takes efSearch only at construction: rebuild for each point.
        await a.setEf(ef);
        await a.create(n);
        await a.insertBatch(base, n, arrays);
      } else {
        await a.setEf(ef);
      }
      if (!warm) {
        for (let i = 0; i < q; i++) await a.search(qv(i)); // warm-up pass (JIT, caches)
        warm = true;
      }
      // Best pass of at least two (more, up to 10, until 1 s was spent): the machine is
      // shared, so a pass can be slowed down by other processes.
      const lists = new Array(q);
      let seqSec = Infinity;
      let cpuSec = Infinity;
      let spent = 0;
      for (let pass = 0; pass < 10 && (pass < 2 || spent < 1); pass++) {
        const c0 = process.cpuUsage();
        t = now();
        for (let i = 0; i < q; i++) lists[i] = await a.search(qv(i));
        const sec = (now() - t) / 1000;
        const c = process.cpuUsage(c0);
        spent += sec;
        seqSec = Math.min(seqSec, sec);
        cpuSec = Math.min(cpuSec, (c.user + c.system) / 1e6);
      }
      // cpuQps: queries per CPU-second of this process (all its threads): less sensitive
      // to other processes on a loaded machine than wall-clock QPS.
      const point = { ef, recall: recallOf(lists, gt), seqQps: q / seqSec, cpuQps: q / cpuSec };
      if (a.searchBatch) {
        let batchSec = Infinity;
        let bl;
        let spentB = 0;
        for (let pass = 0; pass < 10 && (pass < 2 || spentB < 1); pass++) {
          t = now();
          bl = await a.searchBatch(queries, q);
          const sec = (now() - t) / 1000;
          spentB += sec;
          batchSec = Math.min(batchSec, sec);
        }
        point.batchQps = q / batchSec;
        point.batchRecall = recallOf(bl, gt);
      }
      res.sweep.push(point);
      if (!a.fixedEf && point.recall >= 0.999) break;
    }

    // The cost of a thread-pool hop: the same awaited loop through searchBatch([q])
    // (one pool round trip per query) against search(q) (settled on the JS thread).
    if (a.searchOneViaPool) {
      await a.setEf(32);
      const passes = { sync: Infinity, pool: Infinity };
      for (let pass = 0; pass < 3; pass++) {
        t = now();
        for (let i = 0; i < q; i++) await a.search(qv(i));
        passes.sync = Math.min(passes.sync, (now() - t) / 1000);
        t = now();
        for (let i = 0; i < q; i++) await a.searchOneViaPool(qv(i));
        passes.pool = Math.min(passes.pool, (now() - t) / 1000);
      }
      res.hop = { ef: 32, syncQps: q / passes.sync, poolQps: q / passes.pool };
    }

    // Single inserts into a fresh index (awaited one by one for async APIs).
    const singles = Math.min(singleCount, n);
    await a.create(singles);
    t = now();
    for (let i = 0; i < singles; i++) await a.insertOne(arrays ? arrays[i] : base.subarray(i * dim, (i + 1) * dim), i);
    res.singleInsertPerSec = singles / ((now() - t) / 1000);
    res.singleCount = singles;

    res.peakRssMB = peakRssMB();
    res.baselineRssMB = rssBaseline / 1048576;
    return res;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------- orchestration and report ----------------

function machine() {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
  return { cpu, cores: os.cpus().length, memGiB: (os.totalmem() / 2 ** 30).toFixed(0), node: process.version, date: new Date().toISOString() };
}
const uptime = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();

function at(res, target, key = 'seqQps') {
  const p = res.sweep.find((s) => s.recall >= target);
  return p ? { ...p, qps: p[key] } : null;
}

const fmt = (x, d = 0) => (x == null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const ratio = (a, b) => (a == null || b == null ? '–' : `${(a / b).toFixed(2)}×`);

function header(meta, runs) {
  const L = [];
  L.push('# Node benchmark: @ruvector/core against hnswlib-node, usearch and the reference system');
  L.push('');
  L.push(`Written by \`bench/js/node-bench.mjs\` (one run, ${meta.machine.date}). Machine: ${meta.machine.cpu}, ${meta.machine.cores} cores, ${meta.machine.memGiB} GiB; Node ${meta.machine.node}.`);
  L.push(`Load before the run: \`${meta.loadBefore}\`; after: \`${meta.loadAfter}\`. The machine is shared with other engineers\' builds; a load average above the number of cores means other processes competed for the CPUs throughout, so absolute numbers are low and noisy. The ratios come from the same run, library after library.`);
  L.push('');
  L.push(`Same data and parameters for everyone: L2 distance, k = ${K}, HNSW M = ${M}, efConstruction = ${EF_CONSTRUCTION}. Recall@10 is measured against brute force computed in JS. Each library runs in its own process (peak RSS is its own VmHWM).`);
  L.push('');
  L.push('| library | version |');
  L.push('|---|---|');
  for (const r of runs[0].results) L.push(`| ${r.lib} | ${r.version} |`);
  L.push('');
  return L.join('\n');
}

function report(meta, ds, results) {
  const by = Object.fromEntries(results.map((r) => [r.lib, r]));
  const L = [];
  L.push(`## ${ds.short}`);
  L.push('');
  L.push(`Data: ${ds.name}.`);
  L.push('');
  L.push('### Summary');
  L.push('');
  L.push('| | ruvector | hnswlib-node | usearch | reference | vs hnswlib-node | vs usearch | vs reference |');
  L.push('|---|---|---|---|---|---|---|---|');
  const row = (label, get, d = 0) => {
    const v = LIBS.map((l) => (by[l] ? get(by[l]) : null));
    L.push(`| ${label} | ${v.map((x) => fmt(x, d)).join(' | ')} | ${ratio(v[0], v[1])} | ${ratio(v[0], v[2])} | ${ratio(v[0], v[3])} |`);
  };
  row('batch insert (vectors/s)', (r) => r.batchInsertPerSec);
  row('single insert, awaited (vectors/s)', (r) => r.singleInsertPerSec);
  for (const target of [0.95, 0.99]) {
    row(`sequential search QPS at recall@10 ≥ ${target}`, (r) => at(r, target)?.seqQps);
    row(`sequential search, queries per CPU-second, at recall@10 ≥ ${target}`, (r) => at(r, target)?.cpuQps);
    row(`batch search QPS at recall@10 ≥ ${target}`, (r) => at(r, target)?.batchQps);
  }
  row('peak RSS (MB)', (r) => r.peakRssMB);
  row('peak RSS above the loaded data (MB)', (r) => r.peakRssMB - r.baselineRssMB);
  row('binary size (MB)', (r) => (r.binaryBytes == null ? null : r.binaryBytes / 1048576), 2);
  L.push('');
  L.push('Sequential and batch QPS are the best pass over the queries (at least two passes, more until 1 s was spent, at most ten), after one warm-up pass. "Queries per CPU-second" divides the same sequential loop by the CPU time of the library\'s process (all threads) instead of wall time; on this loaded machine it is the steadier measure of work per query. Sequential search awaits every call (ruvector and the reference return Promises; hnswlib-node and usearch are synchronous). "Batch" is `searchBatch` (ruvector) or `search` with a query matrix on all threads (usearch); hnswlib-node has no batch search. hnswlib-node takes only `number[]`; the conversion is done before its timers. "At recall ≥ x" is the smallest efSearch of the sweep that reaches x (for batch QPS, the same efSearch). A – means the library never reached that recall in the sweep. The reference ignores per-query efSearch, so it was built twice, with its `hnswConfig.efSearch` at 64 and 256; it has no in-memory mode, so it wrote to its own temporary file.');
  L.push('');
  L.push('### efSearch sweep');
  L.push('');
  L.push('| library | efSearch | recall@10 | sequential QPS | queries per CPU-second | batch QPS |');
  L.push('|---|---|---|---|---|---|');
  for (const r of results) for (const p of r.sweep) L.push(`| ${r.lib} | ${p.ef} | ${p.recall.toFixed(4)} | ${fmt(p.seqQps)} | ${fmt(p.cpuQps)} | ${fmt(p.batchQps)} |`);
  L.push('');
  const ours = by.ruvector;
  if (ours?.hop) {
    L.push('### Threading (ruvector)');
    L.push('');
    L.push(`- Awaited \`search\` (settled on the JS thread): ${fmt(ours.hop.syncQps)} QPS; the same awaited loop through \`searchBatch([q])\` (one thread-pool round trip per query): ${fmt(ours.hop.poolQps)} QPS, at efSearch ${ours.hop.ef} (sync ÷ pool = ${ratio(ours.hop.syncQps, ours.hop.poolQps)}). The cheaper a single search, the more a round trip per call would cost; that is why small calls settle on the JS thread.`);
    L.push(`- Longest event-loop stall (a 1 ms interval timer) while \`insertBatch\` of ${fmt(by.ruvector.n ?? null)} vectors ran on the pool: ${fmt(ours.eventLoopMaxStallMs, 1)} ms (the batch took ${fmt(ours.batchInsertSec, 1)} s; the stall includes marshalling the entries on the JS thread).`);
    L.push('');
  }
  L.push('### Targets (issue 4)');
  L.push('');
  const s95 = (l) => at(by[l] ?? { sweep: [] }, 0.95)?.seqQps;
  const s99 = (l) => at(by[l] ?? { sweep: [] }, 0.99)?.seqQps;
  const c95 = (l) => at(by[l] ?? { sweep: [] }, 0.95)?.cpuQps;
  const c99 = (l) => at(by[l] ?? { sweep: [] }, 0.99)?.cpuQps;
  const cpuNote = (peer) => ` [per CPU-second: 0.95 → ${ratio(c95('ruvector'), c95(peer))}, 0.99 → ${ratio(c99('ruvector'), c99(peer))}]`;
  const check = (ok) => (ok == null ? 'not measured' : ok ? 'met' : '**not met**');
  const ge = (a, b, f = 1) => (a == null || b == null ? null : a >= f * b);
  const refBest = by.reference ? Math.max(...by.reference.sweep.map((p) => p.seqQps)) : null;
  const refRecall = by.reference ? Math.max(...by.reference.sweep.map((p) => p.recall)) : null;
  const oursAtRef = by.ruvector && refRecall != null ? at(by.ruvector, refRecall)?.seqQps : null;
  L.push(`- Awaited sequential search ≥ 1.0× hnswlib-node at equal recall: 0.95 → ${ratio(s95('ruvector'), s95('hnswlib-node'))}, 0.99 → ${ratio(s99('ruvector'), s99('hnswlib-node'))} (${check(ge(s95('ruvector'), s95('hnswlib-node')) && ge(s99('ruvector'), s99('hnswlib-node')))})${cpuNote('hnswlib-node')}`);
  L.push(`- Awaited sequential search ≥ 1.0× usearch at equal recall: 0.95 → ${ratio(s95('ruvector'), s95('usearch'))}, 0.99 → ${ratio(s99('ruvector'), s99('usearch'))} (${check(ge(s95('ruvector'), s95('usearch')) && ge(s99('ruvector'), s99('usearch')))})${cpuNote('usearch')}`);
  L.push(`- Sequential search ≥ 10× the reference: the reference's best point is recall ${refRecall?.toFixed(4)} at ${fmt(refBest)} QPS; ruvector at recall ≥ that: ${fmt(oursAtRef)} QPS → ${ratio(oursAtRef, refBest)} (${check(ge(oursAtRef, refBest, 10))})`);
  const fasterPeer = Math.max(by['hnswlib-node']?.batchInsertPerSec ?? 0, by.usearch?.batchInsertPerSec ?? 0) || null;
  L.push(`- Batch insert ≥ 1.0× the faster of hnswlib-node/usearch: ${ratio(by.ruvector?.batchInsertPerSec, fasterPeer)} (${check(ge(by.ruvector?.batchInsertPerSec, fasterPeer))}); ≥ 50× the reference: ${ratio(by.ruvector?.batchInsertPerSec, by.reference?.batchInsertPerSec)} (${check(ge(by.ruvector?.batchInsertPerSec, by.reference?.batchInsertPerSec, 50))})`);
  const bin = by.ruvector?.binaryBytes;
  if (meta.prebuiltBytes !== undefined) L.push(`- The .node binary ≤ 2 MB stripped: the prebuilt (stripped) binary is ${fmt(meta.prebuiltBytes / 1048576, 2)} MB (${check(meta.prebuiltBytes != null ? meta.prebuiltBytes <= 2 * 1048576 : null)}); the unstripped build that ran is ${fmt(bin / 1048576, 2)} MB`);
  L.push('');
  return L.join('\n');
}

async function main() {
  const worker = arg('worker');
  if (worker) {
    const res = await runWorker(worker, arg('data'), Number(arg('single', '2000')));
    process.stdout.write(`\n@@RESULT ${JSON.stringify(res)}\n`);
    return;
  }
  if (args.includes('--report-only')) {
    // Rewrites the report (and the README tables) from last-run.json, without measuring.
    const last = JSON.parse(fs.readFileSync(path.join(here, 'last-run.json'), 'utf8'));
    const runs = last.runs.map((r) => ({
      ds: { name: r.dataset, short: r.short ?? `${r.dataset.startsWith('fashion') ? 'fashion-mnist-784' : 'clustered 128-d'}, ${r.results[0].n} vectors` },
      results: r.results,
    }));
    const md = [header(last.meta, runs), ...runs.map((r, i) => report(i === 0 ? last.meta : { ...last.meta, prebuiltBytes: undefined }, r.ds, r.results))].join('\n');
    const out = arg('out', path.join(root, 'docs', 'bench-node.md'));
    fs.writeFileSync(out, md + '\n');
    updateReadme(md, last.meta);
    return;
  }
  if (args.includes('--readme-only')) {
    // Re-copy the tables of the last run into the README.
    const last = JSON.parse(fs.readFileSync(path.join(here, 'last-run.json'), 'utf8'));
    updateReadme(fs.readFileSync(arg('out', path.join(root, 'docs', 'bench-node.md')), 'utf8'), last.meta);
    return;
  }
  const n = Number(arg('n', '20000'));
  const q = Number(arg('queries', '1000'));
  const single = Number(arg('single', '2000'));
  const kinds = arg('data-set', 'fashion-mnist,clustered').split(',');
  const out = arg('out', path.join(root, 'docs', 'bench-node.md'));
  const libs = (arg('libs', LIBS.join(','))).split(',');
  const loadBefore = uptime();
  const runs = [];
  for (const kind of kinds) runs.push(await runDataset(kind, n, q, single, libs));
  const prebuilt = findNode(path.join(root, 'npm', 'core', 'prebuilds'))[0];
  const meta = { machine: machine(), loadBefore, loadAfter: uptime(), prebuiltBytes: prebuilt ? fs.statSync(prebuilt).size : null };
  const md = [header(meta, runs), ...runs.map((r, i) => report(i === 0 ? meta : { ...meta, prebuiltBytes: undefined }, r.ds, r.results))].join('\n');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, md + '\n');
  updateReadme(md, meta);
  fs.writeFileSync(path.join(here, 'last-run.json'), JSON.stringify({ meta, runs: runs.map((r) => ({ dataset: r.ds.name, short: r.ds.short, results: r.results })) }, null, 2) + '\n');
  console.log(md);
}

// Copies each dataset's summary table into npm/core/README.md between the bench markers.
function updateReadme(md, meta) {
  const readme = path.join(root, 'npm', 'core', 'README.md');
  if (!fs.existsSync(readme)) return;
  const text = fs.readFileSync(readme, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  const parts = [];
  const lines = md.split('\n');
  for (let k = 0; k < lines.length; k++) {
    if (!lines[k].startsWith('## ')) continue;
    parts.push(`**${lines[k].slice(3)}**`, '');
    const at = lines.indexOf('### Summary', k);
    let m = at + 2;
    while (m < lines.length && lines[m].startsWith('|')) parts.push(lines[m++]);
    parts.push('');
  }
  const when = `Measured ${meta.machine.date.slice(0, 10)} on ${meta.machine.cpu}, ${meta.machine.cores} cores (shared and loaded: \`${meta.loadBefore.replace(/.*load average: /, 'load average ')}\`).`;
  fs.writeFileSync(readme, text.slice(0, i + start.length) + '\n' + when + '\n\n' + parts.join('\n') + text.slice(j));
}

async function runDataset(kind, n, q, single, libs) {
  console.error(`loading ${kind} (n=${n}, queries=${q}) ...`);
  const ds = loadDataset(kind, n, q);
  let t = now();
  const gt = groundTruth(ds.base, ds.queries, ds.dim, K);
  console.error(`ground truth in ${((now() - t) / 1000).toFixed(1)} s`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-bench-'));
  const dataFile = path.join(tmp, 'data.bin');
  const hdr = Buffer.from(new Uint32Array([ds.dim, n, q, K]).buffer);
  fs.writeFileSync(dataFile, Buffer.concat([hdr, Buffer.from(ds.base.buffer), Buffer.from(ds.queries.buffer), Buffer.from(gt.buffer)]));
  const results = [];
  try {
    for (const lib of libs) {
      console.error(`== ${lib}`);
      t = now();
      const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--worker', lib, '--data', dataFile, '--single', String(single)], {
        encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = (r.stdout || '').split('\n').find((l) => l.startsWith('@@RESULT '));
      if (r.status !== 0 || !line) {
        console.error(`${lib} failed (status ${r.status}):\n${r.stdout}`);
        continue;
      }
      const res = JSON.parse(line.slice(9));
      console.error(`   ${((now() - t) / 1000).toFixed(0)} s: batch ${fmt(res.batchInsertPerSec)}/s, single ${fmt(res.singleInsertPerSec)}/s, ` +
        res.sweep.map((p) => `ef${p.ef}:${p.recall.toFixed(3)}@${fmt(p.seqQps)}`).join(' '));
      results.push(res);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const r of results) r.n = n;
  return { ds, results };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
