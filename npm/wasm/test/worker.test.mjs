// @ruvector/wasm/worker in Node (worker_threads): the same API off the main thread,
// transferable buffers without detaching the caller's arrays, errors with .code,
// clean shutdown. (tests/browser/ runs the Web Worker variant in Chromium.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as wasm from '@ruvector/wasm';
import { createWorkerDb, WorkerVectorDb } from '@ruvector/wasm/worker';

async function rejects(fn, code, Ctor = Error) {
  let err;
  try { await fn(); } catch (e) { err = e; }
  assert.ok(err, `expected ${code}`);
  assert.ok(err instanceof Ctor, `${err.constructor.name}: ${err.message}`);
  assert.equal(err.code, code, err.message);
  return err;
}

describe('worker client (worker_threads)', () => {
  it('same results as an in-thread database', async () => {
    const w = await createWorkerDb({ dimensions: 16, metric: 'euclidean' });
    const local = new wasm.VectorDb({ dimensions: 16, metric: 'euclidean' });
    const data = Array.from({ length: 2000 }, (_, i) => ({
      id: `p${i}`, vector: Float32Array.from({ length: 16 }, (_, j) => Math.sin(i * 7 + j * 3)), metadata: { i, odd: i % 2 === 1 },
    }));
    const ids = await w.insertBatch(data);
    assert.equal(ids.length, 2000);
    await local.insertBatch(data);
    for (const v of data.slice(0, 3)) assert.equal(v.vector.length, 16, 'caller arrays are not detached');
    const q = { vector: data[5].vector, k: 7, includeVector: true, includeMetadata: true, filter: { odd: true } };
    assert.deepEqual(await w.search(q), await local.search(q));
    assert.deepEqual(await w.searchBatch([q, { vector: data[9].vector, k: 2 }]), await local.searchBatch([q, { vector: data[9].vector, k: 2 }]));
    assert.deepEqual(await w.get('p3'), await local.get('p3'));
    assert.equal(await w.get('nope'), null);
    assert.equal(await w.delete('p3'), true);
    assert.equal(await w.len(), 1999);
    assert.equal(await w.isEmpty(), false);
    assert.equal(w.dimensions, 16);
    const rt = await w.runtime();
    assert.equal(rt.version, wasm.version());
    // Snapshot out of the worker, into this thread, and back into another worker.
    const bytes = await w.serialize();
    const here = await wasm.VectorDb.deserialize(bytes);
    assert.equal(await here.len(), 1999);
    const w2 = await WorkerVectorDb.deserialize(await here.serialize());
    assert.deepEqual(await w2.search(q), await here.search(q));
    await Promise.all([w.close(), w2.close(), local.close(), here.close()]);
  });

  it('errors keep their class and .code', async () => {
    const w = await createWorkerDb({ dimensions: 3 });
    await rejects(() => w.insert({ vector: [1, 2] }), 'DIMENSION_MISMATCH', RangeError);
    await rejects(() => w.insert({ vector: 'x' }), 'INVALID_ARGUMENT', TypeError);
    await rejects(() => w.search({ vector: [1, 2, 3], k: 1, filter: { a: { $nope: 1 } } }), 'INVALID_ARGUMENT', RangeError);
    await rejects(() => w.insertBatch([{ vector: [1, 2, 3] }, { vector: [1, NaN, 3] }]), 'INVALID_ARGUMENT');
    assert.equal(await w.len(), 0, 'the failed batch wrote nothing');
    await rejects(() => createWorkerDb({ dimensions: 0 }), 'INVALID_ARGUMENT', RangeError);
    await rejects(() => WorkerVectorDb.deserialize(new Uint8Array([1, 2, 3])), 'CORRUPTION');
    await w.close();
  });

  it('close() terminates the worker; later calls reject', async () => {
    const w = new WorkerVectorDb({ dimensions: 2 }, { backend: 'baseline' });
    assert.equal((await w.runtime()).backend, 'baseline', 'the variant can be forced per worker');
    await w.insert({ id: 'a', vector: [1, 2] });
    await w.close();
    await w.close();
    await rejects(() => w.len(), 'INVALID_ARGUMENT');
  });
});
