// The contract suite again with the baseline (no SIMD) build forced, as on a CPU
// whose engine rejects wasm SIMD. One process per test file, so the flag is ours.
import assert from 'node:assert/strict';
import { contractSuite } from '../../../tests/js/contract.mjs';

process.env.RUVECTOR_WASM_FORCE_BASELINE = '1';
contractSuite('@ruvector/wasm (baseline forced)', async () => {
  const m = await import('@ruvector/wasm');
  const r = await m.ready();
  assert.equal(r.backend, 'baseline');
  assert.equal(m.simdLevel(), 'scalar');
  assert.equal(m.detectSIMD(), false);
  return m;
});
