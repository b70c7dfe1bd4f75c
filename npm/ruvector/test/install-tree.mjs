// Builds a temporary folder that looks like an app after `npm install ruvector`, with
// each backend package present, absent, damaged, or replaced by a foreign package of
// the same name, by copying the packages' files (no symlinks: module resolution must
// see only what is in the tree). Used by fallback.test.mjs and cli.test.mjs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repo = path.resolve(pkgDir, '../..');
const coreDir = path.join(repo, 'npm/core');
const wasmDir = path.join(repo, 'npm/wasm');

function copy(from, to, names) {
  fs.mkdirSync(to, { recursive: true });
  for (const n of names) {
    const src = path.join(from, n);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(to, n), { recursive: true, dereference: true });
  }
}

/**
 * makeTree({core: 'ok'|'absent'|'corrupt'|'foreign', wasm: 'ok'|'absent'|'corrupt'})
 * -> {app, cleanup()}. app/node_modules holds ruvector, @ruvector/core (+ node-gyp-build)
 * and @ruvector/wasm as asked.
 */
export function makeTree({ core = 'ok', wasm = 'ok' } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-tree-'));
  const app = path.join(root, 'app');
  const nm = path.join(app, 'node_modules');
  fs.mkdirSync(nm, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
  copy(pkgDir, path.join(nm, 'ruvector'), ['package.json', 'index.js', 'index.mjs', 'browser.mjs', 'index.d.ts', 'lib', 'bin']);

  const coreTo = path.join(nm, '@ruvector/core');
  if (core === 'ok' || core === 'corrupt') {
    copy(coreDir, coreTo, ['package.json', 'index.js', 'index.mjs', 'index.d.ts', 'lib', 'prebuilds']);
    copy(path.join(coreDir, 'node_modules'), nm, ['node-gyp-build']);
    if (core === 'corrupt') {
      const dir = path.join(coreTo, 'prebuilds', `${process.platform}-${process.arch}`);
      for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), 'this is not a shared object\n');
    }
  } else if (core === 'foreign') {
    // Shaped like the registry's reference-system @ruvector/core 0.1.32: a VectorDb
    // class and version() -> "2.3.0", no simdLevel().
    fs.mkdirSync(coreTo, { recursive: true });
    fs.writeFileSync(path.join(coreTo, 'package.json'), JSON.stringify({ name: '@ruvector/core', version: '0.1.32', main: 'index.js' }));
    fs.writeFileSync(path.join(coreTo, 'index.js'),
      "class VectorDb { constructor() {} }\nmodule.exports = { VectorDb, VectorDB: VectorDb, version: () => '2.3.0', hello: () => 'Hello' };\n");
  }

  if (wasm === 'ok' || wasm === 'corrupt') {
    const to = path.join(nm, '@ruvector/wasm');
    copy(wasmDir, to, ['package.json', 'index.d.ts', 'worker.d.ts', 'src', 'dist']);
    if (wasm === 'corrupt') {
      for (const f of fs.readdirSync(path.join(to, 'dist'))) {
        if (f.endsWith('.wasm')) {
          const p = path.join(to, 'dist', f);
          fs.writeFileSync(p, fs.readFileSync(p).subarray(0, 1000));  // truncated
        }
      }
    }
  }
  return { root, app, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

// Runs `node` in the app folder; RUVECTOR_BACKEND is unset unless `backend` is given.
export function runNode(app, args, { backend, env = {}, input } = {}) {
  const e = { ...process.env, ...env };
  delete e.RUVECTOR_BACKEND;
  delete e.NODE_PATH;
  delete e.NODE_TEST_CONTEXT;  // a nested `node --test` must report to us, not to our runner
  if (backend !== undefined) e.RUVECTOR_BACKEND = backend;
  return spawnSync(process.execPath, args, { cwd: app, env: e, encoding: 'utf8', input, timeout: 300_000 });
}

// A script that loads ruvector (require or import) and writes what happened to the
// file named by its first argument, so that stdout and stderr show only what the
// package itself printed.
export const PROBE_SCRIPT = `
import fs from 'node:fs';
import { createRequire } from 'node:module';
const out = process.argv[2];
const mode = process.argv[3] || 'require';
try {
  const rv = mode === 'import' ? await import('ruvector') : createRequire(process.cwd() + '/')('ruvector');
  const db = new rv.VectorDb({ dimensions: 3, metric: 'euclidean' });
  await db.insertBatch([{ id: 'a', vector: [1, 0, 0] }, { id: 'b', vector: [0, 1, 0], metadata: { k: 1 } }]);
  const hits = await db.search({ vector: [0, 0.9, 0], k: 1, includeMetadata: true });
  await db.close();
  const resolved = {};
  const req = createRequire(process.cwd() + '/');
  for (const p of ['ruvector', '@ruvector/core', '@ruvector/wasm']) {
    try { resolved[p] = fs.realpathSync(req.resolve(p)); } catch { resolved[p] = null; }
  }
  fs.writeFileSync(out, JSON.stringify({ ok: true, backend: rv.getBackend(), hits, resolved }));
} catch (e) {
  fs.writeFileSync(out, JSON.stringify({ ok: false, error: { code: e.code, message: e.message, tried: e.tried, forced: e.forced } }));
}
`;

/** Loads ruvector in the app; returns {result, stdout, stderr, status}. */
export function probe(app, { backend, mode = 'require' } = {}) {
  const script = path.join(app, 'probe.mjs');
  fs.writeFileSync(script, PROBE_SCRIPT);
  const out = path.join(app, `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const r = runNode(app, [script, out, mode], { backend });
  const result = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : null;
  return { result, stdout: r.stdout, stderr: r.stderr, status: r.status };
}
