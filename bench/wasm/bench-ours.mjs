// Child process of bench.mjs: @ruvector/wasm with one module variant (argv[2]:
// 'simd' | 'baseline'), on the same data; prints one JSON result line.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { data, sweep, M, K, DIM } from './bench.mjs';

const require = createRequire(import.meta.url);
const backend = process.argv[2];
const EF_CONSTRUCTION = Number(process.argv[3]);
const wasm = await import('@ruvector/wasm');
wasm.setBackend(backend);
const rt = await wasm.ready();
if (rt.backend !== backend) throw new Error(`wanted ${backend}, loaded ${rt.backend}`);

const hnsw = { m: M, efConstruction: EF_CONSTRUCTION };
const db = new wasm.VectorDb({ dimensions: DIM, metric: 'euclidean', hnswConfig: hnsw });
const entries = data.map((vector, i) => ({ id: String(i), vector }));
// CPU time of this process (see bench.mjs: the machine is shared).
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let t0 = cpuMs();
await db.insertBatch(entries);
const insertMs = cpuMs() - t0;

// Single awaited inserts too (the per-call path), on a part of the data.
const single = new wasm.VectorDb({ dimensions: DIM, metric: 'euclidean', hnswConfig: hnsw });
const NS = Math.min(5000, data.length);
t0 = cpuMs();
for (let i = 0; i < NS; i++) await single.insert({ id: String(i), vector: data[i] });
const singleMs = cpuMs() - t0;
await single.close();

let ef = 64;
const s = await sweep((e) => { ef = e; }, async (q) => (await db.search({ vector: q, k: K, efSearch: ef })).map((h) => Number(h.id)));
const file = require.resolve(`@ruvector/wasm/${backend === 'simd' ? 'ruvector-simd' : 'ruvector'}.wasm`);
const bytes = fs.readFileSync(file);
process.stdout.write(JSON.stringify({
  name: `@ruvector/wasm ${wasm.version()} (${backend})`,
  index: `HNSW m=${M} efC=${EF_CONSTRUCTION}, ${rt.simdLevel}`,
  efc: EF_CONSTRUCTION,
  insertPerSec: data.length / (insertMs / 1000),
  singleInsertPerSec: NS / (singleMs / 1000),
  search: s,
  size: { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length },
}) + '\n');
await db.close();
