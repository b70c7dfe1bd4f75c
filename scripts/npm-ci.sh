#!/usr/bin/env bash
# scripts/npm-ci.sh <package folder>: `npm ci` there when node_modules is missing or was
# installed from another package-lock.json (a hash stamp in node_modules); else nothing.
set -euo pipefail
cd "$1"
stamp=node_modules/.ruvector-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f $stamp ]] || [[ "$(cat "$stamp")" != "$want" ]]; then
  echo "== npm ci ($1)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
