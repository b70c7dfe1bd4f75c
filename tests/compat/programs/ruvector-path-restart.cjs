// compat: backends=native
// Pattern: a service keeps its vectors at `path` and is restarted (the reference's
// issue #30: search after restart). The first run writes and exits without closing;
// the second run, a new process, finds everything.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { VectorDb } = require('ruvector');

const phase = process.argv[2] || 'main';
const open = () => new VectorDb({ dimension: 3, metric: 'euclidean', path: './service-store' });

async function write() {
  const db = open();
  await db.insertBatch([
    { id: 'origin', vector: [0, 0, 0], metadata: { label: 'o' } },
    { id: 'x', vector: [1, 0, 0], metadata: { label: 'x' } },
    { id: 'far', vector: [9, 9, 9] },
  ]);
  assert.equal(await db.len(), 3);
}

async function read() {
  const db = open();
  assert.equal(await db.len(), 3);
  const [hit] = await db.search({ vector: [0.9, 0.1, 0], k: 1 });
  assert.equal(hit.id, 'x');
  assert.ok(Math.abs(hit.score - Math.hypot(0.1, 0.1)) < 1e-5, `euclidean distance, got ${hit.score}`);
  assert.deepEqual((await db.get('origin')).metadata, { label: 'o' });
}

async function main() {
  if (phase === 'write') return write();
  if (phase === 'read') return read();
  for (const step of ['write', 'read']) {
    const r = spawnSync(process.execPath, [__filename, step], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${step}: ${r.stderr}`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
