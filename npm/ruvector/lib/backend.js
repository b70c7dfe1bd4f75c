'use strict';
// Backend selection for `ruvector` in Node (index.js, and `ruvector doctor`).
//
// Order: native (@ruvector/core, the Node-API addon) -> wasm (@ruvector/wasm) -> an
// Error with code UNSUPPORTED that names what was tried, why each one failed and the
// commands that fix it. RUVECTOR_BACKEND=native|wasm tries that one only: forcing a
// backend that cannot load is an error, never a silent switch to the other one.
// Nothing is printed, on success or failure: the caller decides what to show.
//
// A backend "loads" when its package is ours (the npm registry also holds the
// reference system's packages under the same names: they are detected by their API
// and refused), its major.minor version is the one this package was made with, and
// its engine is usable: the native binary is dlopen'ed by require(); for wasm the
// .wasm file the loader will use is read and validated (WebAssembly.validate also
// fails when this JavaScript engine lacks wasm exception handling or SIMD).
const fs = require('fs');
const path = require('path');

const SELF = require('../package.json');

const PACKAGES = { native: '@ruvector/core', wasm: '@ruvector/wasm' };
const ORDER = ['native', 'wasm'];
const ENV = 'RUVECTOR_BACKEND';

function wanted(pkg) {
  return (SELF.optionalDependencies && SELF.optionalDependencies[pkg]) || SELF.version;
}
function majorMinor(v) {
  return String(v).split('.').slice(0, 2).join('.');
}

function rvError(code, message, Ctor = Error) {
  const e = new Ctor(`${code}: ${message}`);
  e.code = code;
  return e;
}

// Why a probe failed, in one line, plus the kind of failure (it decides the fix).
class ProbeError extends Error {
  constructor(kind, message, cause) {
    super(message);
    this.kind = kind;  // 'missing' | 'foreign' | 'version' | 'binary' | 'engine'
    if (cause) this.cause = cause;
  }
}

function firstLine(e) {
  const text = e && e.message ? String(e.message) : String(e);
  return text.split('\n')[0].trim();
}

function loadPackage(req, pkg) {
  try {
    return req(pkg);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && firstLine(e).includes(`'${pkg}'`))
      throw new ProbeError('missing', `${pkg} is not installed (${firstLine(e)})`, e);
    throw new ProbeError('binary', `${pkg} failed to load: ${firstLine(e)}`, e);
  }
}

function packageVersion(req, pkg) {
  try {
    return req(`${pkg}/package.json`).version;
  } catch {
    return null;
  }
}

function checkVersion(pkg, version) {
  const want = wanted(pkg);
  if (version && majorMinor(version) !== majorMinor(want))
    throw new ProbeError('version', `${pkg} ${version} is installed, but ruvector ${SELF.version} needs ${want}`);
}

function probeNative(req) {
  const pkg = PACKAGES.native;
  const version = packageVersion(req, pkg);
  const m = loadPackage(req, pkg);
  if (typeof m.VectorDb !== 'function' || typeof m.simdLevel !== 'function' || typeof m.version !== 'function')
    throw new ProbeError('foreign', `the installed ${pkg}${version ? ' ' + version : ''} is not the ruvector engine ` +
      'this package needs (it lacks simdLevel(); probably the npm registry\'s older package of the same name)');
  checkVersion(pkg, version);
  let file = null;
  try {
    file = m.binaryPath;
  } catch { /* diagnostics only */ }
  return {
    name: 'native', package: pkg, packageVersion: version, module: m, path: file,
    engineVersion: m.version(),
  };
}

function probeWasm(req) {
  const pkg = PACKAGES.wasm;
  const version = packageVersion(req, pkg);
  const m = loadPackage(req, pkg);
  if (typeof m.VectorDb !== 'function' || typeof m.ready !== 'function' || !m.capabilities || typeof m.simdLevel !== 'function')
    throw new ProbeError('foreign', `the installed ${pkg}${version ? ' ' + version : ''} is not the ruvector engine ` +
      'this package needs (it lacks ready() and capabilities; probably the npm registry\'s older package of the same name)');
  checkVersion(pkg, version);
  // The module file the Node loader of @ruvector/wasm will read (dist/<variant>[-node].wasm).
  const dist = path.dirname(req.resolve(pkg));
  const base = m.detectSIMD() ? 'ruvector-simd' : 'ruvector';
  const own = path.join(dist, `${base}-node.wasm`);
  const file = fs.existsSync(own) ? own : path.join(dist, `${base}.wasm`);
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new ProbeError('binary', `${pkg} is incomplete: cannot read ${file} (${e.code || firstLine(e)})`, e);
  }
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes))
    throw new ProbeError('engine', `${file} does not validate as WebAssembly in Node ${process.version} ` +
      '(a damaged file, or a JavaScript engine without wasm exception handling)');
  return { name: 'wasm', package: pkg, packageVersion: version, module: m, path: file, engineVersion: m.version() };
}

