#!/usr/bin/env bash
# Estimates what reusing block arrays would buy benchmark 2's v1 block transfer (docs/benchmarks.md, "v1 between two
# peers, second look"): builds HEAD with scripts/experiments/block-array-reuse.patch (a payload array is reused once
# 32 newer ones of its length exist, switched by PG_REUSE), then runs `--loop v1 64 COUNT` alternately without and
# with reuse ROUNDS times (the first two transfers of each run dropped) and prints, for each side, the best and median
# MB/s and the least and median process CPU per transfer. Not a product change: the patch is unsafe for real users.
# Usage: scripts/experiment-block-array-reuse.sh [ROUNDS=8] [COUNT=15] [collect]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/experiments/transfer-lines.sh
rounds=${1:-8}
count=${2:-15}
extra=${3:-}
work=$(mktemp -d /tmp/protogen-reuse.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
git archive HEAD | tar -x -C "$work/src"
(cd "$work/src" && git apply "$root/scripts/experiments/block-array-reuse.patch")
(cd "$work/src" && dotnet build -c Release bench/ProtoGen.Benchmarks --artifacts-path "$work/art" -v quiet -nologo >/dev/null)
bin="$work/art/bin/ProtoGen.Benchmarks/release/ProtoGen.Benchmarks"
for round in $(seq 1 "$rounds"); do
  for side in 0 1; do
    PG_REUSE=$side "$bin" --loop v1 64 "$count" $extra | transfer_rows "$work/$side.txt"
  done
  echo "round $round of $rounds done (load $(cut -d' ' -f1 /proc/loadavg))"
done
for side in 0 1; do
  label=$([ "$side" = 1 ] && echo "arrays reused" || echo "new arrays   ")
  echo "$label (v1 64 KiB${extra:+, $extra}), $(transfer_summary "$work/$side.txt")"
done
