#!/usr/bin/env python3
"""Tiny raw Bitcoin P2P client used to check a local bcoin node by hand.

It connects to 127.0.0.1:PORT, sends `version` (regtest magic fa bf b5 da),
answers bcoin's `version` with `verack` and its `ping`s with `pong`, and prints
every message bcoin sends, in order, with the time since connect. Optional
steps after the handshake:

  --getheaders       send getheaders(locator=[genesis], stop=0) and expect
                     `headers` back (bcoin must have mined at least one block)
  --sendheaders      send `sendheaders` first (bcoin then announces blocks
                     with `headers` instead of `inv`)
  --mine N           ask bcoin over JSON-RPC to mine N blocks and expect an
                     announcement (`inv` or `headers`) of the new tip
  --serve-block      build a valid regtest block on bcoin's tip, announce it with
                     `inv`, answer bcoin's `getdata` with `block`, and check over
                     JSON-RPC that it became bcoin's tip
  --accept PORT      reverse roles: listen on 127.0.0.1:PORT, ask bcoin over
                     JSON-RPC to `addnode 127.0.0.1:PORT onetry`, and run the
                     same checks on the connection bcoin opens

Only the Python standard library is used. Exit status: 0 when every expected
message arrived, 1 otherwise, 2 on a usage or connection error.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import socket
import struct
import sys
import time
import urllib.request

MAGIC = bytes.fromhex("fabfb5da")  # regtest, same as Bitcoin Core
GENESIS = bytes.fromhex(  # regtest genesis, internal byte order
    "06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f")
NODE_NETWORK = 1
NODE_WITNESS = 8


def dsha(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def varint(n):
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xFFFFFFFF:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


def read_varint(b, off):
    first = b[off]
    if first < 0xFD:
        return first, off + 1
    if first == 0xFD:
        return struct.unpack_from("<H", b, off + 1)[0], off + 3
    if first == 0xFE:
        return struct.unpack_from("<I", b, off + 1)[0], off + 5
    return struct.unpack_from("<Q", b, off + 1)[0], off + 9


def frame(cmd, payload=b""):
    return (MAGIC + cmd.encode().ljust(12, b"\0")
            + struct.pack("<I", len(payload)) + dsha(payload)[:4] + payload)


def netaddr(services, ip="127.0.0.1", port=0):
    ip16 = b"\0" * 10 + b"\xff\xff" + socket.inet_aton(ip)
    return struct.pack("<Q", services) + ip16 + struct.pack(">H", port)


def version_payload(version, services, port, agent, height, relay):
    return (struct.pack("<iQq", version, services, int(time.time()))
            + netaddr(NODE_NETWORK | NODE_WITNESS, "127.0.0.1", port)
            + netaddr(services, "127.0.0.1", 0)
            + struct.pack("<Q", random.getrandbits(64))
            + varint(len(agent)) + agent.encode()
            + struct.pack("<i", height)
            + (b"\x01" if relay else b"\x00"))


def rhex(b):
    return b[::-1].hex()


def describe(cmd, p):
    """One-line summary of a payload."""
    try:
        if cmd == "version":
            ver, services, ts = struct.unpack_from("<iQq", p, 0)
            off = 4 + 8 + 8 + 26 + 26 + 8
            n, off = read_varint(p, off)
            agent = p[off:off + n].decode(errors="replace")
            off += n
            height = struct.unpack_from("<i", p, off)[0]
            relay = p[off + 4] if len(p) > off + 4 else None
            return (f"version={ver} services=0x{services:x} agent={agent} "
                    f"start_height={height} relay={relay}")
        if cmd in ("ping", "pong"):
            return f"nonce={struct.unpack_from('<Q', p, 0)[0]:#018x}"
        if cmd == "sendcmpct":
            return f"announce={p[0]} version={struct.unpack_from('<Q', p, 1)[0]}"
        if cmd == "feefilter":
            return f"feerate={struct.unpack_from('<Q', p, 0)[0]} sat/kB"
        if cmd in ("inv", "getdata", "notfound"):
            n, off = read_varint(p, 0)
            items = []
            for i in range(n):
                t, h = struct.unpack_from("<I", p, off)[0], p[off + 4:off + 36]
                off += 36
                items.append(f"{ {1: 'tx', 2: 'block', 0x40000001: 'witness_tx', 0x40000002: 'witness_block', 4: 'cmpct_block'}.get(t, hex(t)) }:{rhex(h)}")
            return f"count={n} " + " ".join(items[:5]) + (" ..." if n > 5 else "")
        if cmd == "headers":
            n, off = read_varint(p, 0)
            hashes = []
            for i in range(n):
                hashes.append(rhex(dsha(p[off:off + 80])))
                off += 81  # 80-byte header + tx count (always 0)
            last = f" last={hashes[-1]}" if hashes else ""
            first = f" first={hashes[0]}" if hashes else ""
            return f"count={n}{first}{last}"
        if cmd in ("getblocks", "getheaders"):
            ver = struct.unpack_from("<I", p, 0)[0]
            n, off = read_varint(p, 4)
            loc = [rhex(p[off + 32 * i:off + 32 * i + 32]) for i in range(n)]
            stop = rhex(p[off + 32 * n:off + 32 * n + 32])
            return (f"version={ver} locator={n} first={loc[0] if loc else '-'} "
                    f"last={loc[-1] if loc else '-'} stop={stop}")
        if cmd == "block":
            return f"hash={rhex(dsha(p[:80]))} len={len(p)}"
        if cmd == "tx":
            return f"txid={rhex(dsha(p))} len={len(p)}"
        if cmd == "addr":
            n, off = read_varint(p, 0)
            out = []
            for i in range(min(n, 5)):
                ts, svc = struct.unpack_from("<IQ", p, off)
                ip = p[off + 12:off + 28]
                port = struct.unpack_from(">H", p, off + 28)[0]
                host = socket.inet_ntoa(ip[12:]) if ip[:12] == b"\0" * 10 + b"\xff\xff" else ip.hex()
                out.append(f"{host}:{port}(svc=0x{svc:x})")
                off += 30
            return f"count={n} " + " ".join(out)
        if cmd == "reject":
            n, off = read_varint(p, 0)
            msg = p[off:off + n].decode(errors="replace")
            code = p[off + n]
            n2, off2 = read_varint(p, off + n + 1)
            reason = p[off2:off2 + n2].decode(errors="replace")
            return f"message={msg} code={code:#x} reason={reason}"
    except Exception as e:  # summaries are best effort only
        return f"(undecodable: {e}) len={len(p)}"
    return f"len={len(p)}" + (f" hex={p.hex()}" if 0 < len(p) <= 40 else "")


class Conn:
    def __init__(self, sock, t0):
        self.t0 = t0
        self.sock = sock
        self.buf = b""
        self.log = []
        self.closed = False
        self.run_cmd, self.run_len, self.suppressed = None, 0, 0

    def show(self, line, key):
        """Print a trace line; runs of more than 3 identical messages are summarised."""
        if key == self.run_cmd:
            self.run_len += 1
            if self.run_len > 3:
                self.suppressed += 1
                return
        else:
            self.flush()
            self.run_cmd, self.run_len = key, 1
        print(line, flush=True)

    def flush(self):
        if self.suppressed:
            print(f"           ... and {self.suppressed} more `{self.run_cmd[1]}` received", flush=True)
        self.run_cmd, self.run_len, self.suppressed = None, 0, 0

    def now(self):
        return time.monotonic() - self.t0

    def send(self, cmd, payload=b""):
        self.sock.sendall(frame(cmd, payload))
        self.show(f"{self.now():7.3f}s  -> {cmd:<12} {describe(cmd, payload)}", ("->", cmd))

    def recv(self, deadline):
        """Next (cmd, payload) or None at deadline / EOF."""
        while True:
            if len(self.buf) >= 24:
                if self.buf[:4] != MAGIC:
                    raise RuntimeError(f"bad magic {self.buf[:4].hex()}")
                cmd = self.buf[4:16].rstrip(b"\0").decode()
                n = struct.unpack_from("<I", self.buf, 16)[0]
                if len(self.buf) >= 24 + n:
                    payload = self.buf[24:24 + n]
                    if dsha(payload)[:4] != self.buf[20:24]:
                        raise RuntimeError(f"bad checksum on {cmd}")
                    self.buf = self.buf[24 + n:]
                    self.show(f"{self.now():7.3f}s <-  {cmd:<12} {describe(cmd, payload)}", ("<-", cmd))
                    self.log.append(cmd)
                    return cmd, payload
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                self.flush()
                print(f"{self.now():7.3f}s  ** connection closed by bcoin", flush=True)
                self.closed = True
                return None
            self.buf += chunk


OP_TRUE_P2SH = bytes.fromhex("a914da1745e9b549bd0bfa1a569971c77eba30cd5a4b87")  # P2SH(OP_TRUE)


def optrue_spend(prev_txid_hex, vout, value_sat, fee_sat=10000):
    """Legacy tx spending a P2SH(OP_TRUE) output back to P2SH(OP_TRUE).

    scriptSig is just the redeem script pushed: 01 51. No signature needed.
    """
    return (struct.pack("<i", 1)
            + varint(1) + bytes.fromhex(prev_txid_hex)[::-1] + struct.pack("<I", vout)
            + varint(2) + b"\x01\x51" + struct.pack("<I", 0xFFFFFFFF)
            + varint(1) + struct.pack("<q", value_sat - fee_sat)
            + varint(len(OP_TRUE_P2SH)) + OP_TRUE_P2SH
            + struct.pack("<I", 0))


def mature_optrue_coin(port, key):
    """Find an unspent, mature coinbase paying to P2SH(OP_TRUE), mining if needed."""
    height = rpc(port, key, "getblockcount", [])
    if height < 101:
        rpc(port, key, "generatetoaddress", [101 - height, "Gdj5bzLLUhMjQFe3WiukAMfxBTHTuWgw7f"])
        height = 101
    for h in range(1, height - 99):
        blk = rpc(port, key, "getblock", [rpc(port, key, "getblockhash", [h])])
        txid = blk["tx"][0]
        out = rpc(port, key, "gettxout", [txid, 0])
        if out and out["scriptPubKey"]["hex"] == OP_TRUE_P2SH.hex():
            return txid, 0, round(out["value"] * 100_000_000)
    raise RuntimeError("no mature unspent P2SH(OP_TRUE) coinbase; mine more blocks")


def build_block(prev_hash_hex, prev_time, height):
    """Regtest block on top of prev: one coinbase paying the subsidy to P2SH(OP_TRUE).

    BIP34-style height push in the coinbase (bcoin's regtest does not require
    it, Bitcoin Core's does). Proof of work at bits 0x207fffff: about every
    second nonce works.
    """
    h = height.to_bytes((height.bit_length() + 8) // 8 or 1, "little")
    script_sig = bytes([len(h)]) + h + b"\x0bprotogen-pc"
    subsidy = 5_000_000_000 >> (height // 150)  # regtest halves every 150 blocks
    coinbase = (struct.pack("<i", 1)
                + varint(1) + b"\0" * 32 + struct.pack("<I", 0xFFFFFFFF)
                + varint(len(script_sig)) + script_sig + struct.pack("<I", 0xFFFFFFFF)
                + varint(1) + struct.pack("<q", subsidy)
                + varint(len(OP_TRUE_P2SH)) + OP_TRUE_P2SH
                + struct.pack("<I", 0))
    merkle = dsha(coinbase)  # single tx: merkle root = txid
    target = 0x7FFFFF << (8 * (0x20 - 3))
    for nonce in range(1 << 32):
        header = (struct.pack("<i", 0x20000000) + bytes.fromhex(prev_hash_hex)[::-1] + merkle
                  + struct.pack("<III", prev_time + 1, 0x207FFFFF, nonce))
        if int.from_bytes(dsha(header), "little") <= target:
            return header + varint(1) + coinbase, rhex(dsha(header))
    raise RuntimeError("no nonce found")


def rpc(port, key, method, params):
    body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body,
                                 headers={"Content-Type": "application/json"})
    if key:
        req.add_header("Authorization", "Basic " + base64.b64encode(f"x:{key}".encode()).decode())
    with urllib.request.urlopen(req, timeout=30) as r:
        res = json.load(r)
    if res.get("error"):
        raise RuntimeError(f"rpc {method}: {res['error']}")
    return res["result"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=int(os.environ.get("BCOIN_P2P_PORT", 28444)))
    ap.add_argument("--rpc-port", type=int, default=int(os.environ.get("BCOIN_RPC_PORT", 28332)))
    ap.add_argument("--api-key", default=os.environ.get("BCOIN_API_KEY", "protogen"))
    ap.add_argument("--version", type=int, default=70016, help="protocol version we send")
    ap.add_argument("--services", type=lambda s: int(s, 0), default=NODE_NETWORK | NODE_WITNESS)
    ap.add_argument("--agent", default="/protogen-p2pclient:0.1/")
    ap.add_argument("--listen", type=float, default=2.0, help="seconds to keep listening after the handshake")
    ap.add_argument("--getheaders", action="store_true")
    ap.add_argument("--sendheaders", action="store_true")
    ap.add_argument("--mine", type=int, default=0)
    ap.add_argument("--relay-tx", action="store_true",
                    help="sendrawtransaction a P2SH(OP_TRUE) spend over RPC and expect `inv tx`, then getdata it")
    ap.add_argument("--announce-block", action="store_true",
                    help="send `inv` of an unknown block hash and expect bcoin to `getdata` it")
    ap.add_argument("--serve-block", action="store_true",
                    help="build a block on bcoin's tip, announce it with `inv`, serve it on `getdata`, "
                         "and check over RPC that bcoin made it its tip")
    ap.add_argument("--accept", type=int, default=0, metavar="PORT",
                    help="listen on 127.0.0.1:PORT and make bcoin dial us (addnode onetry) instead of dialling bcoin")
    ap.add_argument("--mine-address", default="Gdj5bzLLUhMjQFe3WiukAMfxBTHTuWgw7f")
    a = ap.parse_args()

    t0 = time.monotonic()
    if a.accept:
        # Outbound test: bcoin dials us (RPC addnode ... onetry).
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            srv.bind(("127.0.0.1", a.accept))
        except OSError as e:
            print(f"FAIL cannot listen on 127.0.0.1:{a.accept}: {e}")
            return 2
        srv.listen(1)
        srv.settimeout(10)
        rpc(a.rpc_port, a.api_key, "addnode", [f"127.0.0.1:{a.accept}", "onetry"])
        print(f"listening on 127.0.0.1:{a.accept}, asked bcoin to `addnode 127.0.0.1:{a.accept} onetry`")
        try:
            sock, peer = srv.accept()
        except socket.timeout:
            print("FAIL bcoin did not connect within 10 s")
            return 1
        finally:
            srv.close()
        t0 = time.monotonic()
        c = Conn(sock, t0)
        print(f"bcoin connected from {peer[0]}:{peer[1]}")
    else:
        try:
            c = Conn(socket.create_connection(("127.0.0.1", a.port), timeout=5), t0)
        except OSError as e:
            print(f"FAIL cannot connect to 127.0.0.1:{a.port}: {e}")
            return 2
        print(f"connected to 127.0.0.1:{a.port}")
        c.send("version", version_payload(a.version, a.services, a.port, a.agent, 0, True))

    def say(*args):
        c.flush()
        print(*args, flush=True)

    got_version = got_verack = False
    remote_version = None
    handshake_deadline = time.monotonic() + 10
    while not (got_version and got_verack):
        m = c.recv(handshake_deadline)
        if m is None:
            break
        cmd, p = m
        if cmd == "version":
            got_version = True
            remote_version = struct.unpack_from("<i", p, 0)[0]
            if a.accept:
                c.send("version", version_payload(a.version, a.services, a.accept, a.agent, 0, True))
            c.send("verack")
        elif cmd == "verack":
            got_verack = True
        elif cmd == "ping":
            c.send("pong", p)
    if not (got_version and got_verack):
        say(f"FAIL handshake incomplete (version={got_version} verack={got_verack})")
        return 1
    say(f"handshake complete (remote protocol {remote_version})")

    def pump(seconds, want=None):
        """Read for `seconds`; stop early once want(cmd, payload) is true."""
        deadline = time.monotonic() + seconds
        while True:
            m = c.recv(deadline)
            if m is None:
                return None
            cmd, p = m
            if cmd == "ping":
                c.send("pong", p)
            if want and want(cmd, p):
                return m

    ok = True
    pump(a.listen)  # whatever bcoin sends unprompted after the handshake

    if a.sendheaders:
        c.send("sendheaders")

    if a.getheaders:
        c.send("getheaders", struct.pack("<I", 70016) + varint(1) + GENESIS + b"\0" * 32)
        m = pump(5, lambda cmd, p: cmd == "headers")
        if m is None:
            say("FAIL no headers reply to getheaders (bcoin never sends an empty `headers`, e.g. at height 0)")
            ok = False
        else:
            n, _ = read_varint(m[1], 0)
            say(f"getheaders answered with {n} header(s)")

    if a.mine > 0:
        hashes = rpc(a.rpc_port, a.api_key, "generatetoaddress", [a.mine, a.mine_address])
        tip = hashes[-1]
        say(f"mined {len(hashes)} block(s) over RPC, tip {tip}")

        def announced(cmd, p):
            if cmd == "headers" or cmd == "inv":
                return tip in describe(cmd, p)
            return False
        m = pump(10, announced)
        if m is None:
            say(f"FAIL tip {tip} was not announced")
            ok = False
        else:
            say(f"tip announced with `{m[0]}`")

    if a.relay_tx:
        txid_in, vout, value = mature_optrue_coin(a.rpc_port, a.api_key)
        raw = optrue_spend(txid_in, vout, value)
        txid = rpc(a.rpc_port, a.api_key, "sendrawtransaction", [raw.hex()])
        say(f"sendrawtransaction -> {txid} (spends {txid_in}:{vout}, {value} sat)")
        if txid != rhex(dsha(raw)):
            say("FAIL txid returned by bcoin differs from our own hash")
            ok = False
        m = pump(10, lambda cmd, p: cmd == "inv" and txid in describe(cmd, p))
        if m is None:
            say(f"FAIL tx {txid} was not announced")
            ok = False
        else:
            c.send("getdata", varint(1) + struct.pack("<I", 1) + bytes.fromhex(txid)[::-1])
            m = pump(5, lambda cmd, p: cmd == "tx")
            if m is None or rhex(dsha(m[1])) != txid:
                say("FAIL getdata for the tx was not answered with the same tx")
                ok = False
            else:
                say("tx announced with `inv` and served on `getdata`")

    if a.announce_block:
        fake = os.urandom(32)
        c.send("inv", varint(1) + struct.pack("<I", 2) + fake)
        m = pump(5, lambda cmd, p: cmd == "getdata" and rhex(fake) in describe(cmd, p))
        if m is None:
            say("FAIL bcoin did not getdata the announced block")
            ok = False
        else:
            say("bcoin asked for the announced block with `getdata`")

    if a.serve_block:
        tip = rpc(a.rpc_port, a.api_key, "getbestblockhash", [])
        hdr = rpc(a.rpc_port, a.api_key, "getblockheader", [tip])
        raw, bhash = build_block(tip, hdr["time"], hdr["height"] + 1)
        say(f"built block {bhash} at height {hdr['height'] + 1} ({len(raw)} bytes)")
        c.send("inv", varint(1) + struct.pack("<I", 2) + bytes.fromhex(bhash)[::-1])
        m = pump(5, lambda cmd, p: cmd == "getdata" and bhash in describe(cmd, p))
        if m is None:
            say("FAIL bcoin did not getdata our block")
            ok = False
        else:
            c.send("block", raw)
            best = None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                pump(0.2)
                best = rpc(a.rpc_port, a.api_key, "getbestblockhash", [])
                if best == bhash:
                    break
            if best != bhash:
                say(f"FAIL bcoin's tip is {best}, not our block")
                ok = False
            else:
                say(f"bcoin accepted our block: tip {best}, height {rpc(a.rpc_port, a.api_key, 'getblockcount', [])}")

    pump(0.5)
    c.flush()
    if c.closed:
        say("FAIL bcoin closed the connection")
        ok = False
    c.sock.close()
    summary, prev, n = [], None, 0
    for cmd in c.log + [None]:
        if cmd == prev:
            n += 1
            continue
        if prev is not None:
            summary.append(prev if n == 1 else f"{prev}x{n}")
        prev, n = cmd, 1
    say("received: " + " ".join(summary))
    say("P2P CHECK " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
