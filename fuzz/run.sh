#!/usr/bin/env bash
# Coverage-guided fuzzing of the decoders with AFL++ and SharpFuzz (docs/fuzzing.md).
#
#   fuzz/run.sh TARGET SECONDS     TARGET is one of `frame message tx block v2` (the list in FuzzTargets.cs) or `all`,
#                                  which runs each target for SECONDS in turn
#
# Installs what is missing (afl++ from Debian, the sharpfuzz dotnet tool from fuzz/.config/dotnet-tools.json),
# publishes fuzz/ProtoGen.Fuzz, rewrites ProtoGen.Runtime, ProtoGen.Bitcoin and ProtoGen.Peers with sharpfuzz,
# seeds each target from tests/data plus the committed fuzz/corpus/TARGET, runs afl-fuzz for SECONDS and prints
# executions per second, paths (afl-fuzz's corpus count), crashes and hangs. Every crash is replayed through an
# uninstrumented build to print the property or exception it breaks, and kept in WORK/crashes/TARGET; a hang counts
# only if its replay also takes more than 10 s. Exits 1 on any crash or reproducible hang, 2 on bad usage or a
# failed set-up step.
#
# Work files (build, instrumented copy, seeds, afl-fuzz output) go to $PROTOGEN_FUZZ_WORK if set, else to
# ${TMPDIR:-/tmp}/protogen-fuzz; they are kept for inspection and replaced by the next run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
[[ $# -eq 2 && "$2" =~ ^[0-9]+$ && "$2" -gt 0 ]] || usage
wanted=$1
seconds=$2
work="${PROTOGEN_FUZZ_WORK:-${TMPDIR:-/tmp}/protogen-fuzz}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

fail_setup() {
  echo "fuzz: $*" >&2
  exit 2
}

# --- tools ------------------------------------------------------------------------------------------------------------
if ! command -v afl-fuzz > /dev/null; then
  echo "fuzz: installing afl++ (Debian)"
  sudo_cmd=()
  [[ "$(id -u)" -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq > /dev/null || fail_setup "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq afl++ > /dev/null || fail_setup "apt-get install afl++ failed"
fi
(cd "$root/fuzz" && dotnet tool restore > /dev/null) || fail_setup "dotnet tool restore (sharpfuzz) failed"

# --- build and instrument --------------------------------------------------------------------------------------------
rm -rf "$work/bin" "$work/plain"
mkdir -p "$work"
echo "fuzz: building fuzz/ProtoGen.Fuzz"
dotnet publish "$root/fuzz/ProtoGen.Fuzz/ProtoGen.Fuzz.csproj" -c Release -o "$work/bin" -nodeReuse:false > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail_setup "the build failed"; }
cp -r "$work/bin" "$work/plain"
for assembly in ProtoGen.Runtime ProtoGen.Bitcoin ProtoGen.Peers; do
  (cd "$root/fuzz" && dotnet sharpfuzz "$work/bin/$assembly.dll" > "$work/instrument-$assembly.log" 2>&1) \
    || { cat "$work/instrument-$assembly.log" >&2; fail_setup "sharpfuzz could not instrument $assembly.dll"; }
done
harness="$work/bin/ProtoGen.Fuzz"
plain="$work/plain/ProtoGen.Fuzz"
"$plain" dict "$work/bitcoin.dict"

mapfile -t targets < <("$plain" list | cut -f1)
if [[ "$wanted" != all ]]; then
  printf '%s\n' "${targets[@]}" | grep -qx -- "$wanted" || { echo "fuzz: unknown target $wanted (targets: ${targets[*]})" >&2; exit 2; }
  targets=("$wanted")
fi

# --- fuzz --------------------------------------------------------------------------------------------------------------
# afl-fuzz runs a .NET program, not a binary it compiled: skip its binary and CPU checks, keep its UI quiet, and do
# not bind to a core (the machine is shared).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FAST_CAL=1

stat_of() { sed -n "s/^$2 *: *//p" "$1" | head -n 1; }
status=0
summary=()
for target in "${targets[@]}"; do
  seeds="$work/seeds/$target"
  out="$work/findings/$target"
  rm -rf "$seeds" "$out" "$work/crashes/$target"
  mkdir -p "$work/findings"
  "$plain" seed "$target" "$seeds" "$root/tests/data" > /dev/null
  if [[ -d "$root/fuzz/corpus/$target" ]]; then
    cp "$root/fuzz/corpus/$target"/* "$seeds"/ 2> /dev/null || true
  fi

  echo "fuzz: $target for ${seconds}s ($(find "$seeds" -type f | wc -l | tr -d ' ') seeds)"
  # -t: 2 s per input, fixed (afl-fuzz would otherwise scale it down to a few ms, and a GC pause would count as a hang).
  afl-fuzz -i "$seeds" -o "$out" -V "$seconds" -t 2000 -m none -x "$work/bitcoin.dict" -- "$harness" fuzz "$target" \
    > "$work/afl-$target.log" 2>&1 || { tail -n 30 "$work/afl-$target.log" >&2; fail_setup "afl-fuzz failed on $target"; }

  stats="$out/default/fuzzer_stats"
  [[ -f "$stats" ]] || { tail -n 30 "$work/afl-$target.log" >&2; fail_setup "afl-fuzz wrote no statistics for $target"; }
  execs=$(stat_of "$stats" execs_done)
  run_time=$(stat_of "$stats" run_time)
  paths=$(stat_of "$stats" corpus_count)
  found=$(stat_of "$stats" corpus_found)
  crashes=$(stat_of "$stats" saved_crashes)
  hangs=$(stat_of "$stats" saved_hangs)
  per_second=$(awk -v e="$execs" -v t="$run_time" 'BEGIN { printf "%.0f", (t > 0 ? e / t : 0) }')

  if [[ "${crashes:-0}" -gt 0 ]]; then
    mkdir -p "$work/crashes/$target"
    cp "$out"/default/crashes/id:* "$work/crashes/$target"/
    echo "fuzz: $target: $crashes crash(es), kept in $work/crashes/$target; replaying:"
    "$plain" replay "$target" "$work/crashes/$target" | sed 's/^/  /' || true
    status=1
  fi

  reproduced=0
  for hang in "$out"/default/hangs/id:*; do
    [[ -e "$hang" ]] || continue
    rc=0
    timeout 10 "$plain" replay "$target" "$hang" > /dev/null 2>&1 || rc=$?
    if [[ "$rc" -ne 0 ]]; then
      # 124: still running after 10 s; anything else: the input breaks the property when replayed.
      reproduced=$((reproduced + 1))
      echo "fuzz: $target: hang reproduced (exit $rc): $hang"
    fi
  done
  [[ "$reproduced" -eq 0 ]] || status=1

  line="$target: $execs execs in ${run_time}s, $per_second exec/s, $paths paths ($found new), $crashes crashes, $hangs hangs ($reproduced reproduced)"
  echo "fuzz: $line"
  summary+=("$line")
done

echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
exit "$status"
