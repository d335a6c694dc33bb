#!/usr/bin/env bash
# A/B of benchmark 2's v1 block transfer between an earlier commit and the working tree, for a machine too noisy for
# two separate BenchmarkDotNet runs: builds both (the base gets today's PeerPairLoop.cs and TransferCounters.cs, so
# both print process CPU per transfer), then runs them alternately ROUNDS times, COUNT transfers each (the first two
# of each run dropped), and prints for each side the best and median MB/s and the least and median process CPU per
# transfer (both peers).
# Usage: scripts/ab-peer-pair.sh BASE_COMMIT [ROUNDS=5] [COUNT=15] [plain|encoded] [BUFFER_KIB=64]
set -euo pipefail
cd "$(dirname "$0")/.."
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
      | grep '^transfer' | tail -n +3 | sed -E 's/.*: ([0-9]+) MB\/s, process CPU ([0-9.]+) ms.*/\1 \2/' >>"$work/$side.txt"
  done
  echo "round $round of $rounds done (load $(cut -d' ' -f1 /proc/loadavg))"
done
for side in base new; do
  n=$(wc -l <"$work/$side.txt")
  mbs=$(cut -d' ' -f1 "$work/$side.txt" | sort -n | awk '{a[NR]=$1} END {printf "best %d, median %d", a[NR], a[int((NR+1)/2)]}')
  cpu=$(cut -d' ' -f2 "$work/$side.txt" | sort -n | awk '{a[NR]=$1} END {printf "least %.1f, median %.1f", a[1], a[int((NR+1)/2)]}')
  echo "$side ($n transfers, v1 $buffer KiB${extra:+, served encoded}): MB/s $mbs; process CPU ms per transfer $cpu"
done
