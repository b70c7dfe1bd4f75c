// Packaging: `npm pack`, install the tarball into a fresh folder offline (no
// compiler, no install script, dependencies from the npm cache), then require and
// import it and run a search. The binary that loads must be the prebuilt one inside
// that folder, and it must be ours (the registry has another package of this name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = require('../package.json');
const prebuildDir = path.join(pkgDir, 'prebuilds', `${process.platform}-${process.arch}`);
const hasPrebuild = fs.existsSync(prebuildDir) && fs.readdirSync(prebuildDir).some((f) => f.endsWith('.node'));
const required = process.env.RUVECTOR_REQUIRE_PACKAGING === '1';

function run(cmd, args, cwd) {
  const env = { ...process.env, npm_config_nodedir: '/usr', npm_config_update_notifier: 'false' };
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout: 300_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

test('npm pack -> offline install in a fresh folder -> require and import', {
  timeout: 600_000,
  skip: !hasPrebuild && !required && 'no prebuilds/ yet (run `npm run build:prebuilds`, or scripts/test-node.sh)',
}, () => {
  assert.ok(hasPrebuild, `missing ${prebuildDir}: run npm run build:prebuilds`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-pack-'));
  try {
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp], pkgDir));
    const tgz = path.join(tmp, packed[0].filename);
    const files = packed[0].files.map((f) => f.path);
    assert.ok(files.some((f) => /^prebuilds\/linux-x64\/.+\.node$/.test(f)) || process.platform !== 'linux', 'ships the prebuilt binary');
    for (const f of ['index.js', 'index.mjs', 'index.d.ts', 'lib/collections.js', 'lib/collections.d.ts', 'README.md', 'CMakeLists.txt', 'deps/ruvector/CMakeLists.txt', 'deps/ruvector/bindings/node/addon.cpp'])
      assert.ok(files.includes(f), `tarball lacks ${f}`);
    assert.ok(!files.some((f) => f.startsWith('build/') || f.startsWith('node_modules/') || f.startsWith('test/')), 'no build outputs or tests');
    assert.ok(!fs.existsSync(path.join(pkgDir, 'deps')), 'postpack removed the vendored copy');
    const manifest = JSON.parse(spawnSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }).stdout);
    for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(manifest.scripts?.[s], undefined, `no ${s} script`);

    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts=false', tgz], app);
    const installed = path.join(app, 'node_modules', '@ruvector', 'core');
    assert.equal(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version, pkg.version);
    assert.ok(!fs.existsSync(path.join(installed, 'build')), 'nothing was compiled at install time');

    const expected = { version: require('..').version(), prebuilds: path.join(fs.realpathSync(installed), 'prebuilds') };
    const body = `
      const db = new VectorDb({ dimensions: 3, distanceMetric: 'euclidean' });
      await db.insertBatch([{ id: 'a', vector: [1, 0, 0] }, { id: 'b', vector: [0, 1, 0], metadata: { k: 1 } }]);
      const hits = await db.search({ vector: [0, 0.9, 0], k: 1, includeMetadata: true });
      console.log(JSON.stringify({ hits, version: version(), simd: simdLevel(), binaryPath }));`;
    const cjs = JSON.parse(run(process.execPath, ['-e', `const { VectorDb, version, simdLevel, binaryPath } = require('@ruvector/core'); (async () => { ${body} })();`], app));
    const esm = JSON.parse(run(process.execPath, ['--input-type=module', '-e', `import { VectorDb, version, simdLevel, binaryPath } from '@ruvector/core'; ${body}`], app));
    for (const r of [cjs, esm]) {
      assert.deepEqual(r.hits.map((h) => [h.id, h.metadata]), [['b', { k: 1 }]]);
      assert.ok(Math.abs(r.hits[0].score - 0.1) < 1e-6);
      assert.equal(r.version, expected.version, 'our engine, not the registry package of the same name');
      assert.ok(fs.realpathSync(r.binaryPath).startsWith(expected.prebuilds + path.sep), `loaded ${r.binaryPath}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
