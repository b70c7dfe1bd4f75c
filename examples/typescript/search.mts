// A typed `ruvector` program: type-checked in CI with `tsc --noEmit -p examples/typescript`
// (strict mode, types resolved through the package's "exports" map), and compiled and
// run by the packaging test. In your project:
//   npm install ruvector && npx tsc -p . && node search.mjs
import { VectorDb, getBackend, ready } from 'ruvector';
import type { BackendInfo, Filter, Metadata, RuvectorError, SearchResult } from 'ruvector';

/** What we store with each vector: a plain JSON object. */
interface Article extends Metadata {
  title: string;
  topic: 'databases' | 'graphics' | 'networks';
  year: number;
}

const TOPICS = ['databases', 'graphics', 'networks'] as const;

// Deterministic "embeddings": each topic has its own direction, plus noise.
function embed(topic: number, seed: number): Float32Array {
  let s = (seed * 2654435761) >>> 0;
  const rnd = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296 - 0.5;
  };
  const v = new Float32Array(32);
  for (let i = 0; i < v.length; i++) v[i] = rnd() * 0.3 + (i % TOPICS.length === topic ? 1 : 0);
  return v;
}

const info: BackendInfo = await ready();
console.log(`backend ${info.name} (${info.reason}), simd ${info.simdLevel}, engine ${info.version}`);

const db = new VectorDb({ dimensions: 32, metric: 'cosine' });
const articles: Article[] = Array.from({ length: 300 }, (_, i) => ({
  title: `article ${i}`,
  topic: TOPICS[i % 3],
  year: 2000 + (i % 25),
}));
const ids: string[] = await db.insertBatch(articles.map((metadata, i) => ({ id: `a${i}`, vector: embed(i % 3, i), metadata })));
console.log(`inserted ${ids.length} articles; the database holds ${await db.len()}`);

// Recent articles closest to a "graphics" query.
const recent: Filter = { year: { $gte: 2020 } };
const hits: SearchResult[] = await db.search({ vector: embed(1, 100_000), k: 5, filter: recent, includeMetadata: true });
for (const h of hits) {
  const a = h.metadata as Article;
  console.log(`${h.id.padEnd(5)} ${a.topic.padEnd(10)} ${a.year}  distance ${h.score.toFixed(3)}`);
}
if (hits.some((h) => (h.metadata as Article).topic !== 'graphics' || (h.metadata as Article).year < 2020)) {
  throw new Error('expected recent graphics articles only');
}

// Errors carry a stable code.
try {
  await db.insert({ vector: [1, 2, 3] });
} catch (e) {
  const err = e as RuvectorError;
  console.log(`wrong length -> ${err.code}`);
  if (err.code !== 'DIMENSION_MISMATCH') throw e;
}

// Snapshots move a database between backends (and the C++ tool, and browsers).
const bytes: Uint8Array = await db.serialize();
const copy = await VectorDb.deserialize(bytes);
console.log(`snapshot: ${bytes.byteLength} bytes, copy holds ${await copy.len()} articles; backend ${getBackend().name}`);
await Promise.all([db.close(), copy.close()]);
