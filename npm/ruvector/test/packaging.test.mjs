// Packaging as a user gets it: `npm pack` @ruvector/core, @ruvector/wasm and ruvector
// (or the tarballs of `make packages`, see PACKAGES_DIR),
// install the three tarballs into an empty folder with npm offline and the @ruvector
// scope pointed at a dead registry (so the registry's packages of the same names can
// never be taken), check the versions and the paths of what loads, then run the
// examples there: the Node example on both backends, the TypeScript example (tsc and
// run), the bin, the browser page, and the fallback after removing @ruvector/core.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { probe, runNode, pkgDir, repo } from './install-tree.mjs';
import { checkSimilarItems, checkTypescript, checkBrowserPage, node, CHROMIUM, FASHION, SKIP_BROWSER } from './example-checks.mjs';

const coreDir = path.join(repo, 'npm/core');
const wasmDir = path.join(repo, 'npm/wasm');
const prebuildDir = path.join(coreDir, 'prebuilds', `${process.platform}-${process.arch}`);
const hasPrebuild = fs.existsSync(prebuildDir) && fs.readdirSync(prebuildDir).some((f) => f.endsWith('.node'));
const hasWasm = fs.existsSync(path.join(wasmDir, 'dist/ruvector-simd.wasm'));
const DEAD = 'http://127.0.0.1:9';
const VERSION = fs.readFileSync(path.join(repo, 'VERSION'), 'utf8').trim();
// RUVECTOR_PACKAGES_DIR=build/packages (make ruvector-test): the tarballs `make packages`
// made; otherwise this test packs the three packages itself.
const PACKAGES_DIR = process.env.RUVECTOR_PACKAGES_DIR ? path.resolve(repo, process.env.RUVECTOR_PACKAGES_DIR) : null;

