// Memory is managed for the user: 10,000 create/insert/search/drop cycles must not
// grow the WebAssembly memory beyond a small bound, with close() (deterministic)
// and without it (the FinalizationRegistry frees what the garbage collector drops).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as wasm from '@ruvector/wasm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const tick = () => new Promise((r) => setImmediate(r));

const DIM = 32;
const vectors = Array.from({ length: 8 }, (_, i) => Float32Array.from({ length: DIM }, (_, j) => Math.sin(i * 31 + j) + 1.5));
const metadata = { tag: 'cycle', n: [1, 2, 3], s: 'x'.repeat(100) };

async function cycle(close) {
  const db = new wasm.VectorDb({ dimensions: DIM });
  await db.insertBatch(vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata })));
  await db.insert({ vector: vectors[0], metadata });
  const hits = await db.search({ vector: vectors[3], k: 3, includeMetadata: true, includeVector: true, filter: { tag: 'cycle' } });
  assert.equal(hits.length, 3);
  await db.get('v1');
  await db.delete('v2');
  if (close) await db.close();
}

test('10,000 cycles with close(): WebAssembly memory stays flat', async () => {
  await wasm.ready();
  for (let i = 0; i < 200; i++) await cycle(true);  // warm up allocator pools
  const before = wasm.memoryBytes();
  for (let i = 0; i < 10_000; i++) await cycle(true);
  const after = wasm.memoryBytes();
  assert.ok(after - before <= 2 << 20, `memory grew from ${before} to ${after} bytes`);
});

test('10,000 cycles without close(): the FinalizationRegistry frees dropped databases', async () => {
  await wasm.ready();
  for (let i = 0; i < 200; i++) await cycle(false);
  gc();
  for (let i = 0; i < 5; i++) await tick();
  const before = wasm.memoryBytes();
  for (let i = 0; i < 10_000; i++) {
    await cycle(false);
    if (i % 250 === 249) {
      gc();
      await tick();  // finalization callbacks run as separate tasks
    }
  }
  gc();
  for (let i = 0; i < 5; i++) await tick();
  const after = wasm.memoryBytes();
  // One undropped database here is ~40 KB; 10,000 of them would be ~400 MB.
  assert.ok(after - before <= 16 << 20, `memory grew from ${before} to ${after} bytes`);
});
