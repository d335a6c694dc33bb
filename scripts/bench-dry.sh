#!/usr/bin/env bash
# Runs every benchmark once (BenchmarkDotNet Job.Dry) so CI proves the benchmarks build, their setup checks pass
# (both libraries agree on hashes and bytes; dispatch reaches the right listener) and nothing throws.
# No timing claims: see docs/benchmarks.md for the measuring commands.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${BENCH_ARTIFACTS:-}" ]; then
  artifacts=$BENCH_ARTIFACTS
else
  artifacts=$(mktemp -d /tmp/protogen-bench.XXXXXX)
  trap 'rm -rf "$artifacts"' EXIT
fi
dotnet run -c Release --project bench/ProtoGen.Benchmarks --artifacts-path "$artifacts" -- --ci
# The plain-loop tools of the throughput work (profiling and steady-state allocation), once each, so they keep working.
exe="$artifacts/bin/ProtoGen.Benchmarks/release/ProtoGen.Benchmarks"
"$exe" --loop v1 64 2 encoded collect
"$exe" --socket-loop mixed 64 2 threads
"$exe" --socket-loop blocks 64 2 reuse
"$exe" --ping-loop v2 1
"$exe" --alloc v2 1 types
# Benchmark 4 with a block received by every server first (200 pairs): what an idle peer keeps after a large message.
PROTOGEN_IDLE_AFTER_BLOCK=1 "$exe" --filter '*IdlePeersBenchmarks*' --job Dry --artifacts "$artifacts/idle-after-block"
