// The shared JS contract suite (tests/js/contract.mjs) against @ruvector/wasm in Node,
// with the module variant the loader picks (simd128 on any CPU with SSE4.1).
import { contractSuite } from '../../../tests/js/contract.mjs';

contractSuite('@ruvector/wasm', async () => {
  const m = await import('@ruvector/wasm');
  await m.ready();
  return m;
});
