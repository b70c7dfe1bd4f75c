#!/usr/bin/env node
// Changes the project's version everywhere it is written down:
//   node scripts/set-version.mjs 0.2.0
// The VERSION file at the repository root is the source; CMake reads it (the library's
// ruvector::version(), the C++ CLI, the addon and the wasm module report it). This
// script copies it into what npm needs as literal text: the three package.json files,
// their lockfiles' root entries, ruvector's optionalDependencies on @ruvector/core and
// @ruvector/wasm, and @ruvector/wasm's PACKAGE_VERSION (reported before the module
// loads). tests/version/check_versions.cmake fails the build when any of them differ.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = process.argv[2];
if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
  console.error('usage: node scripts/set-version.mjs MAJOR.MINOR.PATCH');
  process.exit(2);
}

function editJson(rel, edit) {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) return;
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(doc);
  fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`set-version: ${rel}`);
}

fs.writeFileSync(path.join(root, 'VERSION'), `${version}\n`);
for (const pkg of ['npm/core', 'npm/wasm', 'npm/ruvector']) {
  editJson(`${pkg}/package.json`, (doc) => {
    doc.version = version;
    for (const dep of ['@ruvector/core', '@ruvector/wasm'])
      if (doc.optionalDependencies?.[dep]) doc.optionalDependencies[dep] = version;
  });
  editJson(`${pkg}/package-lock.json`, (doc) => {
    doc.version = version;
    if (doc.packages?.['']) {
      doc.packages[''].version = version;
      for (const dep of ['@ruvector/core', '@ruvector/wasm'])
        if (doc.packages[''].optionalDependencies?.[dep]) doc.packages[''].optionalDependencies[dep] = version;
    }
  });
}
const api = path.join(root, 'npm/wasm/src/api.mjs');
fs.writeFileSync(api, fs.readFileSync(api, 'utf8').replace(/^export const PACKAGE_VERSION = '[^']*';$/m,
  `export const PACKAGE_VERSION = '${version}';`));
console.log(`set-version: VERSION and npm/wasm/src/api.mjs -> ${version}`);
