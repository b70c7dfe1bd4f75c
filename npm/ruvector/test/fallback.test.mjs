// Backend fallback, measured on real install trees (install-tree.mjs): packages
// removed, binaries damaged, a foreign package of the same name, RUVECTOR_BACKEND
// forcing a backend that cannot load, and no backend at all.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTree, probe, runNode, repo } from './install-tree.mjs';

const trees = [];
function tree(opts) {
  const t = makeTree(opts);
  trees.push(t);
  return t.app;
}
after(() => {
  for (const t of trees) t.cleanup();
});

function loaded(r, name) {
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.result, `no result; stderr: ${r.stderr}`);
  assert.ok(r.result.ok, r.result.error && r.result.error.message);
  assert.equal(r.result.backend.name, name);
  assert.deepEqual(r.result.hits.map((h) => [h.id, h.metadata]), [['b', { k: 1 }]]);
  assert.equal(r.stdout, '', 'nothing printed on stdout');
  assert.equal(r.stderr, '', 'nothing printed on stderr');
  return r.result.backend;
}

function failed(r, code = 'UNSUPPORTED') {
  assert.ok(r.result, `no result; status ${r.status}; stderr: ${r.stderr}`);
  assert.equal(r.result.ok, false, 'loading must fail');
  assert.equal(r.result.error.code, code, r.result.error.message);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '', 'the error is thrown, not printed');
  return r.result.error;
}