const PROBES = { native: probeNative, wasm: probeWasm };

/** The value of RUVECTOR_BACKEND: null (auto), 'native' or 'wasm'. Anything else throws. */
function forcedBackend(env) {
  const raw = env[ENV];
  if (raw === undefined || raw === null) return null;
  const v = String(raw).trim().toLowerCase();
  if (v === '' || v === 'auto') return null;
  if (v === 'native' || v === 'wasm') return v;
  throw rvError('INVALID_ARGUMENT', `${ENV}=${raw} is not a backend; use native, wasm or auto (or leave it unset)`);
}

/**
 * Tries the backends in order (or only the forced one). Never throws for a backend
 * that fails: returns {backend | null, tried: [{name, package, error, kind, cause}], forced}.
 */
function selectBackend({ env = process.env, require: req = require, only = null } = {}) {
  const forced = forcedBackend(env);
  const order = only ? [only] : forced ? [forced] : ORDER;
  const tried = [];
  for (const name of order) {
    try {
      const b = PROBES[name](req);
      if (forced) b.reason = `${ENV}=${forced}`;
      else if (tried.length === 0) b.reason = `first choice: ${b.package} (${name === 'native' ? 'native addon' : 'WebAssembly'}) loaded`;
      else b.reason = `fallback: ${tried.map((t) => t.error).join('; ')}; using ${b.package}`;
      return { backend: b, tried, forced };
    } catch (e) {
      tried.push({ name, package: PACKAGES[name], error: e.message, kind: e.kind || 'binary', cause: e.cause || e });
    }
  }
  return { backend: null, tried, forced };
}

// The commands that fix one failed backend.
function fixFor(t) {
  const spec = `${t.package}@${wanted(t.package)}`;
  if (t.name === 'native') {
    switch (t.kind) {
      case 'missing':
      case 'foreign':
      case 'version':
        return [`npm install ${spec}`];
      default:
        return [`npm install --force ${spec}    # reinstall (prebuilt for linux-x64, glibc >= 2.34)`,
          'npm --prefix node_modules/@ruvector/core run build:from-source    # other platforms: needs cmake, a C++20 compiler, liblmdb-dev, nlohmann-json3-dev'];
    }
  }
  if (t.kind === 'engine') return [`npm install --force ${spec}    # needs Node >= 18 (WebAssembly exception handling)`];
  return t.kind === 'missing' || t.kind === 'foreign' || t.kind === 'version' ? [`npm install ${spec}`] : [`npm install --force ${spec}`];
}

/** The UNSUPPORTED error for a failed selection (tried, forced). */
function unsupportedError({ tried, forced }) {
  const where = `Node ${process.version} on ${process.platform}-${process.arch}`;
  const lines = [];
  if (forced) {
    lines.push(`${ENV}=${forced} forces the ${forced} backend, but ${PACKAGES[forced]} cannot be used (${where}); ` +
      'ruvector does not switch to another backend when one is forced.');
  } else {
    lines.push(`ruvector has no usable backend (${where}). Tried, in order:`);
  }
  for (const t of tried) lines.push(`  - ${t.name} (${t.package}): ${t.error}`);
  lines.push('To fix it, run:');
  const fixes = [];
  for (const t of tried) for (const f of fixFor(t)) if (!fixes.includes(f)) fixes.push(f);
  for (const f of fixes) lines.push(`  ${f}`);
  if (forced) lines.push(`or unset ${ENV} to let ruvector pick a backend that loads.`);
  else lines.push('(one of them is enough: @ruvector/wasm runs wherever Node >= 18 runs; both are optional dependencies of ruvector, ' +
    'skipped by `npm install --omit=optional` or a failed install).');
  lines.push('Then check with: npx ruvector doctor');
  const e = rvError('UNSUPPORTED', lines.join('\n'));
  e.tried = tried.map(({ name, package: pkg, error }) => ({ name, package: pkg, error }));
  e.forced = forced;
  return e;
}

module.exports = { selectBackend, unsupportedError, forcedBackend, rvError, PACKAGES, ORDER, ENV };
