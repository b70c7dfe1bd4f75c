// What the contract's default result shape costs: awaited single searches (k = 10) over
// 20,000 clustered 128-d vectors with small metadata, on the native addon and the wasm
// build, in four shapes:
//   slim      {includeMetadata: false}            id, score, distance (vector unread)
//   default   {}                                  + metadata (the default)
//   read      {} and every hit's .vector read     + one vector read per hit
//   eager     {includeVector: true}               vectors fetched with the search
// Target (issue 11): default within 5% of slim. Prints a Markdown table; with --write FILE
// the table replaces the "Result shape" section of that file.
//   node bench/js/result-shape.mjs [--n 20000] [--queries 3000] [--write docs/bench-node.md]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('--n', 20000));
const Q = Number(arg('--queries', 2000));
const DIM = 128;
// Rounds of the four shapes back to back; a ratio is the median over rounds of the shape's
// QPS over the slim QPS of the same round, so a slow or lucky round (other work on a shared
// machine) moves both sides of one ratio instead of one side of the result.
const ROUNDS = Number(arg('--rounds', 11));

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function clustered(n, seed) {
  const r = rng(seed);
  const centres = Array.from({ length: 32 }, () => Float32Array.from({ length: DIM }, () => r() * 2 - 1));
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(r() * centres.length)];
    return Float32Array.from(c, (x) => x + (r() - 0.5) * 0.3);
  });
}

const data = clustered(N, 7);
const queries = clustered(Q, 99);

async function measure(VectorDb) {
  const db = new VectorDb({ dimensions: DIM });
  await db.insertBatch(data.map((vector, i) => ({ id: `v${i}`, vector, metadata: { i, tag: i % 7 === 0 ? 'seven' : 'other' } })));
  const shapes = {
    slim: { q: { includeMetadata: false }, read: false },
    default: { q: {}, read: false },
    read: { q: {}, read: true },
    eager: { q: { includeVector: true }, read: false },
  };
  const qpsByRound = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, s] of Object.entries(shapes)) {
      const t0 = process.cpuUsage();
      let sink = 0;
      for (const vector of queries) {
        const hits = await db.search({ vector, k: 10, ...s.q });
        if (s.read) for (const h of hits) sink += h.vector[0];
        sink += hits.length;
      }
      const cpu = process.cpuUsage(t0);
      const qps = Q / ((cpu.user + cpu.system) / 1e6);
      (qpsByRound[name] ??= []).push(qps);
      if (sink === 0) throw new Error('no hits');
    }
  }
  await db.close();
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const out = {};
  for (const name of Object.keys(shapes)) {
    out[name] = {
      qps: median(qpsByRound[name]),
      ratio: median(qpsByRound[name].map((q, r) => q / qpsByRound.slim[r])),
    };
  }
  return out;
}

const rows = [];
for (const [face, load] of [
  ['@ruvector/core (native)', () => require(path.join(root, 'npm/core'))],
  ['@ruvector/wasm', async () => { const w = require(path.join(root, 'npm/wasm')); await w.ready(); return w; }],
]) {
  const m = await load();
  const r = await measure(m.VectorDb);
  const cell = (name) => `${Math.round(r[name].qps)} (${r[name].ratio.toFixed(3)}×)`;
  rows.push(`| ${face} | ${Math.round(r.slim.qps)} | ${cell('default')} | ${cell('read')} | ${cell('eager')} |`);
}

const cpu = os.cpus()[0] ? os.cpus()[0].model : 'unknown CPU';
const table = [
  `Awaited single searches, k = 10, ${N.toLocaleString('en')} clustered ${DIM}-d vectors with metadata, ` +
  `${Q} queries a pass, ${ROUNDS} rounds of the four shapes back to back, CPU-time QPS (${cpu}, ${os.cpus().length} vCPU, load ${os.loadavg()[0].toFixed(1)}). ` +
  'QPS is the median over rounds; a ratio is the median over rounds of the shape against the slim call of the same face in the same round.',
  '',
  '| face | slim QPS (`includeMetadata: false`) | default QPS (metadata) | default + every `.vector` read | `includeVector: true` |',
  '|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(table);

const out = arg('--write', null);
if (out) {
  const heading = '## Result shape: what the default costs';
  let text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  const start = text.indexOf(heading);
  const section = `${heading}\n\n${table}\n`;
  if (start < 0) {
    text = text.trimEnd() + '\n\n' + section;
  } else {
    const next = text.indexOf('\n## ', start + heading.length);
    text = text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1));
  }
  fs.writeFileSync(out, text);
}
