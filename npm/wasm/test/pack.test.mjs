// The packed tarball, installed in a fresh project, loads through require() and
// import, and its .wasm subpaths resolve (what a user gets from the registry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pkgDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('npm pack -> npm install in a fresh project -> require and import work', { timeout: 120_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-wasm-pack-'));
  try {
    const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
    const out = execFileSync(npm, ['pack', '--json', '--pack-destination', tmp], { ...quiet, cwd: pkgDir });
    const [{ filename, files }] = JSON.parse(out.slice(out.indexOf('[')));
    const names = files.map((f) => f.path);
    for (const f of ['dist/ruvector.wasm', 'dist/ruvector-simd.wasm', 'dist/index.cjs', 'src/browser.mjs', 'index.d.ts'])
      assert.ok(names.includes(f), `${f} is in the tarball`);
    assert.ok(!names.some((f) => f.startsWith('test/')), 'tests are not shipped');
    fs.writeFileSync(path.join(tmp, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
    execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(tmp, filename)], { ...quiet, cwd: tmp });
    fs.writeFileSync(path.join(tmp, 'a.cjs'), `
      const { VectorDb } = require('@ruvector/wasm');
      (async () => {
        const db = new VectorDb({ dimensions: 2 });
        await db.insert({ id: 'x', vector: [1, 2] });
        console.log('cjs', await db.len(), require.resolve('@ruvector/wasm/ruvector.wasm').endsWith('ruvector.wasm'));
      })();`);
    fs.writeFileSync(path.join(tmp, 'b.mjs'), `
      import { VectorDB, detectSIMD } from '@ruvector/wasm';
      import { createWorkerDb } from '@ruvector/wasm/worker';
      const db = new VectorDB(2, 'l2');
      await db.insert([3, 4], 'p');
      const w = await createWorkerDb({ dimensions: 2 });
      await w.insert({ vector: [1, 1] });
      console.log('esm', (await db.search([0, 0], 1))[0].score, typeof detectSIMD(), await w.len());
      await w.close();`);
    assert.equal(execFileSync(process.execPath, ['a.cjs'], { ...quiet, cwd: tmp }).trim(), 'cjs 1 true');
    assert.equal(execFileSync(process.execPath, ['b.mjs'], { ...quiet, cwd: tmp }).trim(), 'esm 5 boolean 1');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
