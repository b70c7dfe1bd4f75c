// Writes the reference-system database files in tests/data/reference/ (see README.md).
//
//   node make-fixtures.cjs <new-core-dir> <old-core-dir> <out-dir> [name]
//
// <new-core-dir>: a folder with the registry's @ruvector/core 0.1.32 installed;
// <old-core-dir>: one with @ruvector/core 0.1.15 (writes no config table).
// Each database is made by its own child process (the reference keeps one handle per
// path for the life of a process and holds an exclusive flock on the file). For every
// <name>.redb the expected contents go to <name>.expected.json:
//   { dimensions, metric|null, config: bool, hnsw|null, records: [[id, gen, metadata|null], ...],
//     acknowledged?: n }
// where the vector of a record is vec(gen, dimensions) below, so the C++ test recomputes it.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawnSync, spawn } = require('child_process');

// Exactly representable in float32: small integers / 8, never an all-zero vector.
function vec(gen, dims) {
  const v = new Float32Array(dims);
  for (let j = 0; j < dims; ++j) v[j] = (((gen * 31 + j * 7 + 3) % 97) - 48) / 8;
  return v;
}

const fixtures = {
  // The small example: cosine, 3-d, metadata, an upsert without metadata (keeps the old
  // row), a delete, unicode ids and metadata.
  'cosine-3d': { core: 'new', async run(core, file) {
    const db = new core.VectorDb({ dimensions: 3, distanceMetric: 'Cosine', storagePath: file });
    const recs = new Map();
    const put = async (id, gen, meta) => {
      await db.insert({ id, vector: vec(gen, 3), ...(meta ? { metadata: JSON.stringify(meta) } : {}) });
      const old = recs.get(id);
      recs.set(id, [id, gen, meta || (old ? old[2] : null)]);
    };
    await put('a', 1, { k: 'v', n: 3, nested: { z: 1, a: [1, 2] } });
    await put('b', 2);
    await put('gone', 3, { x: 1 });
    await db.delete('gone'); recs.delete('gone');
    await put('a', 4);                      // vector replaced, metadata kept
    await put('ü-ñ 日本', 5, { 'naïve': 'café ☕', s: 'line\nbreak' });
    return { dimensions: 3, metric: 'cosine', config: true, hnsw: null, records: [...recs.values()] };
  } },
  // Two-level B-trees: 600 records in batches, metadata on every third, hnswConfig stored,
  // 50 deletes, 10 auto ids.
  'euclidean-8d-hnsw': { core: 'new', async run(core, file) {
    const hnsw = { m: 8, efConstruction: 50, efSearch: 30, maxElements: 5000 };
    const db = new core.VectorDb({ dimensions: 8, distanceMetric: 'Euclidean', storagePath: file, hnswConfig: hnsw });
    const recs = new Map();
    for (let b = 0; b < 3; ++b) {
      const batch = [];
      for (let i = b * 200; i < (b + 1) * 200; ++i) {
        const meta = i % 3 === 0 ? { i, tag: 't' + (i % 7), f: i / 4 } : null;
        batch.push({ id: 'id-' + String(i).padStart(5, '0'), vector: vec(i, 8), ...(meta ? { metadata: JSON.stringify(meta) } : {}) });
        recs.set('id-' + String(i).padStart(5, '0'), ['id-' + String(i).padStart(5, '0'), i, meta]);
      }
      await db.insertBatch(batch);
    }
    for (let i = 0; i < 600; i += 12) { await db.delete('id-' + String(i).padStart(5, '0')); recs.delete('id-' + String(i).padStart(5, '0')); }
    for (let i = 1000; i < 1010; ++i) { const id = await db.insert({ vector: vec(i, 8) }); recs.set(id, [id, i, null]); }
    return { dimensions: 8, metric: 'euclidean', config: true,
             hnsw: { m: 8, ef_construction: 50, ef_search: 30, max_elements: 5000 }, records: [...recs.values()] };
  } },
  // Order-1 leaves (a 1000-d vector is 4,003 bytes) under a branch root.
  'dot-1000d': { core: 'new', async run(core, file) {
    const db = new core.VectorDb({ dimensions: 1000, distanceMetric: 'DotProduct', storagePath: file });
    const recs = [];
    const batch = [];
    for (let i = 0; i < 120; ++i) { batch.push({ id: 'v' + i, vector: vec(i, 1000) }); recs.push(['v' + i, i, null]); }
    await db.insertBatch(batch);
    return { dimensions: 1000, metric: 'dot', config: true, hnsw: null, records: recs };
  } },
  // Order-2 leaves (a 2048-d vector is 8,195 bytes), quantization stored in the config.
  'manhattan-2048d': { core: 'new', async run(core, file) {
    const db = new core.VectorDb({ dimensions: 2048, distanceMetric: 'Manhattan', storagePath: file,
                                   quantization: { type: 'scalar' } });
    const recs = [];
    for (let i = 0; i < 5; ++i) {
      await db.insert({ id: 'm' + i, vector: vec(i, 2048), metadata: JSON.stringify({ i }) });
      recs.push(['m' + i, i, { i }]);
    }
    return { dimensions: 2048, metric: 'manhattan', config: true, hnsw: null, records: recs };
  } },
  // An empty database (created, nothing inserted).
  'empty-4d': { core: 'new', async run(core, file) {
    const db = new core.VectorDb({ dimensions: 4, distanceMetric: 'Euclidean', storagePath: file });
    await db.len();
    return { dimensions: 4, metric: 'euclidean', config: true, hnsw: null, records: [] };
  } },
  // An older release: tables vectors + metadata only, no config (metric not stored).
  // 0.1.15 accepts metadata but never stores it: its metadata table stays empty.
  'noconfig-16d': { core: 'old', async run(core, file) {
    const db = new core.VectorDB({ dimensions: 16, distanceMetric: 'Euclidean', storagePath: file });
    const recs = [];
    for (let i = 0; i < 40; ++i) {
      const meta = i % 2 ? { i, odd: true } : null;
      await db.insert({ id: 'old-' + i, vector: vec(i, 16), ...(meta ? { metadata: JSON.stringify(meta) } : {}) });
      recs.push(['old-' + i, i, null]);
    }
    return { dimensions: 16, metric: null, config: false, hnsw: null, records: recs };
  } },
};

