#!/usr/bin/env bash
# Benchmark 4 of the throughput issue at scale: PAIRS loopback peer pairs (default 5,000: 10,000 peers, 20,000 sockets)
# idle in one process for SECONDS (default 60). Raises the file-descriptor limit first. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5000}
seconds=${2:-60}
ulimit -n "$(ulimit -Hn)"
echo "file descriptors: $(ulimit -n)"
artifacts=$(mktemp -d /tmp/protogen-idle.XXXXXX)
trap 'rm -rf "$artifacts"' EXIT
PROTOGEN_IDLE_PAIRS=$pairs PROTOGEN_IDLE_SECONDS=$seconds \
  dotnet run -c Release --project bench/ProtoGen.Benchmarks --artifacts-path "$artifacts" -- \
  --filter '*IdlePeersBenchmarks*' --job Dry
