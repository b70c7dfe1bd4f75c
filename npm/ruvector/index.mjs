// ESM entry for Node: the same module instance as require('ruvector') (index.js), so
// importing and requiring share one backend choice and one engine.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const rv = require('./index.js');

export const {
  VectorDb, VectorDB, ClusterVectorDb, version, simdLevel, getBackend, ready, capabilities,
  getImplementationType, isNative, isWasm, isRvf, isNativeAvailable, getVersion, getBackendInfo,
  Utils, VectorIndex,
} = rv;
export default rv;
