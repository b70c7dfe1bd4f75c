// compat: backends=native
// Pattern: two modules of one application each create their own VectorDb on the same
// storagePath (the reference shares one store per path inside a process).
import assert from 'node:assert/strict';
import core from '@ruvector/core';

const { VectorDb } = core;

const options = { dimensions: 2, storagePath: './shared-store' };
const writer = new VectorDb(options);
const reader = new VectorDb(options);
await writer.insert({ id: 'w1', vector: new Float32Array([1, 0]) });
assert.equal(await reader.len(), 1, 'the second handle sees the first handle\'s write');
await reader.insert({ id: 'r1', vector: new Float32Array([0, 1]) });
assert.equal(await writer.len(), 2);
assert.equal((await writer.search({ vector: new Float32Array([0, 1]), k: 1 }))[0].id, 'r1');