// The shared contract suite, run by `node --test` inside the tree.
function contractInTree(app, expected) {
  const file = path.join(app, 'contract.test.mjs');
  fs.writeFileSync(file, `
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { contractSuite } from ${JSON.stringify(pathToFileURL(path.join(repo, 'tests/js/contract.mjs')).href)};
const rv = createRequire(import.meta.url)('ruvector');
assert.equal(rv.getBackend().name, ${JSON.stringify(expected)});
contractSuite('ruvector in ' + process.cwd() + ' (' + rv.getBackend().reason + ')', async () => {
  await rv.ready();
  return rv;
});
`);
  const r = runNode(app, ['--test', '--test-reporter=tap', file]);
  assert.equal(r.status, 0, `contract suite failed in the tree:\n${r.stdout.slice(-6000)}\n${r.stderr}`);
  assert.match(r.stdout, /^# fail 0$/m);
  const pass = Number((r.stdout.match(/^# pass (\d+)$/m) || [])[1]);
  assert.ok(pass >= 30, `only ${pass} contract tests passed`);
  return pass;
}

describe('backend fallback (real install trees)', { timeout: 600_000 }, () => {
  it('both packages installed: native is chosen, nothing is printed (require and import)', () => {
    const app = tree({});
    for (const mode of ['require', 'import']) {
      const b = loaded(probe(app, { mode }), 'native');
      assert.equal(b.reason, 'first choice: @ruvector/core (native addon) loaded');
      assert.deepEqual(b.tried, []);
      assert.ok(fs.realpathSync(b.path).startsWith(fs.realpathSync(path.join(app, 'node_modules/@ruvector/core/prebuilds')) + path.sep), b.path);
      assert.ok(['avx512', 'avx2', 'scalar', 'neon'].includes(b.simdLevel));
    }
    // Forcing wasm in the same tree.
    const w = loaded(probe(app, { backend: 'wasm' }), 'wasm');
    assert.equal(w.reason, 'RUVECTOR_BACKEND=wasm');
    assert.ok(w.path.startsWith(fs.realpathSync(path.join(app, 'node_modules/@ruvector/wasm/dist')) + path.sep), w.path);
  });

  it('@ruvector/core removed: wasm is chosen, says why, and the contract suite passes', () => {
    const app = tree({ core: 'absent' });
    const b = loaded(probe(app), 'wasm');
    assert.match(b.reason, /^fallback: @ruvector\/core is not installed \(Cannot find module '@ruvector\/core'\); using @ruvector\/wasm$/);
    assert.match(b.reason, /using @ruvector\/wasm$/);
    assert.equal(b.tried.length, 1);
    assert.equal(b.tried[0].name, 'native');
    assert.ok(['simd128', 'scalar'].includes(b.simdLevel), b.simdLevel);
    contractInTree(app, 'wasm');
  });

  it('@ruvector/core binary unloadable (damaged prebuild): wasm is chosen and the contract suite passes', () => {
    const app = tree({ core: 'corrupt' });
    const b = loaded(probe(app), 'wasm');
    assert.match(b.reason, /^fallback: @ruvector\/core failed to load: .*(invalid ELF header|file too short|not a shared object); using @ruvector\/wasm$/);
    contractInTree(app, 'wasm');
  });

  it("a foreign @ruvector/core (the registry's older package of that name) is refused: wasm is chosen", () => {
    const app = tree({ core: 'foreign' });
    const b = loaded(probe(app), 'wasm');
    assert.match(b.reason, /the installed @ruvector\/core 0\.1\.32 is not the ruvector engine/);
  });

  it('both removed: UNSUPPORTED names both failures and the install commands', () => {
    const app = tree({ core: 'absent', wasm: 'absent' });
    for (const mode of ['require', 'import']) {
      const e = failed(probe(app, { mode }));
      assert.match(e.message, /^UNSUPPORTED: ruvector has no usable backend \(Node v\d+\.\d+\.\d+ on \w+-\w+\)\. Tried, in order:/);
      assert.match(e.message, /\n {2}- native \(@ruvector\/core\): @ruvector\/core is not installed \(Cannot find module '@ruvector\/core'\)/);
      assert.match(e.message, /\n {2}- wasm \(@ruvector\/wasm\): @ruvector\/wasm is not installed \(Cannot find module '@ruvector\/wasm'\)/);
      assert.match(e.message, /To fix it, run:\n {2}npm install @ruvector\/core@0\.1\.0\n {2}npm install @ruvector\/wasm@0\.1\.0\n/);
      assert.match(e.message, /npx ruvector doctor/);
      assert.deepEqual(e.tried.map((t) => t.name), ['native', 'wasm']);
      assert.equal(e.forced, null);
    }
  });

  it('both damaged: UNSUPPORTED with each reason and reinstall / build-from-source commands', () => {
    const app = tree({ core: 'corrupt', wasm: 'corrupt' });
    const e = failed(probe(app));
    assert.match(e.message, /- native \(@ruvector\/core\): @ruvector\/core failed to load: /);
    assert.match(e.message, /- wasm \(@ruvector\/wasm\): .*ruvector(-simd)?\.wasm does not validate as WebAssembly/);
    assert.match(e.message, /npm install --force @ruvector\/core@0\.1\.0/);
    assert.match(e.message, /build:from-source/);
    assert.match(e.message, /npm install --force @ruvector\/wasm@0\.1\.0/);
  });

  it('RUVECTOR_BACKEND=native that cannot load is an error, never a switch to wasm', () => {
    const app = tree({ core: 'absent' });
    const e = failed(probe(app, { backend: 'native' }));
    assert.match(e.message, /^UNSUPPORTED: RUVECTOR_BACKEND=native forces the native backend, but @ruvector\/core cannot be used/);
    assert.match(e.message, /does not switch to another backend/);
    assert.match(e.message, /npm install @ruvector\/core@0\.1\.0/);
    assert.match(e.message, /unset RUVECTOR_BACKEND/);
    assert.doesNotMatch(e.message, /@ruvector\/wasm\)/, 'wasm was not tried');
    assert.deepEqual(e.tried.map((t) => t.name), ['native']);
    assert.equal(e.forced, 'native');
  });

  it('RUVECTOR_BACKEND=wasm that cannot load is an error, although native would load', () => {
    const app = tree({ wasm: 'absent' });
    const e = failed(probe(app, { backend: 'wasm' }));
    assert.match(e.message, /^UNSUPPORTED: RUVECTOR_BACKEND=wasm forces the wasm backend, but @ruvector\/wasm cannot be used/);
    assert.deepEqual(e.tried.map((t) => t.name), ['wasm']);
    // Unset, the same tree loads native.
    loaded(probe(app), 'native');
  });

  it('an unknown RUVECTOR_BACKEND is INVALID_ARGUMENT', () => {
    const app = tree({});
    const e = failed(probe(app, { backend: 'rvf' }), 'INVALID_ARGUMENT');
    assert.match(e.message, /RUVECTOR_BACKEND=rvf is not a backend; use native, wasm or auto/);
    loaded(probe(app, { backend: 'auto' }), 'native');
  });
});
