// The reference system's conveniences (test/surface.mjs) through `ruvector` with
// RUVECTOR_BACKEND=native (node --test runs each file in its own process).
process.env.RUVECTOR_BACKEND = 'native';

const { surfaceSuite } = await import('./surface.mjs');
const { createRequire } = await import('node:module');
const rv = createRequire(import.meta.url)('ruvector');

await rv.ready();
surfaceSuite(rv, 'native');
