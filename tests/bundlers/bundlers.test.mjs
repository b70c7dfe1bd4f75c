// The browser packages through real bundlers, as an app gets them: the tarballs of
// `make packages` installed offline into a scratch app (the @ruvector scope pointed at a
// dead registry, so the npm registry's packages of the same names are never taken), then
//   - app/ (main.js + index.html): @ruvector/wasm, its worker and ruvector's browser entry,
//     built for production by Vite and by webpack 5 with no configuration for .wasm
//     files or workers (each finds them through new URL(..., import.meta.url));
//   - examples/browser (the search-as-you-type page) built by Vite: search, save, load;
// each output served by a static server on 127.0.0.1 and run in Debian's Chromium
// (playwright-core): insert, search (checked against brute force), IndexedDB save and
// load, the worker, the facade; the .wasm that loads must come from the bundle.
//
//   RUVECTOR_PACKAGES_DIR=build/packages node --test tests/bundlers/   (make bundler-test)
// Needs: make packages, npm ci in tests/bundlers (vite, webpack) and npm/wasm
// (playwright-core), chromium.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const VERSION = fs.readFileSync(path.join(repo, 'VERSION'), 'utf8').trim();
const PACKAGES = path.resolve(repo, process.env.RUVECTOR_PACKAGES_DIR || 'build/packages');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const { chromium } = createRequire(path.join(repo, 'npm/wasm/package.json'))('playwright-core');
const { build: viteBuild } = await import('vite');
const webpack = createRequire(import.meta.url)('webpack');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
function serve(root) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)),
  })));
}

let tmp;
let app;
let browser;

async function openBuilt(dist, pagePath = '/') {
  const site = await serve(dist);
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  await page.goto(site.url + pagePath);
  return { page, problems, close: async () => { await context.close(); await site.close(); } };
}

async function checkApp(dist, bundler) {
  const { page, problems, close } = await openBuilt(dist);
  try {
    await page.waitForFunction(() => window.__ruvectorResult !== undefined, null, { timeout: 120_000 });
    const r = await page.evaluate(() => window.__ruvectorResult);
    assert.equal(r.error, undefined, `${bundler}: ${r.error}`);
    assert.equal(r.version, VERSION, 'our @ruvector/wasm');
    assert.equal(r.simd, 'simd128', 'Chromium runs the simd128 build');
    assert.deepEqual([r.count, r.searches, r.loadedCount, r.loadedSearches, r.workerCount, r.workerSearches, r.facadeSearches],
      [200, 10, 200, 10, 200, 10, 10]);
    assert.deepEqual(r.facade, { name: 'wasm', version: VERSION });
    assert.ok(r.wasmFetched.length >= 1, 'a .wasm was fetched');
    for (const p of r.wasmFetched) assert.ok(fs.existsSync(path.join(dist, p)), `${bundler}: ${p} is not a file of the bundle`);
    assert.deepEqual(problems, []);
    console.log(`${bundler}: ${JSON.stringify(r)}`);
  } finally {
    await close();
  }
}

describe('bundlers: Vite and webpack build the browser packages from the tarballs', { timeout: 900_000 }, () => {
  before(async () => {
    const tarballs = ['ruvector-core', 'ruvector-wasm', 'ruvector'].map((n) => path.join(PACKAGES, `${n}-${VERSION}.tgz`));
    for (const t of tarballs) assert.ok(fs.existsSync(t), `${t} is missing: run make packages`);
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-bundlers-'));
    app = path.join(tmp, 'app');
    fs.cpSync(path.join(here, 'app'), app, { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    const env = { ...process.env, npm_config_update_notifier: 'false' };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--@ruvector:registry=http://127.0.0.1:9', ...tarballs],
      { cwd: app, env, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `npm install failed:\n${r.stdout}\n${r.stderr}`);
    for (const name of ['@ruvector/wasm', 'ruvector']) {
      const m = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8'));
      assert.equal(m.version, VERSION, `${name} installed from our tarball`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Vite (production build, no config): wasm, worker, IndexedDB, facade', async () => {
    const dist = path.join(tmp, 'dist-vite');
    await viteBuild({ root: app, configFile: false, logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
    const files = fs.readdirSync(path.join(dist, 'assets'));
    assert.ok(files.some((f) => /^ruvector-simd-.*\.wasm$/.test(f)), `the .wasm is an asset of the bundle: ${files}`);
    await checkApp(dist, 'vite');
  });

  it('webpack 5 (production, no loaders or rules): wasm, worker, IndexedDB, facade', async () => {
    const dist = path.join(tmp, 'dist-webpack');
    const stats = await new Promise((resolve, reject) => webpack({
      mode: 'production', context: app, entry: './main.js', output: { path: dist, clean: true },
      performance: { hints: false },
    }, (err, s) => (err ? reject(err) : resolve(s))));
    assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
    fs.copyFileSync(path.join(app, 'index.html'), path.join(dist, 'index.html'));
    fs.writeFileSync(path.join(dist, 'index.html'),
      fs.readFileSync(path.join(dist, 'index.html'), 'utf8').replace('<script type="module" src="./main.js">', '<script src="./main.js">'));
    assert.ok(fs.readdirSync(dist).some((f) => f.endsWith('.wasm')), 'the .wasm is emitted as an asset');
    await checkApp(dist, 'webpack');
  });

  it('examples/browser built by Vite: the page indexes its titles and answers a query', async () => {
    const example = path.join(app, 'example');
    fs.mkdirSync(example);
    for (const f of ['index.html', 'app.js']) fs.copyFileSync(path.join(repo, 'examples/browser', f), path.join(example, f));
    const dist = path.join(tmp, 'dist-example');
    await viteBuild({ root: example, configFile: false, logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
    const { page, problems, close } = await openBuilt(dist);
    try {
      await page.waitForSelector('#status[data-state=ready]', { timeout: 120_000 });
      assert.match(await page.textContent('#simd'), /^simd128/);
      await page.fill('#query', 'quantum physics');
      await page.waitForFunction(() => document.querySelector('#results').dataset.query === 'quantum physics'
        && document.querySelectorAll('#results tbody tr').length > 0, null, { timeout: 30_000 });
      const first = await page.textContent('#results tbody tr td:nth-child(2)');
      assert.match(first, /quantum physics/i);
      await page.click('#save');
      await page.waitForFunction(() => /^Saved 5000 vectors/.test(document.querySelector('#note').textContent), null, { timeout: 60_000 });
      await page.click('#load');
      await page.waitForFunction(() => /^Loaded 5000 vectors/.test(document.querySelector('#note').textContent), null, { timeout: 60_000 });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
