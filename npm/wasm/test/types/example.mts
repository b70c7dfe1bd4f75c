// Compiled with `tsc --noEmit -p test/types` by test/types.test.mjs: the public types
// accept the documented usage and reject obvious misuse (@ts-expect-error lines).
import { VectorDb, VectorDB, version, simdLevel, detectSIMD, benchmark, listIndexedDB, deleteIndexedDB, setBackend,
  type SearchResult, type RuvectorError, type IndexedDBManifest } from '@ruvector/wasm';
import { createWorkerDb, WorkerVectorDb } from '@ruvector/wasm/worker';

async function main(): Promise<void> {
  setBackend('auto');
  const db = new VectorDb({ dimensions: 3, distanceMetric: 'Cosine', hnswConfig: { m: 16, efSearch: 64 } });
  const legacy = new VectorDB(3, 'euclidean', false);
  const id: string = await db.insert({ vector: new Float32Array([1, 2, 3]), metadata: { tag: 'a', n: 1 } });
  await legacy.insert([1, 2, 3], 'x', { a: 1 });
  const ids: string[] = await db.insertBatch([{ id: 7, vector: [1, 0, 0] }, { vector: [0, 1, 0] }]);
  const hits: SearchResult[] = await db.search({ vector: [1, 0, 0], k: 5, filter: { tag: { $in: ['a', 'b'] } }, includeMetadata: true });
  const first: number = hits[0].score;
  const legacyHits = await legacy.search([1, 2, 3], 1);
  const rec = await db.get(id);
  if (rec) { const v: Float32Array = rec.vector; void v; }
  const bytes: Uint8Array = await db.serialize();
  const copy = await VectorDb.deserialize(bytes);
  const m: IndexedDBManifest = await copy.saveToIndexedDB('docs');
  const again = await VectorDb.loadFromIndexedDB('docs');
  const all = await listIndexedDB();
  await deleteIndexedDB(m.name);
  const ops: number = await benchmark('search', 100, 32);
  const simd: boolean = detectSIMD();
  const level: 'simd128' | 'scalar' = simdLevel();
  const w = await createWorkerDb({ dimensions: 3 });
  const wh: SearchResult[] = await w.search({ vector: [1, 2, 3], k: 1 });
  await w.close();
  const w2 = new WorkerVectorDb({ dimensions: 3 }, { backend: 'baseline' });
  await w2.close();
  try {
    await db.insert({ vector: [1] });
  } catch (e) {
    const code = (e as RuvectorError).code;
    if (code === 'DIMENSION_MISMATCH') { /* expected */ }
  }
  // @ts-expect-error: the vector is required
  await db.insert({ id: 'x' });
  // @ts-expect-error: metadata is an object or its JSON text, not a number
  await db.insert({ vector: [1, 2, 3], metadata: 42 });
  // @ts-expect-error: storage backends are not selectable by index
  new VectorDb({ dimensions: 3, index: 'ivf' });
  void [ids, first, legacyHits, again, all, ops, simd, level, wh, version()];
  await db.close();
}
void main;