function npm(args, cwd) {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  delete env.npm_config_nodedir;
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const inside = (p, dir) => fs.realpathSync(p).startsWith(fs.realpathSync(dir) + path.sep);

describe('packaging: npm pack x3 -> offline install -> examples', {
  timeout: 900_000,
  skip: !PACKAGES_DIR && (!hasPrebuild || !hasWasm) && 'build first: scripts/test-node.sh (prebuilds) and scripts/build-wasm.sh (dist)',
}, () => {
  let tmp;
  let app;
  const tarballs = {};
  const manifests = {};

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-pack-'));
    for (const [name, dir] of [['@ruvector/core', coreDir], ['@ruvector/wasm', wasmDir], ['ruvector', pkgDir]]) {
      if (PACKAGES_DIR) {
        const file = `${name.replace('@', '').replace('/', '-')}-${VERSION}.tgz`;
        tarballs[name] = path.join(PACKAGES_DIR, file);
        assert.ok(fs.existsSync(tarballs[name]), `make packages made no ${file} in ${PACKAGES_DIR}`);
      } else {
        const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], dir).replace(/^[^[]*/, ''));
        tarballs[name] = path.join(tmp, packed[0].filename);
      }
      const listing = spawnSync('tar', ['-tzf', tarballs[name]], { encoding: 'utf8' }).stdout;
      manifests[name] = { ...JSON.parse(spawnSync('tar', ['-xzOf', tarballs[name], 'package/package.json'], { encoding: 'utf8' }).stdout),
        tarFiles: listing.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')) };
    }
    app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    npm(['install', '--offline', '--no-audit', '--no-fund', `--@ruvector:registry=${DEAD}`,
      tarballs['@ruvector/core'], tarballs['@ruvector/wasm'], tarballs.ruvector], app);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the ruvector tarball: entries, types, bin, optional dependencies on our packages', () => {
    const m = manifests.ruvector;
    assert.equal(m.name, 'ruvector');
    assert.equal(m.version, VERSION);
    assert.deepEqual(m.optionalDependencies, { '@ruvector/core': VERSION, '@ruvector/wasm': VERSION });
    assert.equal(m.dependencies, undefined, 'no other dependencies');
    assert.deepEqual(m.bin, { ruvector: 'bin/ruvector.mjs' });
    for (const f of ['index.js', 'index.mjs', 'browser.mjs', 'index.d.ts', 'README.md', 'lib/backend.js', 'lib/compat.cjs', 'lib/compat.mjs', 'bin/ruvector.mjs', 'lib/cli/records.mjs'])
      assert.ok(m.tarFiles.includes(f), `tarball lacks ${f}`);
    assert.ok(!m.tarFiles.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), 'no tests, no node_modules');
    for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(m.scripts?.[s], undefined);
    assert.ok(manifests['@ruvector/wasm'].tarFiles.includes('dist/ruvector-simd.wasm'));
    assert.ok(manifests['@ruvector/core'].tarFiles.some((f) => /^prebuilds\/.+\.node$/.test(f)));
  });

  it('installed offline from the tarballs only: versions, and every package resolved from a local file', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
    for (const name of ['ruvector', '@ruvector/core', '@ruvector/wasm']) {
      const entry = lock.packages[`node_modules/${name}`];
      assert.equal(entry.version, VERSION, name);
      assert.match(entry.resolved, /^file:.*\.tgz$/, `${name} came from our tarball, not a registry: ${entry.resolved}`);
      assert.equal(JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version, VERSION);
    }
    assert.ok(!fs.existsSync(path.join(app, 'node_modules/@ruvector/core/build')), 'nothing was compiled at install time');
    assert.ok(fs.existsSync(path.join(app, 'node_modules/.bin/ruvector')));
  });

  it('what loads: our native binary and our wasm module, from inside the install folder, silently', () => {
    const nm = path.join(app, 'node_modules');
    for (const mode of ['require', 'import']) {
      const r = probe(app, { mode });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.result.ok, JSON.stringify(r.result));
      assert.equal(r.stdout + r.stderr, '', 'nothing printed');
      const b = r.result.backend;
      assert.equal(b.name, 'native');
      assert.equal(b.version, VERSION, 'our engine (the registry package of this name reports 2.3.0)');
      assert.equal(b.packageVersion, VERSION);
      assert.ok(inside(b.path, path.join(nm, '@ruvector/core/prebuilds')), b.path);
      for (const [p, f] of Object.entries(r.result.resolved)) assert.ok(inside(f, path.join(nm, p)), `${p} -> ${f}`);
      assert.deepEqual(r.result.hits.map((h) => h.id), ['b']);
    }
    const w = probe(app, { backend: 'wasm' });
    assert.ok(w.result.ok, JSON.stringify(w.result));
    assert.equal(w.result.backend.name, 'wasm');
    assert.ok(inside(w.result.backend.path, path.join(nm, '@ruvector/wasm/dist')), w.result.backend.path);
    assert.equal(w.stdout + w.stderr, '');
  });

  it('the bin: ruvector doctor, and a database made with it', () => {
    const bin = path.join(app, 'node_modules/.bin/ruvector');
    for (const backend of ['native', 'wasm']) {
      const v = spawnSync(bin, ['--version', '--json', '--backend', backend], { cwd: app, encoding: 'utf8' });
      assert.equal(v.status, 0, v.stderr);
      assert.deepEqual(JSON.parse(v.stdout), { version: VERSION, engine: VERSION, backend, simd: JSON.parse(v.stdout).simd },
        'the JS CLI and the engine it loads report the VERSION file');
    }
    let r = spawnSync(bin, ['doctor', '--json'], { cwd: app, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.ok(inside(d.ruvector.path, path.join(app, 'node_modules/ruvector')) || fs.realpathSync(d.ruvector.path) === fs.realpathSync(path.join(app, 'node_modules/ruvector')));
    assert.deepEqual(d.backends.map((b) => [b.name, b.ok, b.packageVersion]), [['native', true, VERSION], ['wasm', true, VERSION]]);
    assert.equal(d.selected.name, 'native');
    fs.writeFileSync(path.join(app, 'v.jsonl'), '{"id": "a", "vector": [1, 0]}\n{"id": "b", "vector": [0, 1]}\n');
    for (const [db, backend] of [['vdir', 'native'], ['v.rvs', 'wasm']]) {
      r = spawnSync(bin, ['create', db, '-d', '2', '--backend', backend], { cwd: app, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      r = spawnSync(bin, ['import', db, 'v.jsonl', '--backend', backend], { cwd: app, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      r = spawnSync(bin, ['search', db, '-v', '0.1,1', '-k', '1', '--json', '--backend', backend], { cwd: app, encoding: 'utf8' });
      assert.equal(JSON.parse(r.stdout).hits[0].id, 'b');
    }
  });

  for (const backend of ['native', 'wasm']) {
    it(`examples/node/similar-items.mjs in the install folder, ${backend}`, { skip: !fs.existsSync(FASHION) && 'apt-get install dataset-fashion-mnist' }, () => {
      fs.copyFileSync(path.join(repo, 'examples/node/similar-items.mjs'), path.join(app, 'similar-items.mjs'));
      const r = node(['similar-items.mjs', '--train', '5000', '--queries', '200', '--json'], { cwd: app, backend });
      checkSimilarItems(r.stdout, backend);
    });
  }

  it('examples/typescript in the install folder: types through the exports map, compiled and run', () => {
    const ts = path.join(app, 'ts');
    fs.mkdirSync(ts);
    for (const f of ['search.mts', 'tsconfig.json']) fs.copyFileSync(path.join(repo, 'examples/typescript', f), path.join(ts, f));
    checkTypescript(ts, path.join(app, 'ts-out'));
  });

  it('examples/browser-importmap in Chromium, served from the install folder', {
    skip: SKIP_BROWSER ? 'RUVECTOR_SKIP_BROWSER=1' : !fs.existsSync(CHROMIUM) && `${CHROMIUM} is missing`,
  }, async () => {
    for (const f of ['index.html', 'app.mjs']) fs.copyFileSync(path.join(repo, 'examples/browser-importmap', f), path.join(app, f));
    await checkBrowserPage(app, null);
  });

  it('fallback in the install folder: without @ruvector/core, wasm loads and the examples still run', () => {
    fs.rmSync(path.join(app, 'node_modules/@ruvector/core'), { recursive: true });
    const r = probe(app);
    assert.ok(r.result.ok, JSON.stringify(r.result));
    assert.equal(r.result.backend.name, 'wasm');
    assert.match(r.result.backend.reason, /^fallback: @ruvector\/core is not installed/);
    assert.equal(r.stdout + r.stderr, '');
    const ts = runNode(app, [path.join(app, 'ts-out', 'search.mjs')]);
    assert.equal(ts.status, 0, ts.stderr);
    assert.match(ts.stdout, /^backend wasm \(fallback: /);
  });
});
