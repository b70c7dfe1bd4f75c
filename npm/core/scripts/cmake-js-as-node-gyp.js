#!/usr/bin/env node
'use strict';
// prebuildify drives node-gyp (`node-gyp rebuild --target=... --release`); this
// stand-in (PREBUILD_NODE_GYP) builds with cmake-js instead, so CMake stays the one
// build system. The addon is Node-API (binary.napi_versions in package.json), so
// cmake-js uses the node-api-headers package and downloads nothing; the Node
// version prebuildify asks for does not matter.
const { spawnSync } = require('child_process');
const path = require('path');

const args = process.argv.slice(2);
const debug = args.includes('--debug');
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn', ...(debug ? ['--debug'] : [])], {
  cwd: path.resolve(__dirname, '..'),
  stdio: 'inherit',
});
process.exit(r.status === null ? 1 : r.status);
