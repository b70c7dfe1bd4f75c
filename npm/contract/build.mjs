// Builds the one JS contract (contract.mjs) into the packages that use it:
//   ../core/lib/contract.cjs   CommonJS for @ruvector/core (esbuild)
//   ../wasm/src/contract.mjs   the same ESM file for @ruvector/wasm (browsers load src/ as is)
//   */contract.d.ts            the types (contract.d.ts) beside each package's copy
// Both outputs are generated (gitignored). esbuild (npm) does the ESM -> CommonJS step: it is
// the standard tool for it, and its output keeps the classes and private fields unchanged.
// Usage: node build.mjs [--check]   (--check: exit 1 when an output is missing or stale)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'contract.mjs');
const outputs = {
  cjs: path.join(here, '..', 'core', 'lib', 'contract.cjs'),
  esm: path.join(here, '..', 'wasm', 'src', 'contract.mjs'),
};
// The types, beside each package's copy (the facade re-exports them too).
const typeOutputs = [
  path.join(here, '..', 'core', 'lib', 'contract.d.ts'),
  path.join(here, '..', 'wasm', 'src', 'contract.d.ts'),
  path.join(here, '..', 'ruvector', 'lib', 'contract.d.ts'),
];
const banner = '// Generated from npm/contract/contract.mjs by npm/contract/build.mjs: do not edit.\n';

if (process.argv.includes('--check')) {
  const srcTime = fs.statSync(source).mtimeMs;
  const stale = [...Object.values(outputs), ...typeOutputs].filter((f) => !fs.existsSync(f) || fs.statSync(f).mtimeMs < srcTime);
  if (stale.length) {
    console.error(`contract: missing or older than npm/contract/contract.mjs: ${stale.join(', ')}; run node npm/contract/build.mjs`);
    process.exit(1);
  }
  process.exit(0);
}

const types = fs.readFileSync(path.join(here, 'contract.d.ts'), 'utf8');
for (const f of typeOutputs) {
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, banner + types);
}

const text = fs.readFileSync(source, 'utf8');
fs.mkdirSync(path.dirname(outputs.esm), { recursive: true });
fs.writeFileSync(outputs.esm, banner + text);

const esbuild = await import('esbuild');
fs.mkdirSync(path.dirname(outputs.cjs), { recursive: true });
await esbuild.build({
  entryPoints: [source],
  outfile: outputs.cjs,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2022',
  bundle: false,
  banner: { js: banner.trimEnd() },
  logLevel: 'warning',
});
console.log('contract: wrote npm/core/lib/contract.cjs, npm/wasm/src/contract.mjs and the contract.d.ts copies');
