// Does a 100,000 x 768 binary database with dropped floats fit in a browser tab?
// Headless Debian Chromium (playwright-core from npm/wasm, pages served by
// examples/browser/serve.mjs): the page builds the database with @ruvector/wasm
// (simd128), quantization 'binary', floats 'drop', cosine, M=16 efConstruction=40, from
// 10 batches of 10,000 vectors generated in the page (100 Gaussian clusters, centres
// uniform in [-1, 1], spread 0.15), then reports the WebAssembly memory, the JS heap
// (CDP Performance.getMetrics) and info(). Prints one line; exit 1 when wasm memory +
// JS heap >= 200 MB (--check). Takes minutes (not in make test): `node tests/wasm/tab-memory.mjs`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../examples/browser/serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { chromium } = createRequire(path.join(repo, 'npm/wasm/package.json'))('playwright-core');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const N = Number(process.env.TAB_N || 100_000);
const BATCH = 10_000;

const server = await startServer();
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-tab-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await context.newPage();
  page.setDefaultTimeout(0);
  await page.goto(`${server.url}/tests/browser/harness.html`);
  await page.waitForFunction(() => window.harnessReady === true);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const t0 = Date.now();
  const r = await page.evaluate(async ({ N, BATCH }) => {
    const { VectorDb, ready, memoryBytes } = window.rv;
    const rt = await ready();
    let a = 7 >>> 0;
    const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
    const DIM = 768;
    const centres = Array.from({ length: 100 }, () => Float32Array.from({ length: DIM }, () => 2 * rnd() - 1));
    const db = new VectorDb({ dimensions: DIM, metric: 'cosine', quantization: 'binary', floats: 'drop', hnswConfig: { m: 16, efConstruction: 40 } });
    let peakWasm = 0;
    for (let b = 0; b < N; b += BATCH) {
      const batch = [];
      for (let i = 0; i < BATCH; i++) {
        const c = centres[Math.floor(rnd() * 100)];
        const v = new Float32Array(DIM);
        for (let j = 0; j < DIM; j++) v[j] = c[j] + 0.15 * gauss();
        batch.push({ id: `v${b + i}`, vector: v });
      }
      await db.insertBatch(batch);
      peakWasm = Math.max(peakWasm, memoryBytes());
    }
    const info = await db.info();
    // Still answers: a stored vector's neighbourhood.
    const hits = await db.search({ vector: centres[3], k: 10 });
    return { rt, wasm: memoryBytes(), peakWasm, info, hits: hits.length };
  }, { N, BATCH });
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const mib = (x) => (x / 2 ** 20).toFixed(1);
  const total = r.wasm + metrics.JSHeapUsedSize;
  console.log(`Chromium ${context.browser()?.version() ?? ''} headless, @ruvector/wasm (${r.rt.backend}), ${N} x 768 binary, floats 'drop', ` +
    `built in ${((Date.now() - t0) / 1000).toFixed(0)} s: WebAssembly memory ${mib(r.wasm)} MiB (peak ${mib(r.peakWasm)}), ` +
    `JS heap used ${mib(metrics.JSHeapUsedSize)} MiB (total ${mib(metrics.JSHeapTotalSize)}), sum ${mib(total)} MiB; ` +
    `info: count ${r.info.count}, memoryBytes ${mib(r.info.memoryBytes)} MiB (codes ${mib(r.info.memory.codes)}, floats ${mib(r.info.memory.floats)}, ` +
    `graph ${mib(r.info.memory.graph)}, ids ${mib(r.info.memory.ids)}, metadata ${mib(r.info.memory.metadata)}), vectorsDecoded ${r.info.vectorsDecoded}; search returned ${r.hits}`);
  if (process.argv.includes('--check') && total >= 200 * 1e6) process.exitCode = 1;
} finally {
  await context.close();
  await server.close();
}
