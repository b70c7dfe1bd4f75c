// compat: backends=native,wasm
// Pattern: a third-party agent "memory" module (RAG): text chunks with their source and
// a Date, recall by similarity within one source, results read .metadata and .distance,
// size reported with count().
import assert from 'node:assert/strict';
import { VectorDb } from 'ruvector';

// A toy bag-of-letters embedding, enough to make neighbours predictable.
function embed(text) {
  const v = new Array(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i] += 1;
  }
  return v;
}

class Memory {
  constructor() {
    this.db = new VectorDb({ dimension: 26, metric: 'cosine' });
  }
  async remember(id, text, source) {
    return this.db.insert({ id, vector: embed(text), metadata: { text, source, storedAt: new Date('2026-01-02T03:04:05Z') } });
  }
  async recall(query, source, k = 3) {
    const hits = await this.db.search({ vector: embed(query), k, filter: source ? { source } : undefined });
    return hits.map((h) => ({ id: h.id, text: h.metadata.text, when: h.metadata.storedAt, distance: h.distance }));
  }
  size() {
    return this.db.count();
  }
}

const m = new Memory();
await m.remember('m1', 'the cat sat on the mat', 'chat');
await m.remember('m2', 'quarterly revenue grew strongly', 'report');
await m.remember('m3', 'a cat and a hat', 'chat');
await m.remember('m4', '', 'chat'); // an empty message embeds to the zero vector
assert.equal(await m.size(), 4);
const got = await m.recall('the cat sat on a mat', 'chat', 2);
assert.equal(got[0].id, 'm1');
assert.equal(got[0].text, 'the cat sat on the mat');
assert.equal(got[0].when, '2026-01-02T03:04:05.000Z');
assert.ok(got[0].distance <= got[1].distance);
assert.deepEqual((await m.recall('revenue', 'report', 3)).map((h) => h.id), ['m2']);
