# Sourced by scripts/test-ruvector.sh and scripts/test-compat.sh (from the repository
# root): makes sure the JS packages can be packed and installed offline.
#   - the @ruvector/core prebuild (scripts/test-node.sh) and the @ruvector/wasm dist
#     (scripts/build-wasm.sh), each built only when missing
#   - lib/compat.cjs of ruvector, generated from lib/compat.mjs
#   - node-addon-api and node-gyp-build (@ruvector/core's dependencies) in the npm
#     cache, for `npm install --offline` of the packed tarballs
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export npm_config_nodedir="${npm_config_nodedir:-/usr}"

scripts/build-contract.sh
shopt -s nullglob
prebuilds=(npm/core/prebuilds/*/*.node)
if [ ${#prebuilds[@]} -eq 0 ]; then
  echo "== @ruvector/core has no prebuild: scripts/test-node.sh"
  scripts/test-node.sh
fi
if [ ! -f npm/wasm/dist/ruvector-simd.wasm ] || [ ! -f npm/wasm/dist/index.cjs ]; then
  echo "== @ruvector/wasm has no dist: scripts/build-wasm.sh"
  scripts/build-wasm.sh
fi
shopt -u nullglob
node npm/ruvector/scripts/build-cjs.mjs
for dep in node-addon-api node-gyp-build; do
  v="$(node -p "require('./npm/core/package.json').dependencies['$dep'].replace(/^[\\^~]/, '')")"
  if [ -f "npm/core/node_modules/$dep/package.json" ]; then
    v="$(node -p "require('./npm/core/node_modules/$dep/package.json').version")"
  fi
  npm cache add --prefer-offline "$dep@$v" >/dev/null 2>&1 || npm cache add "$dep@$v" >/dev/null
done
