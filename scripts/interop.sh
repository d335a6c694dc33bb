#!/usr/bin/env bash
# Runs only the interop tests (tests/ProtoGen.Interop.Tests): ProtoGen against bcoin 1.0.2 (Node.js, a separate
# process on 127.0.0.1) and NBitcoin 10.0.20 (in-process). See docs/interop.md.
#
#   scripts/interop.sh                      # everything: checks/installs the tools, installs bcoin, runs the tests
#   scripts/interop.sh bcoin                # only the bcoin tests
#   scripts/interop.sh nbitcoin             # only the NBitcoin tests
#   scripts/interop.sh -- [dotnet test args] # e.g. -- --filter "FullyQualifiedName~Ping" -c Release
#
# Steps:
#   1. Node.js >= 18, npm, python3, make and g++ must be on PATH (bcoin's two small native modules are compiled by
#      node-gyp). When one is missing and apt-get is available as root, they are installed with apt-get
#      (nodejs npm python3 make g++); otherwise the script stops and says what to install.
#      Set PROTOGEN_INTEROP_NO_APT=1 to never call apt-get.
#   2. tests/interop/bcoin/setup.sh: installs bcoin into tests/interop/bcoin/node_modules (npm registry; idempotent,
#      under a few seconds when already installed). The test fixture runs it too; running it here first gives a
#      clearer error when the npm registry is unreachable.
#   3. dotnet test tests/ProtoGen.Interop.Tests with its own artifacts path ($PROTOGEN_INTEROP_ARTIFACTS, default
#      artifacts/interop under the repository), so it never collides with other builds.
#
# Exits non-zero on any failure. Every bcoin the tests start is stopped by process id, and dies by itself if the test
# host dies (its stdin is a pipe from the test host).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

filter=()
case "${1:-}" in
  bcoin) filter=(--filter "FullyQualifiedName~ProtoGen.Interop.Tests.Bcoin"); shift ;;
  nbitcoin) filter=(--filter "FullyQualifiedName~ProtoGen.Interop.Tests.NBitcoinInterop"); shift ;;
  -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
esac
if [[ "${1:-}" == "--" ]]; then
  shift
elif [[ $# -gt 0 ]]; then
  echo "interop.sh: unknown argument '$1' (use bcoin, nbitcoin, or -- followed by dotnet test arguments)" >&2
  exit 2
fi

say() { echo "interop.sh: $*"; }
die() { echo "interop.sh: ERROR: $*" >&2; exit 1; }

command -v dotnet >/dev/null || die "dotnet not found (the .NET 10 SDK is needed)"

missing=()
for tool in node npm python3 make g++; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "${PROTOGEN_INTEROP_NO_APT:-0}" != 1 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    say "missing ${missing[*]}: installing nodejs npm python3 make g++ with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm python3 make g++ >/dev/null
  else
    die "missing ${missing[*]}: install Node.js >= 18 with npm, python3, make and g++ (Debian/Ubuntu: apt-get install nodejs npm python3 make g++)"
  fi
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$node_major" -ge 18 ]] || die "Node.js >= 18 required, found $(node --version)"

say "installing bcoin (tests/interop/bcoin/setup.sh)"
tests/interop/bcoin/setup.sh

artifacts="${PROTOGEN_INTEROP_ARTIFACTS:-$root/artifacts/interop}"
say "running the interop tests (artifacts in $artifacts)"
start=$(date +%s)
status=0
dotnet test tests/ProtoGen.Interop.Tests --artifacts-path "$artifacts" --logger "console;verbosity=normal" "${filter[@]}" "$@" || status=$?
say "finished in $(( $(date +%s) - start )) s with exit code $status"
exit "$status"
