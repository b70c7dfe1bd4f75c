// ESM entry: the same module as index.js (one native binary, one class).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('./index.js');

export const VectorDb = core.VectorDb;
export const VectorDB = core.VectorDB;
export const JsDistanceMetric = core.JsDistanceMetric;
export const CollectionManager = core.CollectionManager;
export const version = core.version;
export const simdLevel = core.simdLevel;
export const hello = core.hello;
export const getHealth = core.getHealth;
export const getMetrics = core.getMetrics;
/** Absolute path of the native binary that was loaded. */
export const binaryPath = core.binaryPath;
export default core;