function loadCore(dir, which) {
  if (which === 'old') return require(path.join(dir, 'node_modules/@ruvector/core/native/linux-x64/index.cjs'));
  return require(path.join(dir, 'node_modules/@ruvector/core'));
}

// Killed writer: single inserts in a loop, SIGKILL after ~120 acknowledged ones. The file
// holds every acknowledged insert and at most the one in flight.
async function killed(newDir, out) {
  const file = path.join(out, 'killed-8d.redb');
  fs.rmSync(file, { force: true });
  const child = spawn(process.execPath, [__filename, '--child-loop', newDir, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let acked = 0, buf = '';
  await new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      buf += d; const lines = buf.split('\n'); buf = lines.pop();
      for (const l of lines) if (l.startsWith('ack ')) acked = Math.max(acked, Number(l.slice(4)) + 1);
      if (acked >= 120) child.kill('SIGKILL');
    });
    child.on('exit', resolve);
  });
  const recs = [];
  for (let i = 0; i < acked; ++i) recs.push(['k' + i, i, null]);
  fs.writeFileSync(path.join(out, 'killed-8d.expected.json'),
    JSON.stringify({ dimensions: 8, metric: 'euclidean', config: true, hnsw: null, records: recs, acknowledged: acked, killed: true }));
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [, dir, name, file] = args;
    const f = fixtures[name];
    const expected = await f.run(loadCore(dir, f.core), file);
    fs.writeFileSync(file.replace(/\.redb$/, '.expected.json'), JSON.stringify(expected));
    process.exit(0);  // the reference never closes its handle; exit like a program does
  }
  if (args[0] === '--child-loop') {
    const [, dir, file] = args;
    const core = loadCore(dir, 'new');
    const db = new core.VectorDb({ dimensions: 8, distanceMetric: 'Euclidean', storagePath: file });
    for (let i = 0; ; ++i) { await db.insert({ id: 'k' + i, vector: vec(i, 8) }); process.stdout.write('ack ' + i + '\n'); }
  }
  const [newDir, oldDir, out, only] = args;
  for (const name of Object.keys(fixtures)) {
    if (only && only !== name) continue;
    const file = path.join(out, name + '.redb');
    fs.rmSync(file, { force: true });
    const dir = fixtures[name].core === 'old' ? oldDir : newDir;
    const r = spawnSync(process.execPath, [__filename, '--child', dir, name, file], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(name + ' failed');
  }
  if (!only || only === 'killed-8d') await killed(newDir, out);
}
main().catch((e) => { console.error(e); process.exit(1); });
