// The prepack guard (scripts/check-pack.mjs, each package.json's "prepack"): `npm pack`
// refuses, with a clear message and a non-zero exit, a package whose built files are
// missing or older than their sources, or whose version is not the VERSION file's.
// Runs `npm pack --dry-run` in a scratch copy of the repository's layout, so the real
// package folders are never touched.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repo } from './install-tree.mjs';

let tmp;
const CONTRACT = ['npm/contract/contract.mjs', 'npm/contract/contract.d.ts', 'npm/contract/build.mjs'];
const at = (...p) => path.join(tmp, ...p);
const write = (rel, text = 'x') => { fs.mkdirSync(path.dirname(at(rel)), { recursive: true }); fs.writeFileSync(at(rel), text); };
const age = (rel, seconds) => { const t = new Date(Date.now() + seconds * 1000); fs.utimesSync(at(rel), t, t); };

function pack(pkg) {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: at('npm', pkg), env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('npm pack refuses missing or stale binaries', () => {
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-guard-'));
    write('scripts/check-pack.mjs', fs.readFileSync(path.join(repo, 'scripts/check-pack.mjs'), 'utf8'));
    write('VERSION', fs.readFileSync(path.join(repo, 'VERSION'), 'utf8'));
    for (const f of ['CMakeLists.txt', 'src/core/database.cpp', 'include/ruvector/database.h', 'bindings/node/addon.cpp',
      'bindings/wasm/ruvector_wasm.cpp', 'npm/core/CMakeLists.txt', 'npm/wasm/src/api.mjs', ...CONTRACT]) write(f);
    for (const pkg of ['core', 'wasm', 'ruvector']) {
      const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'npm', pkg, 'package.json'), 'utf8'));
      // Only the guard: the packages' other prepack steps (vendoring the engine, generating
      // files) need the whole repository.
      const guard = manifest.scripts.prepack.split('&&').map((c) => c.trim()).filter((c) => c.includes('check-pack.mjs'));
      assert.deepEqual(guard, [`node ../../scripts/check-pack.mjs ${pkg}`], `npm/${pkg}/package.json prepack runs the guard`);
      manifest.scripts = { prepack: guard[0] };
      manifest.files = ['package.json'];
      write(`npm/${pkg}/package.json`, JSON.stringify(manifest));
    }
    for (const f of ['CMakeLists.txt', 'src/core/database.cpp', 'include/ruvector/database.h', 'bindings/node/addon.cpp',
      'bindings/wasm/ruvector_wasm.cpp', 'npm/core/CMakeLists.txt', 'npm/wasm/src/api.mjs', 'VERSION', ...CONTRACT]) age(f, -3600);
    // The JS contract's generated copies (scripts/build-contract.sh), fresh.
    for (const f of ['npm/core/lib/contract.cjs', 'npm/core/lib/contract.d.ts', 'npm/wasm/src/contract.mjs',
      'npm/wasm/src/contract.d.ts', 'npm/ruvector/lib/contract.d.ts']) {
      write(f);
      age(f, -1800);
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('@ruvector/core: no prebuild (x64, then arm64) -> refused; fresh prebuilds -> pack; engine source edited after it -> refused', () => {
    let r = pack('core');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /npm pack @ruvector\/core: refused/);
    assert.match(r.out, /npm\/core\/prebuilds\/linux-x64\/\*\.node is missing/);
    assert.match(r.out, /make packages/);
    write('npm/core/prebuilds/linux-x64/ruvector.node');
    r = pack('core');
    assert.notEqual(r.status, 0, 'the linux-arm64 prebuild is shipped too');
    assert.match(r.out, /npm\/core\/prebuilds\/linux-arm64\/\*\.node is missing/);
    assert.doesNotMatch(r.out, /linux-x64/);
    write('npm/core/prebuilds/linux-arm64/ruvector.node');
    r = pack('core');
    assert.equal(r.status, 0, r.out);
    write('src/core/database.cpp', 'changed');
    age('src/core/database.cpp', 60);
    r = pack('core');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /prebuilds\/linux-x64\/ruvector\.node is older than src\/core\/database\.cpp/);
    age('src/core/database.cpp', -3600);
  });

  it('@ruvector/wasm: every dist file is required and must be newer than the engine and the JS sources', () => {
    let r = pack('wasm');
    assert.notEqual(r.status, 0);
    for (const f of ['ruvector.wasm', 'ruvector-simd.wasm', 'ruvector.mjs', 'ruvector-node.cjs', 'index.cjs'])
      assert.match(r.out, new RegExp(`npm/wasm/dist/${f.replace('.', '\\.')} is missing`));
    for (const f of ['ruvector.wasm', 'ruvector.mjs', 'ruvector-node.cjs', 'ruvector-simd.wasm', 'ruvector-simd.mjs',
      'ruvector-simd-node.cjs', 'index.cjs']) write(`npm/wasm/dist/${f}`);
    r = pack('wasm');
    assert.equal(r.status, 0, r.out);
    age('bindings/wasm/ruvector_wasm.cpp', 60);
    age('npm/wasm/src/api.mjs', 60);
    r = pack('wasm');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /dist\/ruvector-simd\.wasm is older than bindings\/wasm\/ruvector_wasm\.cpp/);
    assert.match(r.out, /dist\/index\.cjs is older than npm\/wasm\/src\/api\.mjs/);
  });

  it('the JS contract: a generated copy older than npm/contract -> refused', () => {
    age('npm/contract/contract.mjs', 120);
    const r = pack('core');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /npm\/core\/lib\/contract\.cjs is older than npm\/contract\/contract\.mjs/);
    age('npm/contract/contract.mjs', -3600);
  });

  it('a version that is not the VERSION file\'s -> refused (ruvector and its optional dependencies)', () => {
    assert.equal(pack('ruvector').status, 0);
    const file = at('npm/ruvector/package.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    manifest.optionalDependencies['@ruvector/wasm'] = '9.9.9';
    fs.writeFileSync(file, JSON.stringify(manifest));
    const r = pack('ruvector');
    assert.notEqual(r.status, 0);
    assert.match(r.out, /optionalDependencies @ruvector\/wasm 9\.9\.9 is not VERSION's/);
  });
});
