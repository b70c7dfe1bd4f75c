// Runs the compatibility programs (tests/compat/programs/*) against our packed
// tarballs, as a user who switches from the reference system would:
//   1. npm pack npm/core, npm/wasm and npm/ruvector into a temporary folder, or take the
//      tarballs `make packages` made (RUVECTOR_PACKAGES_DIR, as `make compat-test` does)
//   2. npm install the three tarballs into an empty app, --offline, with the @ruvector
//      scope pointed at a dead registry (the registry's packages of the same names,
//      the reference's, can never be taken), then check the lockfile (every package
//      from a local .tgz, the VERSION file's version) and what loads (our .node and .wasm files
//      inside the app, our engine version, not the reference's 2.3.0)
//   3. each program runs with node in a fresh working directory of the app, once per
//      backend its header names (`// compat: backends=native,wasm`); for programs
//      importing `ruvector` the backend is RUVECTOR_BACKEND. Reference-written files
//      (tests/data/reference/) are copied to <app>/fixtures when present.
// A program passes when it exits 0 (each asserts real outputs with node:assert).
// Patterns listed in tests/compat/pending.txt (name, then why) wait for work that is
// not on main yet: they run and are reported, and fail the run only with --all or
// when named on the command line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const DEAD = 'http://127.0.0.1:9';
const VERSION = fs.readFileSync(path.join(repo, 'VERSION'), 'utf8').trim();
const PACKAGES_DIR = process.env.RUVECTOR_PACKAGES_DIR ? path.resolve(repo, process.env.RUVECTOR_PACKAGES_DIR) : null;
const args = process.argv.slice(2);
const all = args.includes('--all');
const only = args.filter((a) => !a.startsWith('--'));

