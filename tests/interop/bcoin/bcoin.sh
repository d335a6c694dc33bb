#!/usr/bin/env bash
# bcoin.sh - start, query and stop a throw-away regtest bcoin node (in memory,
# 127.0.0.1 only) for the ProtoGen interop tests. See docs/interop.md.
#
#   bcoin.sh start [P2P_PORT] [RPC_PORT]  start in the background, wait for READY
#   bcoin.sh stop                         SIGTERM by pid (SIGKILL after 10 s)
#   bcoin.sh restart [P2P_PORT] [RPC_PORT]
#   bcoin.sh status                       exit 0 if running, 3 if not
#   bcoin.sh rpc METHOD [PARAMS...]       JSON-RPC; PARAMS is one JSON array,
#                                         or several values (JSON or bare strings)
#   bcoin.sh ports                        print "P2P_PORT RPC_PORT"
#   bcoin.sh log                          print the node's log (stderr)
#
# Environment:
#   BCOIN_INSTANCE       name for pid/log files, to run several nodes (default "default")
#   BCOIN_RUN_DIR        where pid/log/port files go (default tests/interop/bcoin/.run)
#   BCOIN_P2P_PORT       P2P port (default 28444; busy default => next free port)
#   BCOIN_RPC_PORT       RPC port (default 28332; busy default => next free port)
#   BCOIN_API_KEY        RPC password (default "protogen"; "" = no auth, loopback only)
#   BCOIN_LOG_LEVEL      none|error|warning|info|debug|spam (default info)
#   BCOIN_CONNECT        loopback peers bcoin should dial and keep dialling (HOST:PORT,...)
#   BCOIN_START_TIMEOUT  seconds to wait for READY (default 30)
#   BCOIN_STOP_TIMEOUT   seconds to wait after SIGTERM before SIGKILL (default 10)
# Explicitly given ports that are busy make `start` fail with a clear message.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INSTANCE="${BCOIN_INSTANCE:-default}"
[[ "$INSTANCE" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "bcoin.sh: bad BCOIN_INSTANCE '$INSTANCE'" >&2; exit 2; }
RUN_DIR="${BCOIN_RUN_DIR:-$DIR/.run}"
PID_FILE="$RUN_DIR/$INSTANCE.pid"
ENV_FILE="$RUN_DIR/$INSTANCE.env"
LOG_FILE="$RUN_DIR/$INSTANCE.log"
OUT_FILE="$RUN_DIR/$INSTANCE.out"
DEFAULT_P2P=28444
DEFAULT_RPC=28332

die() { echo "bcoin.sh: ERROR: $*" >&2; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Alive = exists and is not a zombie. The launcher outlives bcoin.sh, so it is
# reparented to PID 1, which may reap it only a second or so after it exits.
alive() {
  local pid="$1" state
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/status" ]; then
    state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    [ "$state" != "Z" ] || return 1
  fi
  return 0
}

# Is PID alive and our launcher (not a recycled pid)?
is_ours() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "launcher.js" || return 1
}

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  if is_ours "$pid"; then echo "$pid"; return 0; fi
  echo "bcoin.sh: removing stale pid file $PID_FILE (pid '${pid}' is not a running launcher)" >&2
  rm -f "$PID_FILE" "$ENV_FILE"
  return 1
}

# Free = nothing accepts connections on 127.0.0.1:PORT (bash /dev/tcp, no
# extra process). A race with another process is caught by the launcher, which
# then fails with "FAILED port in use", and start retries with other ports.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

valid_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# pick_port WANTED EXPLICIT AVOID -> prints a free port
pick_port() {
  local want="$1" explicit="$2" avoid="$3" p
  valid_port "$want" || die "invalid port '$want' (1..65535; bcoin rejects 0)"
  if [ "$explicit" = 1 ]; then
    [ "$want" != "$avoid" ] || die "P2P and RPC port are both $want"
    port_free "$want" || die "port 127.0.0.1:$want is already in use (choose another, or omit it to auto-pick)"
    echo "$want"; return
  fi
  for p in $(seq "$want" $((want + 200))); do
    [ "$p" -le 65535 ] || break
    [ "$p" != "$avoid" ] || continue
    if port_free "$p"; then echo "$p"; return; fi
  done
  die "no free port found in $want..$((want + 200))"
}

