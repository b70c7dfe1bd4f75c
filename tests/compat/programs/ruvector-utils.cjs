// compat: backends=native,wasm
// Pattern: downstream packages using ruvector's Utils for their own scoring.
const assert = require('node:assert/strict');
const { Utils } = require('ruvector');

const a = [1, 2, 3];
const b = [2, 4, 6];
assert.ok(Math.abs(Utils.cosineSimilarity(a, b) - 1) < 1e-12);
assert.ok(Math.abs(Utils.cosineSimilarity([1, 0], [0, 1])) < 1e-12);
assert.equal(Utils.euclideanDistance([1, 1], [4, 5]), 5);
const n = Utils.normalize([0, 3, 4]);
assert.deepEqual(n, [0, 0.6, 0.8]);
const r = Utils.randomVector(32);
assert.equal(r.length, 32);
assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-9);
// A length mismatch is an error that names the dimensions.
assert.throws(() => Utils.cosineSimilarity([1, 2], [1, 2, 3]), (e) => /dimension/.test(e.message) && /2/.test(e.message) && /3/.test(e.message));
assert.throws(() => Utils.euclideanDistance([1, 2, 3, 4], [1]), /dimension/);
