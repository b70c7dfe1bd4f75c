// Durable storage from Node: the LMDB write lock across processes (LOCKED), close()
// releasing it, read-only opens beside a writer, and acknowledged writes surviving
// kill -9.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { VectorDb } = require('..');
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Runs `code` in a child Node process with `core` = this package; returns its stdout as JSON.
function child(code) {
  const src = `const core = require(${JSON.stringify(pkgDir)}); (async () => { ${code} })()
    .then((v) => { process.stdout.write(JSON.stringify(v ?? null)); process.exit(0); },
          (e) => { process.stdout.write(JSON.stringify({ error: e.code, message: e.message })); process.exit(0); });`;
  const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('durable storage', () => {
  let dir;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-durable-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second writer in another process gets LOCKED; after close() it opens', async () => {
    const p = path.join(dir, 'locked');
    const db = await VectorDb.open({ dimensions: 4, storagePath: p });
    await db.insert({ id: 'a', vector: [1, 2, 3, 4] });
    const open = `const db = await core.VectorDb.open({ storagePath: ${JSON.stringify(p)} }); const n = await db.len(); await db.close(); return { n };`;
    const r = child(open);
    assert.equal(r.error, 'LOCKED', JSON.stringify(r));
    assert.match(r.message, /lock|open/i);
    // The constructor form reports the same error on the first call.
    const r2 = child(`const db = new core.VectorDb({ storagePath: ${JSON.stringify(p)} }); return { n: await db.len() };`);
    assert.equal(r2.error, 'LOCKED');
    // Read-only opens work beside the writer.
    const ro = child(`const db = await core.VectorDb.open({ storagePath: ${JSON.stringify(p)}, readOnly: true });
      const hits = await db.search({ vector: [1, 2, 3, 4], k: 1 });
      let write; try { await db.insert({ vector: [1, 1, 1, 1] }); } catch (e) { write = e.code; }
      await db.close(); return { id: hits[0].id, write };`);
    assert.deepEqual(ro, { id: 'a', write: 'UNSUPPORTED' });
    // In this process a second handle shares the store (as the reference's handles do): it
    // sees the first handle's writes and its own are seen by the first.
    const second = await VectorDb.open({ storagePath: p });
    assert.equal(await second.len(), 1);
    await second.insert({ id: 'b', vector: [4, 3, 2, 1] });
    assert.deepEqual(Array.from((await db.get('b')).vector), [4, 3, 2, 1]);
    assert.equal(await second.delete('b'), true);
    await second.close();
    assert.equal(await db.len(), 1, 'closing one handle leaves the other open');
    await db.close();
    assert.deepEqual(child(open), { n: 1 });
    const again = await VectorDb.open({ storagePath: p });
    assert.equal(await again.len(), 1);
    await again.close();
  });

  it('acknowledged writes survive kill -9 of the writer', async () => {
    const p = path.join(dir, 'killed');
    const src = `const core = require(${JSON.stringify(pkgDir)});
      (async () => {
        const db = await core.VectorDb.open({ dimensions: 8, storagePath: ${JSON.stringify(p)} });
        for (let i = 0; ; i++) {
          const v = new Float32Array(8).fill(i + 1); v[0] = 1;
          await (i % 10 === 9 ? db.insertBatch([{ id: 'b' + i, vector: v }, { id: 'c' + i, vector: v }]) : db.insert({ id: 'k' + i, vector: v, metadata: { i } }));
          process.stdout.write(i + '\\n');
        }
      })();`;
    const proc = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = -1;
    let buf = '';
    await new Promise((resolve) => {
      proc.stdout.on('data', (d) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop();
        if (lines.length) acked = Number(lines[lines.length - 1]);
        if (acked >= 150) {
          proc.kill('SIGKILL');
          resolve();
        }
      });
      proc.on('exit', resolve);
    });
    await new Promise((r) => (proc.exitCode !== null || proc.signalCode ? r() : proc.on('exit', r)));
    const db = await VectorDb.open({ storagePath: p });
    for (let i = 0; i <= acked; i++) {
      const ids = i % 10 === 9 ? [`b${i}`, `c${i}`] : [`k${i}`];
      for (const id of ids) assert.ok(await db.get(id), `acknowledged ${id} lost (acked up to ${acked})`);
    }
    const n = await db.len();
    assert.ok(n >= acked + 1, `${n} entries`);
    // The reopened index answers searches (rebuilt or loaded, never trusted blindly).
    const hits = await db.search({ vector: new Float32Array(8).fill(5).fill(1, 0, 1), k: 3 });
    assert.equal(hits.length, 3);
    await db.close();
  });

  it('the index image is stored at close and loaded at reopen', async () => {
    const p = path.join(dir, 'image');
    const db = await VectorDb.open({ dimensions: 8, storagePath: p });
    await db.insertBatch(Array.from({ length: 500 }, (_, i) => ({ id: `i${i}`, vector: new Float32Array(8).fill(i + 1) })));
    await db.close();
    const again = await VectorDb.open({ storagePath: p });
    assert.equal((await again.info()).indexSource, 'image');
    assert.equal(await again.len(), 500);
    await again.close();
  });

  it('open errors are thrown by the constructor, deterministically (also right after close())', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'not a database');
    assert.throws(() => new VectorDb({ dimensions: 3, storagePath: file }), (e) => typeof e.code === 'string' && e.code !== 'OK');
    // Options contradicting the stored settings: the constructor throws INVALID_ARGUMENT every
    // time, whether the earlier handle has finished closing or not.
    const p = path.join(dir, 'settings');
    for (let round = 0; round < 20; round++) {
      const db = await VectorDb.open({ dimensions: 8, storagePath: p });
      await db.insert({ id: `r${round}`, vector: new Float32Array(8).fill(round + 1) });
      const closing = round % 2 === 0 ? db.close() : null;
      if (closing === null) await db.close();
      assert.throws(() => new VectorDb({ dimensions: 9, storagePath: p }),
        (e) => e.code === 'INVALID_ARGUMENT' && /9/.test(e.message) && /8/.test(e.message), `round ${round}`);
      await closing;
    }
    const reopened = await VectorDb.open({ storagePath: p });
    assert.equal(await reopened.len(), 20, 'the failed opens changed nothing');
    await reopened.close();
  });
});
