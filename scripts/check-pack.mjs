#!/usr/bin/env node
// prepack guard of the three npm packages: `npm pack` (and `npm publish`) refuse, with
// a clear message and exit status 1, to pack a package whose built files are missing
// or older than the sources they are built from, or whose version is not the VERSION
// file's. Run from a package folder (its package.json "prepack") or as
//   node scripts/check-pack.mjs core|wasm|ruvector
// Fix by building: `make packages` (everything), scripts/build-node.sh (@ruvector/core),
// scripts/build-wasm.sh (@ruvector/wasm).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENGINE = ['VERSION', 'CMakeLists.txt', 'cmake', 'include', 'src'];

// What each package ships that is built, and what it is built from (paths from the
// repository root; folders count by their newest file).
const CONTRACT = ['npm/contract/contract.mjs', 'npm/contract/contract.d.ts', 'npm/contract/build.mjs'];

export const PACKAGES = {
  core: {
    name: '@ruvector/core',
    build: 'scripts/build-node.sh',
    built: [{ dir: 'npm/core/prebuilds', platforms: ['linux-x64', 'linux-arm64'], suffix: '.node' }],
    from: [...ENGINE, 'bindings/node', 'npm/core/CMakeLists.txt'],
    // The JS contract, generated from npm/contract by scripts/build-contract.sh.
    js: { built: ['npm/core/lib/contract.cjs', 'npm/core/lib/contract.d.ts'], from: CONTRACT },
  },
  wasm: {
    name: '@ruvector/wasm',
    build: 'scripts/build-wasm.sh',
    built: ['ruvector.wasm', 'ruvector.mjs', 'ruvector-node.cjs', 'ruvector-simd.wasm', 'ruvector-simd.mjs',
      'ruvector-simd-node.cjs'].map((f) => `npm/wasm/dist/${f}`),
    from: [...ENGINE, 'bindings/wasm'],
    // dist/index.cjs is made from the ESM sources, not from the engine.
    js: [
      { built: ['npm/wasm/dist/index.cjs'], from: ['npm/wasm/src', 'npm/wasm/scripts', ...CONTRACT] },
      { built: ['npm/wasm/src/contract.mjs', 'npm/wasm/src/contract.d.ts'], from: CONTRACT },
    ],
  },
  ruvector: {
    name: 'ruvector', build: 'scripts/build-contract.sh', built: ['npm/ruvector/lib/contract.d.ts'],
    from: ['npm/contract/contract.d.ts'],
  },
};

function newest(rel) {
  const p = path.join(root, rel);
  if (!fs.existsSync(p)) return null;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return { file: rel, mtime: st.mtimeMs };
  let best = null;
  for (const e of fs.readdirSync(p)) {
    const n = newest(path.join(rel, e));
    if (n && (!best || n.mtime > best.mtime)) best = n;
  }
  return best;
}

function builtFiles(entry) {
  if (typeof entry === 'string') return [entry];
  return entry.platforms.map((platform) => {
    const dir = path.join(entry.dir, platform);
    const found = fs.existsSync(path.join(root, dir))
      ? fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(entry.suffix)) : [];
    return found.length ? path.join(dir, found[0]) : path.join(dir, `*${entry.suffix}`);
  });
}

/** The reasons `key` must not be packed now ([] when it may). */
export function packProblems(key) {
  const spec = PACKAGES[key];
  const problems = [];
  const version = fs.readFileSync(path.join(root, 'VERSION'), 'utf8').trim();
  const dir = key === 'ruvector' ? 'npm/ruvector' : `npm/${key}`;
  const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  if (manifest.version !== version) problems.push(`package.json version ${manifest.version} is not VERSION's ${version}`);
  for (const [dep, v] of Object.entries(manifest.optionalDependencies ?? {}))
    if (dep.startsWith('@ruvector/') && v !== version) problems.push(`optionalDependencies ${dep} ${v} is not VERSION's ${version}`);
  const groups = [{ built: spec.built, from: spec.from, build: spec.build }];
  for (const js of [].concat(spec.js ?? [])) groups.push({ ...js, build: spec.build });
  for (const g of groups) {
    const source = g.from.map(newest).filter(Boolean).reduce((a, b) => (b.mtime > a.mtime ? b : a), { mtime: 0 });
    for (const f of g.built.flatMap(builtFiles)) {
      const p = path.join(root, f);
      if (!fs.existsSync(p)) problems.push(`${f} is missing`);
      else if (fs.statSync(p).mtimeMs < source.mtime) problems.push(`${f} is older than ${source.file}`);
    }
  }
  return problems;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const key = process.argv[2] ?? Object.keys(PACKAGES).find((k) => PACKAGES[k].name === process.env.npm_package_name);
  if (!PACKAGES[key]) {
    console.error(`check-pack: which package? (core, wasm or ruvector; got ${key})`);
    process.exit(2);
  }
  const problems = packProblems(key);
  if (problems.length) {
    const spec = PACKAGES[key];
    console.error(`npm pack ${spec.name}: refused, the package would ship missing or stale files:\n` +
      problems.map((p) => `  - ${p}`).join('\n') +
      `\nbuild first: make packages${spec.build ? ` (or ${spec.build})` : ''}; versions: node scripts/set-version.mjs`);
    process.exit(1);
  }
}
