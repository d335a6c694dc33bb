#!/usr/bin/env bash
# selfcheck.sh - one-shot check that bcoin installs, starts, mines, talks P2P
# and stops on this machine. Exits non-zero on the first failure; always stops
# the node it started. Uses its own instance name ("selfcheck") and auto-picked
# free ports, so it does not disturb a node started with the default instance.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export BCOIN_INSTANCE="${BCOIN_INSTANCE:-selfcheck}"
export BCOIN_LOG_LEVEL="${BCOIN_LOG_LEVEL:-debug}"
unset BCOIN_P2P_PORT BCOIN_RPC_PORT BCOIN_CONNECT
ADDR=Gdj5bzLLUhMjQFe3WiukAMfxBTHTuWgw7f   # regtest P2SH(OP_TRUE), bcoin prefix 0x26
T0=$(date +%s%N)
STEP_T=$T0
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
step() { echo; echo "== [$(ms "$T0") ms] $*"; STEP_T=$(date +%s%N); }
done_step() { echo "   ok ($(ms "$STEP_T") ms)"; }
fail() { echo "SELFCHECK FAILED: $*" >&2; exit 1; }
BC="$DIR/bcoin.sh"

cleanup() {
  local rc=$?
  "$BC" stop >/dev/null 2>&1 || true
  if [ $rc -ne 0 ]; then
    echo "--- last lines of the bcoin log ($DIR/.run/$BCOIN_INSTANCE.log):" >&2
    tail -n 30 "${BCOIN_RUN_DIR:-$DIR/.run}/$BCOIN_INSTANCE.log" >&2 2>/dev/null || true
  fi
  exit $rc
}
trap cleanup EXIT

step "setup"
"$DIR/setup.sh"
done_step

step "start"
"$BC" stop >/dev/null
"$BC" start
read -r P2P RPC < <("$BC" ports)
"$BC" status
done_step

step "mine 10 blocks with generatetoaddress"
HASHES="$("$BC" rpc generatetoaddress 10 "$ADDR")"
COUNT="$(node -e 'console.log(JSON.parse(process.argv[1]).length)' "$HASHES")"
[ "$COUNT" = 10 ] || fail "generatetoaddress returned $COUNT hashes, expected 10"
LAST="$(node -e 'const h = JSON.parse(process.argv[1]); console.log(h[h.length - 1])' "$HASHES")"
done_step

step "query the chain"
HEIGHT="$("$BC" rpc getblockcount)"
[ "$HEIGHT" = 10 ] || fail "getblockcount = $HEIGHT, expected 10"
BEST="$("$BC" rpc getbestblockhash)"
[ "$BEST" = "$LAST" ] || fail "getbestblockhash $BEST != last mined $LAST"
[ "$("$BC" rpc getblockhash 10)" = "$LAST" ] || fail "getblockhash 10 != last mined"
INFO="$("$BC" rpc getblockchaininfo)"
node -e '
  const i = JSON.parse(process.argv[1]);
  if (i.chain !== "regtest" || i.blocks !== 10 || i.bestblockhash !== process.argv[2]) {
    console.error("unexpected getblockchaininfo:", i); process.exit(1);
  }' "$INFO" "$LAST" || fail "getblockchaininfo"
BLOCK="$("$BC" rpc getblock "$LAST")"
node -e '
  const b = JSON.parse(process.argv[1]);
  if (b.height !== 10 || b.hash !== process.argv[2] || b.tx.length !== 1) {
    console.error("unexpected getblock:", b); process.exit(1);
  }' "$BLOCK" "$LAST" || fail "getblock"
RAW="$("$BC" rpc getblock "[\"$LAST\", false]")"
[ "${#RAW}" -gt 160 ] || fail "getblock verbose=false returned '$RAW'"
"$BC" rpc clearbanned >/dev/null
"$BC" rpc validateaddress "$ADDR" | grep -q '"isvalid": true' || fail "validateaddress"
echo "   height=$HEIGHT tip=$LAST"
done_step

step "mine 91 more blocks (coinbase of block 1 matures at height 101, for the tx relay check)"
"$BC" rpc generatetoaddress 91 "$ADDR" >/dev/null
[ "$("$BC" rpc getblockcount)" = 101 ] || fail "height is not 101"
done_step

step "raw P2P client: handshake, getheaders, block announcement (sendheaders), tx relay, serve a block"
python3 "$DIR/p2pclient.py" --port "$P2P" --rpc-port "$RPC" \
  --listen 1 --getheaders --sendheaders --mine 1 --relay-tx --serve-block \
  || fail "p2pclient (bcoin as responder)"
done_step

step "raw P2P client: block announcement by inv (no sendheaders), inv of an unknown block"
python3 "$DIR/p2pclient.py" --port "$P2P" --rpc-port "$RPC" --listen 0 --mine 1 --announce-block \
  || fail "p2pclient inv announcement"
done_step

step "raw P2P client: bcoin dials us (addnode onetry)"
ACCEPT_PORT="$(node -e '
  const s = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); });')"
python3 "$DIR/p2pclient.py" --port "$P2P" --rpc-port "$RPC" --accept "$ACCEPT_PORT" --listen 1 --serve-block \
  || fail "p2pclient --accept (bcoin as initiator)"
"$BC" rpc getpeerinfo >/dev/null
done_step

step "stop"
PID="$(cat "${BCOIN_RUN_DIR:-$DIR/.run}/$BCOIN_INSTANCE.pid")"
"$BC" stop
STATE="$(awk '/^State:/ {print $2}' "/proc/$PID/status" 2>/dev/null || true)"
[ -z "$STATE" ] || [ "$STATE" = Z ] || fail "pid $PID still running after stop (state $STATE)"
node -e '
  const net = require("net");
  let left = 2;
  for (const p of process.argv.slice(1)) {
    const s = net.createServer();
    s.once("error", () => { console.error("port " + p + " still in use"); process.exit(1); });
    s.listen(+p, "127.0.0.1", () => s.close(() => { if (--left === 0) process.exit(0); }));
  }' "$P2P" "$RPC" || fail "ports not released"
done_step

echo
echo "SELFCHECK OK in $(ms "$T0") ms"
