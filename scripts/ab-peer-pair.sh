#!/usr/bin/env bash
# A/B of benchmark 2's v1 block transfer between an earlier commit and the working tree, for a machine too noisy for
# two separate BenchmarkDotNet runs: builds both (the base gets today's PeerPairLoop.cs and TransferCounters.cs, so
# both print process CPU per transfer), then runs them alternately ROUNDS times, COUNT transfers each (the first two
# of each run dropped), and prints for each side the best and median MB/s and the least and median process CPU per
# transfer (both peers).
# Usage: scripts/ab-peer-pair.sh BASE_COMMIT [ROUNDS=5] [COUNT=15] [plain|encoded] [BUFFER_KIB=64]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/experiments/transfer-lines.sh
base=${1:?usage: scripts/ab-peer-pair.sh BASE_COMMIT [ROUNDS] [COUNT] [plain|encoded] [BUFFER_KIB]}
rounds=${2:-5}
count=${3:-15}
mode=${4:-plain}
buffer=${5:-64}
extra=""
if [ "$mode" = encoded ]; then extra=encoded; fi
work=$(mktemp -d /tmp/protogen-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base-src"
git archive "$base" | tar -x -C "$work/base-src"
cp bench/ProtoGen.Benchmarks/PeerPairLoop.cs "$work/base-src/bench/ProtoGen.Benchmarks/PeerPairLoop.cs"
cp bench/ProtoGen.Benchmarks/TransferCounters.cs "$work/base-src/bench/ProtoGen.Benchmarks/TransferCounters.cs"
(cd "$work/base-src" && dotnet build -c Release bench/ProtoGen.Benchmarks --artifacts-path "$work/base" -v quiet -nologo >/dev/null)
dotnet build -c Release bench/ProtoGen.Benchmarks --artifacts-path "$work/new" -v quiet -nologo >/dev/null
for round in $(seq 1 "$rounds"); do
  for side in base new; do
    "$work/$side/bin/ProtoGen.Benchmarks/release/ProtoGen.Benchmarks" --loop v1 "$buffer" "$count" $extra \
      | transfer_rows "$work/$side.txt"
  done
  echo "round $round of $rounds done (load $(cut -d' ' -f1 /proc/loadavg))"
done
for side in base new; do
  echo "$side (v1 $buffer KiB${extra:+, served encoded}), $(transfer_summary "$work/$side.txt")"
done
