// Type-checked (not run) by test/types.test.mjs with `tsc --noEmit`.
import { VectorDb, VectorDB, JsDistanceMetric, version, simdLevel, type SearchResult, type RuvectorError } from '@ruvector/core';

async function main(): Promise<void> {
  const db = new VectorDb({ dimensions: 3, distanceMetric: 'Cosine', hnswConfig: { m: 16, efConstruction: 100, efSearch: 64 } });
  const id: string = await db.insert({ vector: new Float32Array([1, 2, 3]), metadata: { tag: 'a', n: 1, nested: { ok: true } } });
  const ids: string[] = await db.insertBatch([{ id: 7, vector: [3, 2, 1] }, { vector: [1, 1, 1], metadata: null }]);
  const hits: SearchResult[] = await db.search({ vector: [1, 2, 3], k: 2, efSearch: 32, filter: { tag: { $in: ['a', 'b'] }, $or: [{ n: { $gte: 1 } }] }, includeMetadata: true });
  for (const h of hits) {
    const s: number = h.score;
    const v: Float32Array | undefined = h.vector;
    console.log(h.id, s, v, h.metadata?.tag);
  }
  const batch: SearchResult[][] = await db.searchBatch([{ vector: [1, 0, 0], k: 1 }]);
  const rec = await db.get(id);
  if (rec !== null) console.log(rec.vector.length, rec.metadata);
  const removed: boolean = await db.delete(ids[0]);
  const n: number = await db.len();
  const empty: boolean = await db.isEmpty();
  const bytes: Uint8Array = await db.serialize();
  const copy: VectorDb = await VectorDB.deserialize(bytes);
  const info = await copy.info();
  const metric: 'euclidean' | 'cosine' | 'dot' | 'manhattan' = info.metric;
  const durable = await VectorDb.open({ storagePath: '/tmp/x', dimensions: 3, readOnly: false, distanceMetric: JsDistanceMetric.DotProduct });
  await durable.close();
  try {
    await db.search({ vector: [1, 2], k: 1 });
  } catch (e) {
    const code: string = (e as RuvectorError).code;
    console.log(code);
  }
  console.log(batch, removed, n, empty, metric, version(), simdLevel());
  await db.close();
  // Metadata may also be JSON text (programs written for the reference's @ruvector/core).
  await db.insert({ vector: [1, 2, 3], metadata: '{"a":1}' });
  const d: number = hits[0].distance;
  const c: number = await db.count();
  console.log(d, c);
  // @ts-expect-error metadata must be an object or its JSON text
  await db.insert({ vector: [1, 2, 3], metadata: 42 });
  // @ts-expect-error the vector is required
  await db.search({ k: 3 });
}
void main;
