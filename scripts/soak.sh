#!/usr/bin/env bash
# Soak: one `protogen listen` (regtest, 127.0.0.1) against CONNECTIONS connections from another process
# (tests/ProtoGen.HostileDriver `soak`) for SECONDS, mixing well-behaved peers (handshake, a ping every ~5 s, round
# trips recorded), slow readers (getdata and pings, never read), partial-message holders (3.9 MB of a declared
# 3,999,000-byte block), floods (inv, addr, unconnecting headers, garbage) and churn; every connection the node
# closes comes back a second later. Not part of scripts/test.sh; .ci/run runs a short one.
#
#   scripts/soak.sh [SECONDS] [CONNECTIONS] [-- LISTEN OPTIONS]     defaults: 600 s, 2,000 connections
#
# Prints the listener's peak RSS (VmHWM, and the highest VmRSS sampled each second), peers served, the well-behaved
# peers' ping round trips (median, 99th percentile), disconnect reasons by kind (the listener's log, and what the
# driver saw) and the listener's counters. Exits 1 when the listener died or did not exit 0 on SIGTERM, when a
# well-behaved peer was not served (no pong, or none in the last 45 s or half), or when the peak RSS exceeds
# $SOAK_MAX_RSS_MIB (if set); 2 on bad usage.
#
# The listener gets --max-inbound 2*CONNECTIONS and --handshake-rate CONNECTIONS (burst twice that) so that the
# connections are admitted and the budgets, not admission, carry the load; LISTEN OPTIONS come after those and
# override them (e.g. `-- --max-inbound 189 --handshake-rate 20` soaks the defaults). The descriptor limit is raised
# to 20,000, or the hard limit if lower.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
connections=${2:-2000}
[[ "$seconds" =~ ^[0-9]+$ && "$connections" =~ ^[0-9]+$ && "$seconds" -gt 0 && "$connections" -ge 10 ]] \
  || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
shift $(( $# > 2 ? 2 : $# ))
[[ "${1:-}" != "--" ]] || shift

hard=$(ulimit -Hn)
if [[ "$hard" == unlimited || "$hard" -ge 20000 ]]; then ulimit -n 20000; else ulimit -n "$hard"; fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "soak: building (descriptor limit $(ulimit -n))"
dotnet build src/ProtoGen.Cli -c Release -nodeReuse:false > /dev/null
dotnet build tests/ProtoGen.HostileDriver -c Release -nodeReuse:false > /dev/null
max_rss=()
[[ -z "${SOAK_MAX_RSS_MIB:-}" ]] || max_rss=(--max-rss "$SOAK_MAX_RSS_MIB")
echo "soak: $(nproc) cores, $(uname -sr), $(dotnet --version) SDK"
exec dotnet tests/ProtoGen.HostileDriver/bin/Release/net10.0/ProtoGen.HostileDriver.dll \
  src/ProtoGen.Cli/bin/Release/net10.0/protogen.dll soak "$seconds" "$connections" "${max_rss[@]}" \
  -- --max-inbound $((connections * 2)) --handshake-rate "$connections" "$@"
