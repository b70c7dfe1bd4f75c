// Checks shared by examples.test.mjs (the repository's examples) and
// packaging.test.mjs (the same examples inside a folder installed from the tarballs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { pkgDir, repo } from './install-tree.mjs';

const requireWasm = createRequire(path.join(repo, 'npm/wasm/package.json'));
export const TSC = path.join(path.dirname(requireWasm.resolve('typescript/package.json')), 'bin', 'tsc');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FASHION = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
export const SKIP_BROWSER = process.env.RUVECTOR_SKIP_BROWSER === '1';

export function linkExample(dir) {
  const link = path.join(dir, 'node_modules', 'ruvector');
  const target = path.relative(path.dirname(link), pkgDir);
  let cur = null;
  try {
    cur = fs.readlinkSync(link);
  } catch { /* missing */ }
  if (cur !== target) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(target, link);
  }
}

export function node(args, { cwd, backend } = {}) {
  const env = { ...process.env };
  delete env.RUVECTOR_BACKEND;
  delete env.NODE_TEST_CONTEXT;
  if (backend) env.RUVECTOR_BACKEND = backend;
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `node ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Checks the --json output of similar-items.mjs. */
export function checkSimilarItems(out, backend) {
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.equal(r.backend.name, backend);
  const sneakers = r.sneaker.neighbours.filter((n) => n.label === 'Sneaker').length;
  assert.ok(sneakers >= 8, `the neighbours of a sneaker are sneakers: ${sneakers}/10 (${JSON.stringify(r.sneaker.neighbours)})`);
  assert.ok(r.sneakerLabelAgreement >= 0.85, `sneaker label agreement ${r.sneakerLabelAgreement}`);
  assert.ok(r.labelAgreement >= 0.7, `label agreement ${r.labelAgreement}`);
  assert.deepEqual(r.bags, ['Bag', 'Bag', 'Bag'], 'the filter returns bags only');
  return r;
}

/** tsc --noEmit on a TS project, then compile it into `outDir` (which resolves ruvector) and run it. */
export function checkTypescript(project, outDir, backends = ['native', 'wasm']) {
  let r = spawnSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc --noEmit failed:\n${r.stdout}${r.stderr}`);
  r = spawnSync(process.execPath, [TSC, '-p', project, '--noEmit', 'false', '--outDir', outDir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc (emit) failed:\n${r.stdout}${r.stderr}`);
  for (const backend of backends) {
    const out = node([path.join(outDir, 'search.mjs')], { cwd: outDir, backend }).stdout;
    assert.match(out, new RegExp(`^backend ${backend} `));
    assert.match(out, /wrong length -> DIMENSION_MISMATCH/);
    assert.match(out, /copy holds 300 articles/);
  }
}

/** Opens the import-map page served from `root` in Chromium; checks results, reload from IndexedDB, a clean console. */
export async function checkBrowserPage(root, screenshot) {
  const { chromium } = requireWasm('playwright-core');
  const { startServer } = await import(pathToFileURL(path.join(repo, 'examples/browser-importmap/serve.mjs')).href);
  const server = await startServer({ root, mounts: {} });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (rq) => problems.push(`request failed: ${rq.url()}`));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.body.dataset.state, null, { timeout: 60_000 });
    const first = await page.evaluate(async () => {
      if (document.body.dataset.state !== 'ready') return { error: document.getElementById('backend').textContent };
      const e = window.example;
      const red = await e.search('#ff0000', true);
      const any = await e.search('#fe0101', false);
      return {
        state: document.body.dataset.state, source: e.source, backend: e.backend, count: await e.db.len(),
        red: red.hits.map((h) => h.id), any: any.hits.map((h) => h.metadata.hex), shown: document.querySelectorAll('.swatch').length,
      };
    });
    assert.equal(first.error, undefined, first.error);
    assert.equal(first.backend.name, 'wasm');
    assert.equal(first.backend.simdLevel, 'simd128');
    assert.match(first.backend.reason, /not Node/);
    assert.equal(first.count, 5050);
    assert.equal(first.source, 'built (now saved)');
    assert.equal(first.red[0], 'red', JSON.stringify(first.red));
    assert.ok(first.red.includes('crimson') || first.red.includes('firebrick'), JSON.stringify(first.red));
    assert.ok(first.any.every((h) => parseInt(h.slice(1, 3), 16) > 0x90), `reds near #fe0101: ${first.any}`);
    assert.equal(first.shown, 8);
    if (screenshot) {
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state, null, { timeout: 60_000 });
    const second = await page.evaluate(async () => ({ source: window.example.source, count: await window.example.db.len() }));
    assert.deepEqual(second, { source: 'IndexedDB', count: 5050 }, 'a reload opens the saved database');
    assert.deepEqual(problems, [], 'a clean console');
  } finally {
    await context.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
