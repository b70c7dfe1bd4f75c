// compat: backends=native,wasm
// Pattern: a "doctor" / startup log that reports which implementation ruvector uses.
const assert = require('node:assert/strict');
const rv = require('ruvector');

const want = process.env.RUVECTOR_BACKEND;
const type = rv.getImplementationType();
assert.equal(type, want);
assert.equal(rv.isNative(), want === 'native');
assert.equal(rv.isWasm(), want === 'wasm');
assert.equal(rv.isRvf(), false);
assert.equal(rv.isNativeAvailable(), want === 'native');
const v = rv.getVersion();
assert.equal(v.implementation, type);
assert.match(v.version, /^\d+\.\d+\.\d+/);
const info = rv.getBackendInfo();
assert.equal(info.type, type);
assert.equal(info.version, v.version);
assert.ok(Array.isArray(info.features) && info.features.length > 0);
console.log(`ruvector ${v.version} (${info.type}): ${info.features.join(', ')}`);