function npm(argv, cwd) {
  const env = { ...process.env };
  delete env.npm_config_nodedir;
  const r = spawnSync('npm', argv, { cwd, env, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`npm ${argv.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function nodeIn(cwd, argv, env = {}) {
  const e = { ...process.env, ...env };
  delete e.NODE_PATH;
  delete e.NODE_TEST_CONTEXT;
  if (!('RUVECTOR_BACKEND' in env)) delete e.RUVECTOR_BACKEND;
  return spawnSync(process.execPath, argv, { cwd, env: e, encoding: 'utf8', timeout: 180_000 });
}

const inside = (p, dir) => fs.realpathSync(p).startsWith(fs.realpathSync(dir) + path.sep);

// ---- the patterns ----
const programs = fs.readdirSync(path.join(here, 'programs')).filter((f) => /\.(mjs|cjs)$/.test(f)).sort();
const pending = new Map();
for (const line of fs.readFileSync(path.join(here, 'pending.txt'), 'utf8').split('\n')) {
  const t = line.trim();
  if (!t || t.startsWith('#')) continue;
  const [name, ...why] = t.split(/\s+/);
  if (!programs.includes(name)) throw new Error(`pending.txt names ${name}, which is not in tests/compat/programs`);
  pending.set(name, why.join(' '));
}
for (const o of only) if (!programs.includes(o)) throw new Error(`no program ${o} in tests/compat/programs`);
const selected = only.length ? programs.filter((p) => only.includes(p)) : programs;

function backendsOf(file) {
  const head = fs.readFileSync(path.join(here, 'programs', file), 'utf8').split('\n').slice(0, 12).join('\n');
  const m = /\/\/ compat: backends=([a-z,]+)/.exec(head);
  if (!m) throw new Error(`${file}: the header lacks '// compat: backends=...'`);
  return m[1].split(',');
}

// ---- pack and install ----
const t0 = Date.now();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-compat-'));
const app = path.join(tmp, 'app');
let failed = 0;
try {
  const tarballs = [];
  for (const [name, dir] of [['@ruvector/core', 'npm/core'], ['@ruvector/wasm', 'npm/wasm'], ['ruvector', 'npm/ruvector']]) {
    if (PACKAGES_DIR) {
      const file = path.join(PACKAGES_DIR, `${name.replace('@', '').replace('/', '-')}-${VERSION}.tgz`);
      assert.ok(fs.existsSync(file), `make packages made no ${path.basename(file)} in ${PACKAGES_DIR}`);
      tarballs.push(file);
    } else {
      const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', tmp], path.join(repo, dir)).replace(/^[^[]*/, ''));
      tarballs.push(path.join(tmp, packed[0].filename));
    }
  }
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'compat-app', version: '1.0.0', private: true }));
  npm(['install', '--offline', '--no-audit', '--no-fund', `--@ruvector:registry=${DEAD}`, ...tarballs], app);

  const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
  for (const name of ['ruvector', '@ruvector/core', '@ruvector/wasm']) {
    const entry = lock.packages[`node_modules/${name}`];
    assert.equal(entry.version, VERSION, name);
    assert.match(entry.resolved, /^file:.*\.tgz$/, `${name} came from ${entry.resolved}, not our tarball`);
  }
  const probe = nodeIn(app, ['-e', `
    const core = require('@ruvector/core');
    const rvw = require('ruvector');
    console.log(JSON.stringify({ core: core.version(), bin: core.binaryPath, wasm: require('@ruvector/wasm').version() }));`]);
  assert.equal(probe.status, 0, probe.stderr);
  const loaded = JSON.parse(probe.stdout);
  assert.equal(loaded.core, VERSION, 'our engine (the reference binary reports 2.3.0)');
  assert.ok(inside(loaded.bin, path.join(app, 'node_modules/@ruvector/core/prebuilds')), loaded.bin);
  const wprobe = nodeIn(app, ['-e', `const rv = require('ruvector'); rv.ready().then((b) => console.log(JSON.stringify(b)));`],
    { RUVECTOR_BACKEND: 'wasm' });
  assert.equal(wprobe.status, 0, wprobe.stderr);
  const wb = JSON.parse(wprobe.stdout);
  assert.equal(wb.name, 'wasm');
  assert.ok(inside(wb.path, path.join(app, 'node_modules/@ruvector/wasm/dist')), wb.path);
  console.log(`compat: installed our tarballs offline in ${app} (${((Date.now() - t0) / 1000).toFixed(1)} s); ` +
    `native binary ${path.relative(app, loaded.bin)}, wasm ${path.relative(app, wb.path)}`);

  const fixtures = path.join(repo, 'tests/data/reference');
  if (fs.existsSync(fixtures)) fs.cpSync(fixtures, path.join(app, 'fixtures'), { recursive: true });
  fs.mkdirSync(path.join(app, 'programs'));
  for (const p of selected) fs.copyFileSync(path.join(here, 'programs', p), path.join(app, 'programs', p));

  // ---- run ----
  const rows = [];
  for (const p of selected) {
    for (const backend of backendsOf(p)) {
      const cwd = path.join(app, 'work', `${p.replace(/\.\w+$/, '')}-${backend}`);
      fs.mkdirSync(cwd, { recursive: true });
      const started = Date.now();
      const r = nodeIn(cwd, [path.join(app, 'programs', p)], { RUVECTOR_BACKEND: backend, COMPAT_FIXTURES: path.join(app, 'fixtures') });
      const ok = r.status === 0;
      const gating = all || only.length > 0 || !pending.has(p);
      rows.push({ p, backend, ok, gating, ms: Date.now() - started });
      const tag = ok ? 'PASS' : gating ? 'FAIL' : 'FAIL (pending)';
      console.log(`${tag.padEnd(15)} ${p} [${backend}] ${Date.now() - started} ms`);
      if (!ok) {
        const why = (r.stderr || r.stdout || (r.error ? String(r.error) : '')).trim().split('\n').slice(0, 8).map((l) => `    ${l}`).join('\n');
        console.log(why);
        if (gating) failed++;
      } else if (pending.has(p) && !gating) {
        console.log(`    note: ${p} is listed in tests/compat/pending.txt but passes now`);
      }
    }
  }
  const pass = rows.filter((r) => r.ok).length;
  const pend = rows.filter((r) => !r.ok && !r.gating);
  console.log(`compat: ${pass}/${rows.length} runs pass (${selected.length} patterns); ` +
    `${failed} gating failures; ${pend.length} pending failures` +
    (pend.length ? ` (${[...new Set(pend.map((r) => r.p))].join(', ')}: see tests/compat/pending.txt)` : '') +
    `; ${((Date.now() - t0) / 1000).toFixed(1)} s in total`);
} catch (e) {
  console.error(e);
  failed++;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