env_val() { grep "^$1=" "$ENV_FILE" 2>/dev/null | head -n1 | cut -d= -f2-; }

# Ports and key of the running instance (its env file), else from the environment.
load_env() {
  if [ -f "$ENV_FILE" ]; then
    P2P_PORT="$(env_val P2P_PORT)"
    RPC_PORT="$(env_val RPC_PORT)"
    API_KEY="$(env_val API_KEY)"
  else
    P2P_PORT="${BCOIN_P2P_PORT:-$DEFAULT_P2P}"
    RPC_PORT="${BCOIN_RPC_PORT:-$DEFAULT_RPC}"
    API_KEY="${BCOIN_API_KEY-protogen}"
  fi
}

cmd_start() {
  [ -d "$DIR/node_modules/bcoin" ] || die "bcoin is not installed: run $DIR/setup.sh first"
  mkdir -p "$RUN_DIR"
  local pid
  if pid="$(running_pid)"; then
    load_env
    if { [ -n "${1:-}" ] && [ "$1" != "$P2P_PORT" ]; } || { [ -n "${2:-}" ] && [ "$2" != "$RPC_PORT" ]; }; then
      die "instance '$INSTANCE' already running (pid $pid) on p2p=$P2P_PORT rpc=$RPC_PORT; stop it first"
    fi
    echo "bcoin.sh: instance '$INSTANCE' already running"
    echo "READY p2p=$P2P_PORT rpc=$RPC_PORT pid=$pid"
    return 0
  fi

  local p2p_explicit=0 rpc_explicit=0 p2p_want="$DEFAULT_P2P" rpc_want="$DEFAULT_RPC"
  if [ -n "${1:-}" ]; then p2p_want="$1"; p2p_explicit=1; elif [ -n "${BCOIN_P2P_PORT:-}" ]; then p2p_want="$BCOIN_P2P_PORT"; p2p_explicit=1; fi
  if [ -n "${2:-}" ]; then rpc_want="$2"; rpc_explicit=1; elif [ -n "${BCOIN_RPC_PORT:-}" ]; then rpc_want="$BCOIN_RPC_PORT"; rpc_explicit=1; fi

  local api_key="${BCOIN_API_KEY-protogen}"
  local level="${BCOIN_LOG_LEVEL:-info}"
  local timeout="${BCOIN_START_TIMEOUT:-30}"
  local t0 attempt p2p rpc
  t0=$(now_ms)

  for attempt in 1 2 3; do
    p2p="$(pick_port "$p2p_want" "$p2p_explicit" "")"
    rpc="$(pick_port "$rpc_want" "$rpc_explicit" "$p2p")"
    : > "$OUT_FILE"
    : > "$LOG_FILE"
    BCOIN_API_KEY="$api_key" nohup node "$DIR/launcher.js" \
      --p2p-port "$p2p" --rpc-port "$rpc" --log-level "$level" \
      ${BCOIN_CONNECT:+--connect "$BCOIN_CONNECT"} \
      < /dev/null > "$OUT_FILE" 2> "$LOG_FILE" &
    pid=$!
    echo "$pid" > "$PID_FILE"

    local deadline=$(( $(now_ms) + timeout * 1000 ))
    while :; do
      if grep -q '^READY ' "$OUT_FILE" 2>/dev/null; then
        {
          echo "P2P_PORT=$p2p"
          echo "RPC_PORT=$rpc"
          echo "API_KEY=$api_key"
          echo "PID=$pid"
        } > "$ENV_FILE"
        echo "bcoin.sh: bcoin 1.0.2 regtest started in $(( $(now_ms) - t0 )) ms (instance '$INSTANCE', log $LOG_FILE)"
        grep '^READY ' "$OUT_FILE" | head -n1
        return 0
      fi
      if ! alive "$pid"; then
        wait "$pid" 2>/dev/null || true
        rm -f "$PID_FILE"
        local why
        why="$(grep '^FAILED ' "$OUT_FILE" 2>/dev/null | head -n1 || true)"
        # Lost a race for an auto-picked port: try again with fresh ports.
        if [[ "$why" == *"port in use"* ]] && [ "$p2p_explicit" = 0 -o "$rpc_explicit" = 0 ] && [ "$attempt" -lt 3 ]; then
          echo "bcoin.sh: $why; retrying with other ports" >&2
          continue 2
        fi
        echo "bcoin.sh: ERROR: bcoin exited during start-up: ${why:-no READY line}" >&2
        tail -n 20 "$LOG_FILE" >&2 || true
        exit 1
      fi
      if [ "$(now_ms)" -ge "$deadline" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        sleep 1
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        rm -f "$PID_FILE"
        echo "bcoin.sh: ERROR: bcoin not ready after ${timeout}s; killed pid $pid" >&2
        tail -n 20 "$LOG_FILE" >&2 || true
        exit 1
      fi
      sleep 0.1
    done
  done
  die "could not start bcoin"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE" "$ENV_FILE"
    echo "bcoin.sh: instance '$INSTANCE' is not running"
    return 0
  fi
  local t0 timeout="${BCOIN_STOP_TIMEOUT:-10}"
  t0=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( t0 + timeout * 1000 ))
  while alive "$pid"; do
    if [ "$(now_ms)" -ge "$deadline" ]; then
      echo "bcoin.sh: pid $pid still alive ${timeout}s after SIGTERM, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  rm -f "$PID_FILE" "$ENV_FILE"
  echo "bcoin.sh: stopped pid $pid in $(( $(now_ms) - t0 )) ms"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    load_env
    local height
    height="$(cmd_rpc getblockcount 2>/dev/null || echo '?')"
    echo "running pid=$pid p2p=$P2P_PORT rpc=$RPC_PORT height=$height instance=$INSTANCE"
    return 0
  fi
  echo "not running (instance $INSTANCE)"
  return 3
}

