#!/usr/bin/env bash
# setup.sh - install the pinned bcoin (1.0.2) into tests/interop/bcoin/node_modules.
#
# Idempotent: when node_modules already matches package-lock.json and this
# Node.js, it only re-checks that bcoin loads (well under a second).
# Set BCOIN_SETUP_FORCE=1 to reinstall anyway.
#
# How: `npm ci --ignore-scripts` (no install script runs, so the old native
# modules that do not build on Node 20 are skipped; leveldown is overridden to
# 5.6.0 in package.json, and it is never loaded by the in-memory node anyway),
# then `npm rebuild mrmr bsip` compiles just the two small native modules bcoin
# needs (mrmr has no JS fallback). Needs node >= 18, npm, python3, make, g++ and
# the Node.js headers that come with the node package (node-gyp must not try to
# download them: there is no internet here).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$DIR"
START_NS=$(date +%s%N)

die() { echo "setup.sh: ERROR: $*" >&2; exit 1; }
elapsed() { echo "$(( ($(date +%s%N) - START_NS) / 1000000 ))"; }

command -v node >/dev/null || die "node not found (Node.js >= 18 required)"
command -v npm >/dev/null || die "npm not found"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 18 ] || die "Node.js >= 18 required, found $(node --version)"
[ -f package-lock.json ] || die "package-lock.json missing in $DIR"

STAMP=node_modules/.protogen-bcoin-setup
WANT="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node --version) abi-$(node -p process.versions.modules)"

check_load() {
  node -e "
    require('mrmr'); require('bsip');
    const FullNode = require('bcoin/lib/node/fullnode');
    const pkg = require('bcoin/package.json');
    if (pkg.version !== '1.0.2') throw new Error('bcoin ' + pkg.version + ' installed, 1.0.2 expected');
    if (require('bsip') === require('bsip/lib/siphash-browser')) throw new Error('bsip native binding not loaded');
  "
}

if [ "${BCOIN_SETUP_FORCE:-0}" != 1 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && check_load 2>/dev/null; then
  echo "setup.sh: bcoin 1.0.2 already installed in $DIR/node_modules ($(elapsed) ms)"
  exit 0
fi

for tool in python3 make g++; do
  command -v "$tool" >/dev/null || die "$tool not found (needed by node-gyp to build mrmr and bsip)"
done

echo "setup.sh: npm ci --ignore-scripts (bcoin 1.0.2, leveldown overridden to 5.6.0)"
rm -f "$STAMP"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
  || die "npm ci failed (is the npm registry reachable? see output above)"

echo "setup.sh: npm rebuild mrmr bsip (native builds via node-gyp)"
npm rebuild mrmr bsip --no-audit --no-fund --loglevel=error \
  || die "npm rebuild mrmr bsip failed (compiler or Node.js headers missing? see output above)"

[ -f node_modules/mrmr/build/Release/mrmr.node ] || die "mrmr native module was not built"
[ -f node_modules/bsip/build/Release/bsip.node ] || die "bsip native module was not built"
check_load || die "bcoin does not load after install"

echo "$WANT" > "$STAMP"
echo "setup.sh: bcoin 1.0.2 installed in $DIR/node_modules in $(elapsed) ms"
