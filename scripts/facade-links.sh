#!/usr/bin/env bash
# Development links npm/ruvector/node_modules/@ruvector/{core,wasm} -> npm/{core,wasm}
# (what `file:` dependencies would make; npm never resolves these names here, so the
# registry's packages of the same names are never fetched). Run from the repository root.
set -euo pipefail
mkdir -p npm/ruvector/node_modules/@ruvector
for p in core wasm; do
  link=npm/ruvector/node_modules/@ruvector/$p
  if [ "$(readlink "$link" 2>/dev/null)" != "../../../$p" ]; then
    rm -rf "$link"
    ln -s "../../../$p" "$link"
  fi
done
