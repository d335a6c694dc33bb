#!/usr/bin/env bash
# Publishes protogen as a NativeAOT executable and checks it: the publish must produce no warning at all (trim, AOT
# or compiler); the binary's default job (the loopback sync demo) must sync the shipped mainnet blocks 1-255 and end
# at the expected tip; 'decode < blocks1-255.blk' must decode them to the expected total; 'listen' must serve 'connect'
# and stop on SIGTERM with exit 0; the native secp256k1 must be published beside the binary and load ('--self-test'
# runs a BIP324 handshake in memory).
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

# The form most AOT guides show, with PublishAot as a global property (it reaches every project of the graph, the
# netstandard2.0 generator included: see its project file); only where the output goes is added.
echo "publish-aot: dotnet publish src/ProtoGen.Cli -c Release -r $rid -p:PublishAot=true (-o $out)"
if ! (cd "$root" && dotnet publish src/ProtoGen.Cli -c Release -r "$rid" -p:PublishAot=true \
    --artifacts-path "$artifacts" -o "$out" -p:TreatWarningsAsErrors=true) > "$log" 2>&1; then
  cat "$log" >&2
  fail "dotnet publish failed (log: $log)"
fi

# Warnings are errors already; this also catches any a tool reports without failing (IL2xxx trim, IL3xxx AOT, ...).
if grep -E ": warning [A-Z]+[0-9]+" "$log" > /dev/null; then
  grep -E ": warning [A-Z]+[0-9]+" "$log" | sort -u >&2
  fail "the publish produced warnings (log: $log)"
fi

[[ -x "$exe" ]] || fail "$exe was not produced"
# BIP324 needs the native libsecp256k1 that the Secp256k1.Net package ships; the publish puts it beside the binary.
native_lib="$out/libsecp256k1.so"
[[ "$rid" == win-* ]] && native_lib="$out/secp256k1.dll"
[[ "$rid" == osx-* ]] && native_lib="$out/libsecp256k1.dylib"
[[ -f "$native_lib" ]] || fail "$native_lib (the native secp256k1 for BIP324) was not published beside the binary"
if [[ "$rid" != "$(dotnet --info 2>/dev/null | sed -n 's/^ *RID: *//p' | head -1)" ]]; then
  echo "publish-aot: $rid is not this machine's runtime; published without running it"
  exit 0
fi

tip="00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"
expected_total="total: 255 blocks, 262 transactions, 56691 bytes, all merkle roots valid, tip $tip"

# The default job: a node and a peer in this process sync the shipped blocks over loopback TCP.
demo_start=$(date +%s%N)
output="$("$exe" < /dev/null)" || fail "the default job (demo) exited with $?"
demo_ms=$(( ($(date +%s%N) - demo_start) / 1000000 ))
grep -q "^blocks     255/255 (100%), 56,691 bytes$" <<< "$output" || fail "the demo did not report 255/255 blocks"
grep -q "^tip        $tip (height 255)$" <<< "$output" || fail "the demo did not end at tip $tip"
grep -qE "^ping +[0-9.]+ m?s round trip$" <<< "$output" || fail "the demo printed no ping round trip"
grep -qE "^transport  v2, session id [0-9a-f]{64}$" <<< "$output" || fail "the demo did not speak BIP324 v2 (native secp256k1 beside the binary)"
grep -qE "^  block +0 +0 +255 +255$" <<< "$output" || fail "the demo's message table does not show 255 blocks each way"
demo_last="$(tail -n 1 <<< "$output")"
[[ "$demo_last" == "demo ok: 255 blocks synced and verified over loopback in "* ]] || fail "the demo ended with '$demo_last'"

# 'protogen decode < FILE' (no FILE named, standard input redirected: it is read) on the blk file the shipped blocks
# are made of: every block listed, then the total. An empty redirected input is an error, never the shipped blocks.
output="$("$exe" decode < "$root/tests/data/blocks1-255.blk")" || fail "'protogen decode < blocks1-255.blk' exited with $?"
[[ "$(head -n 1 <<< "$output")" == "<stdin>: blk file, 255 blocks, "* ]] || fail "'protogen decode < blocks1-255.blk' did not read standard input"
set +e
"$exe" decode < /dev/null > /dev/null 2>&1
code=$?
set -e
[[ $code -eq 4 ]] || fail "'protogen decode < /dev/null' exited with $code, expected 4"
blocks="$(grep -c '^#' <<< "$output" || true)"
[[ "$blocks" == "255" ]] || fail "'protogen decode' listed $blocks blocks, expected 255"
last="$(tail -n 1 <<< "$output")"
[[ "$last" == "$expected_total" ]] || fail "'protogen decode' ended with '$last', expected '$expected_total'"

# listen serves connect (headers verified to the tip), a second listen on its port is refused (exit 6), SIGTERM stops
# it with exit 0 after logging the peer's connect and disconnect.
listen_log="$(mktemp "${TMPDIR:-/tmp}/protogen-listen.XXXXXX")"
"$exe" listen --port 0 > "$listen_log" 2>&1 &
listen_pid=$!
stop_listen() { kill -KILL "$listen_pid" 2> /dev/null || true; rm -f "$listen_log"; }
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/.* listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$listen_log")"
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$listen_log" >&2; stop_listen; fail "'protogen listen' did not print its address"; }
connect_out="$(timeout 60 "$exe" connect "127.0.0.1:$port" --headers 255)" || { code=$?; stop_listen; fail "'protogen connect' exited with $code"; }
grep -q "^tip          $tip (height 255)$" <<< "$connect_out" || { stop_listen; fail "'protogen connect --headers 255' did not reach tip $tip"; }
set +e
timeout 60 "$exe" listen --port "$port" > /dev/null 2>&1
code=$?
set -e
[[ $code -eq 6 ]] || { stop_listen; fail "a second listen on a busy port exited with $code, expected 6"; }
for _ in $(seq 1 100); do
  grep -q " disconnect peer " "$listen_log" && break
  sleep 0.1
done
kill -TERM "$listen_pid"
set +e
wait "$listen_pid"
code=$?
set -e
listen_out="$(cat "$listen_log")"
rm -f "$listen_log"
[[ $code -eq 0 ]] || fail "'protogen listen' exited with $code after SIGTERM, expected 0"
grep -q " connect    peer " <<< "$listen_out" || fail "'protogen listen' logged no connect line"
grep -q " disconnect peer " <<< "$listen_out" || fail "'protogen listen' logged no disconnect line"
grep -q " stopping (SIGTERM)" <<< "$listen_out" || fail "'protogen listen' did not report the SIGTERM"
set +e
"$exe" connect "127.0.0.1:$port" > /dev/null 2>&1
code=$?
set -e
[[ $code -eq 5 ]] || fail "connect to a closed port exited with $code, expected 5"

# A few more smoke checks of the native code paths (catalogue type names, JSON writer, error exit codes).
version="$("$exe" --version)" || fail "--version failed"
# BIP324 in the published binary: native secp256k1 loaded from beside it, a v2 handshake and a ping each way.
self_test="$("$exe" --self-test)" || fail "'protogen --self-test' (BIP324 with the native secp256k1) exited with $?"
[[ "$self_test" == "self-test ok: "* ]] || fail "'protogen --self-test' printed '$self_test'"
messages="$("$exe" messages)" || fail "'protogen messages' failed"
grep -q '^37 messages in the Bitcoin message set$' <<< "$messages" || fail "'protogen messages' does not list 37 messages"
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
echo "publish-aot: default job (demo): $demo_last (process wall time ${demo_ms} ms)"
echo "publish-aot: decode: $last"
echo "publish-aot: $self_test"
