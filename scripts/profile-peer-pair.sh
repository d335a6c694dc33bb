#!/usr/bin/env bash
# Where the time of benchmark 2's block transfer goes (issue 13): runs PeerPairBenchmarks' transfer COUNT times in a
# plain loop (the benchmark's --loop mode) under Linux perf and prints the share of CPU samples by library and the top
# symbols. Managed code is named through the runtime's perf map (DOTNET_PerfMapEnabled=1; W^X off so perf can match
# the JIT's code). Usage: scripts/profile-peer-pair.sh [v1|v2] [BUFFER_KIB] [COUNT] [encoded]   (defaults: v1 64 60;
# "encoded" queues the blocks as EncodedMessages, so the sender only copies and the receiver's work stands out)
# Needs perf (Debian: apt-get install linux-perf) and permission to sample (kernel.perf_event_paranoid <= 1, or root).
set -euo pipefail
cd "$(dirname "$0")/.."
transport=${1:-v1}
buffer=${2:-64}
count=${3:-60}
mode=${4:-}
if ! command -v perf >/dev/null; then
  echo "profile-peer-pair: perf is not installed (Debian: apt-get update && apt-get install -y linux-perf)" >&2
  exit 2
fi
work=$(mktemp -d /tmp/protogen-profile.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release bench/ProtoGen.Benchmarks --artifacts-path "$work/art" -v quiet -nologo >/dev/null
exe="$work/art/bin/ProtoGen.Benchmarks/release/ProtoGen.Benchmarks"
# Skip the set-up (loading the blocks, JIT): sample from the first transfer's line on, by starting perf after it.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$exe" --loop "$transport" "$buffer" "$count" $mode >"$work/loop.log" &
pid=$!
until grep -q "transfer 3/" "$work/loop.log" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/loop.log"; exit 1; fi
  sleep 0.05
done
perf record -F 1999 -g -p "$pid" -o "$work/perf.data" 2>"$work/perf.err" &
perfpid=$!
wait "$pid"
wait "$perfpid" || true
tail -n 3 "$work/loop.log"
echo "== CPU samples by library ($transport, $buffer KiB${mode:+, $mode}) =="
perf report -i "$work/perf.data" --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
echo "== top symbols =="
perf report -i "$work/perf.data" --no-children --sort dso,sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -${TOP:-30}
