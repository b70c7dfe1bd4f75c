#!/usr/bin/env node
'use strict';
// prepack: copies the engine sources the addon needs into deps/ruvector, so the
// packed tarball can still be built from source (`npm run build:from-source`) on a
// platform without a prebuilt binary. postpack (--clean) removes the copy.
const fs = require('fs');
const path = require('path');

const pkg = path.resolve(__dirname, '..');
const root = path.resolve(pkg, '..', '..');
const dest = path.join(pkg, 'deps', 'ruvector');

fs.rmSync(path.join(pkg, 'deps'), { recursive: true, force: true });
if (process.argv.includes('--clean')) process.exit(0);

const parts = ['CMakeLists.txt', 'VERSION', 'LICENSE', 'include', 'src', 'cmake', path.join('bindings', 'node')];
for (const p of parts) {
  const from = path.join(root, p);
  if (!fs.existsSync(from)) continue;
  fs.cpSync(from, path.join(dest, p), { recursive: true });
}
if (!fs.existsSync(path.join(dest, 'CMakeLists.txt'))) {
  console.error(`vendor.js: no engine found at ${root}`);
  process.exit(1);
}
console.error(`vendor.js: engine copied to ${path.relative(pkg, dest)}`);
