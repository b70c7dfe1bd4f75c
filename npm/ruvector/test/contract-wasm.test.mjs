// The shared contract suite (tests/js/contract.mjs) and the facade tests against
// `ruvector` with RUVECTOR_BACKEND=wasm (node --test runs each file in its own process).
process.env.RUVECTOR_BACKEND = 'wasm';

const { contractSuite } = await import('../../../tests/js/contract.mjs');
const { facadeSuite } = await import('./facade.mjs');
const { createRequire } = await import('node:module');
const rv = createRequire(import.meta.url)('ruvector');

contractSuite('ruvector (RUVECTOR_BACKEND=wasm)', async () => {
  await rv.ready();
  return rv;
});
facadeSuite(rv, 'wasm');
