// compat: backends=native,wasm
// Pattern: a third-party semantic cache for LLM answers: look up the nearest cached
// prompt, use it when its distance is under a threshold, evict the oldest entries.
const assert = require('node:assert/strict');
const { VectorDb } = require('ruvector');

class SemanticCache {
  constructor(dimensions, { threshold = 0.05, capacity = 3 } = {}) {
    this.db = new VectorDb({ dimensions, distanceMetric: 'cosine' });
    this.threshold = threshold;
    this.capacity = capacity;
    this.order = [];
  }
  async get(embedding) {
    if (await this.db.isEmpty()) return null;
    const [best] = await this.db.search({ vector: embedding, k: 1, includeMetadata: true });
    return best && best.score <= this.threshold ? best.metadata.answer : null;
  }
  async set(key, embedding, answer) {
    await this.db.insert({ id: key, vector: embedding, metadata: { answer } });
    this.order.push(key);
    while (this.order.length > this.capacity) await this.db.delete(this.order.shift());
  }
}

async function main() {
  const cache = new SemanticCache(3);
  assert.equal(await cache.get([1, 0, 0]), null);
  await cache.set('q1', [1, 0, 0], 'answer one');
  await cache.set('q2', [0, 1, 0], 'answer two');
  assert.equal(await cache.get([0.99, 0.01, 0]), 'answer one');
  assert.equal(await cache.get([0.5, 0.5, 0]), null, 'too far from any cached prompt');
  await cache.set('q3', [0, 0, 1], 'answer three');
  await cache.set('q4', [0.6, 0, 0.8], 'answer four');
  assert.equal(await cache.db.len(), 3);
  assert.equal(await cache.db.get('q1'), null, 'the oldest entry was evicted');
  assert.equal(await cache.get([0, 0.98, 0.02]), 'answer two');
}
main().catch((e) => { console.error(e); process.exit(1); });