cmd_rpc() {
  [ $# -ge 1 ] || die "usage: bcoin.sh rpc METHOD [PARAMS-JSON-ARRAY | PARAM...]"
  load_env
  local method="$1"; shift
  local body params="" arg
  json_str() { # JSON string literal for $1
    local v="$1"
    v="${v//\\/\\\\}"; v="${v//\"/\\\"}"
    v="${v//$'\n'/\\n}"; v="${v//$'\t'/\\t}"; v="${v//$'\r'/\\r}"
    printf '"%s"' "$v"
  }
  if [ $# -eq 1 ] && [[ "$1" =~ ^[[:space:]]*\[ ]]; then
    params="$1"                       # one JSON array: used as is
  else
    # Numbers (up to 15 digits), true/false/null, arrays, objects and quoted
    # strings are JSON; anything else (addresses, 64-hex hashes) is a string.
    for arg in "$@"; do
      if [[ "$arg" =~ ^-?[0-9]{1,15}(\.[0-9]+)?$|^(true|false|null)$|^[[:space:]]*[\[\{\"] ]]; then
        params+="${params:+,}$arg"
      else
        params+="${params:+,}$(json_str "$arg")"
      fi
    done
    params="[$params]"
  fi
  body="{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":$(json_str "$method"),\"params\":$params}"
  local auth=()
  [ -n "$API_KEY" ] && auth=(-u "x:$API_KEY")
  local resp
  resp="$(curl -sS --max-time "${BCOIN_RPC_TIMEOUT:-60}" "${auth[@]}" \
    -H 'Content-Type: application/json' --data-binary "$body" \
    "http://127.0.0.1:$RPC_PORT/")" || die "RPC to 127.0.0.1:$RPC_PORT failed (is bcoin running? bcoin.sh status)"
  printf '%s' "$resp" | node -e '
    const text = require("fs").readFileSync(0, "utf8");
    let r;
    try { r = JSON.parse(text); } catch (e) {
      process.stderr.write("bcoin.sh: non-JSON reply: " + text + "\n"); process.exit(1);
    }
    if (r.error) { process.stderr.write("bcoin.sh: RPC error: " + JSON.stringify(r.error) + "\n"); process.exit(1); }
    const v = r.result;
    process.stdout.write((typeof v === "string" ? v : JSON.stringify(v, null, 2)) + "\n");
  '
}

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  restart) shift; cmd_stop; cmd_start "$@" ;;
  status) cmd_status ;;
  rpc) shift; cmd_rpc "$@" ;;
  ports) load_env; running_pid >/dev/null || die "instance '$INSTANCE' is not running"; echo "$P2P_PORT $RPC_PORT" ;;
  log) cat "$LOG_FILE" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
