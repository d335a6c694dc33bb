#!/usr/bin/env bash
# Publishes protogen as a NativeAOT executable and checks it: the publish must produce no warning at all (trim, AOT
# or compiler), and the binary's default job must decode the shipped mainnet blocks 1-255 and print the expected total.
#
#   scripts/publish-aot.sh OUTPUT_DIR [RUNTIME_ID]     (RUNTIME_ID defaults to linux-x64)
#
# Build intermediates go to $PROTOGEN_AOT_ARTIFACTS if set, else to a temporary directory removed afterwards.
# Exits non-zero on any failure. Called from CI.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == "-h" || "$1" == "--help" ]]; then
  echo "usage: scripts/publish-aot.sh OUTPUT_DIR [RUNTIME_ID]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
rid="${2:-linux-x64}"
exe="$out/protogen"
if [[ "$rid" == win-* ]]; then
  exe="$out/protogen.exe"
fi

if [[ -n "${PROTOGEN_AOT_ARTIFACTS:-}" ]]; then
  artifacts="$PROTOGEN_AOT_ARTIFACTS"
else
  artifacts="$(mktemp -d "${TMPDIR:-/tmp}/protogen-aot.XXXXXX")"
  trap 'rm -rf "$artifacts"' EXIT
fi

log="$out/publish.log"
fail() {
  echo "publish-aot: FAILED: $*" >&2
  exit 1
}

echo "publish-aot: dotnet publish src/ProtoGen.Cli -c Release -r $rid -o $out"
if ! dotnet publish "$root/src/ProtoGen.Cli/ProtoGen.Cli.csproj" -c Release -r "$rid" \
    --artifacts-path "$artifacts" -o "$out" -p:TreatWarningsAsErrors=true > "$log" 2>&1; then
  cat "$log" >&2
  fail "dotnet publish failed (log: $log)"
fi

# Warnings are errors already; this also catches any a tool reports without failing (IL2xxx trim, IL3xxx AOT, ...).
if grep -E ": warning [A-Z]+[0-9]+" "$log" > /dev/null; then
  grep -E ": warning [A-Z]+[0-9]+" "$log" | sort -u >&2
  fail "the publish produced warnings (log: $log)"
fi

[[ -x "$exe" ]] || fail "$exe was not produced"
if [[ "$rid" != "$(dotnet --info 2>/dev/null | sed -n 's/^ *RID: *//p' | head -1)" ]]; then
  echo "publish-aot: $rid is not this machine's runtime; published without running it"
  exit 0
fi

expected_total="total: 255 blocks, 262 transactions, 56691 bytes, all merkle roots valid, tip 00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"

# The default job: every shipped block decoded, then the total.
output="$("$exe")" || fail "the default job exited with $?"
blocks="$(grep -c '^#' <<< "$output" || true)"
[[ "$blocks" == "255" ]] || fail "the default job listed $blocks blocks, expected 255"
last="$(tail -n 1 <<< "$output")"
[[ "$last" == "$expected_total" ]] || fail "the default job ended with '$last', expected '$expected_total'"

# A few more smoke checks of the native code paths (catalogue type names, JSON writer, error exit codes).
version="$("$exe" --version)" || fail "--version failed"
messages="$("$exe" messages)" || fail "'protogen messages' failed"
grep -q '^36 messages in the Bitcoin message set$' <<< "$messages" || fail "'protogen messages' does not list 36 messages"
grep -qE '^inv +InvMessage ' <<< "$messages" || fail "'protogen messages' lost the CLR type names"
json="$("$exe" decode --json - < "$root/tests/data/block413567.raw")" || fail "'protogen decode --json -' failed"
grep -q '"hash": "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069"' <<< "$json" || fail "decode --json of block 413567 gave the wrong hash"
set +e
"$exe" decode "$out/no-such-file" > /dev/null 2>&1
code=$?
set -e
[[ $code -eq 3 ]] || fail "a missing file exited with $code, expected 3"

size="$(wc -c < "$exe" | tr -d ' ')"
echo "publish-aot: ok: $version, $rid, $size bytes ($exe)"
echo "publish-aot: $last"
