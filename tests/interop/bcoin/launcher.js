#!/usr/bin/env node
/*
 * launcher.js - start a throw-away, in-memory regtest bcoin FullNode for the
 * ProtoGen interop tests.
 *
 * Everything is bound to 127.0.0.1 and the node never dials out of the
 * machine: no DNS seeds, no external-IP lookup over DNS, no UPnP, and every
 * outbound socket to a non-loopback address is refused.
 *
 * Usage:
 *   node launcher.js [--p2p-port N] [--rpc-port N] [--api-key KEY]
 *                    [--log-level LEVEL] [--connect HOST:PORT[,HOST:PORT]]
 *                    [--exit-on-stdin-close]
 *
 * --exit-on-stdin-close: close the node and exit 0 when stdin reaches end of
 * file. A parent that starts the launcher with a pipe on stdin (the C# test
 * fixture does) can stop it by closing the pipe, and the node also goes away
 * when the parent dies, even by SIGKILL, because the kernel closes the pipe.
 * Do not use it with stdin from /dev/null (bcoin.sh): it would exit at once.
 *
 * Environment (used when the matching flag is absent):
 *   BCOIN_P2P_PORT   P2P listen port             (default 28444)
 *   BCOIN_RPC_PORT   HTTP / JSON-RPC listen port (default 28332)
 *   BCOIN_API_KEY    RPC password (HTTP basic auth, any user name);
 *                    default "protogen"; an empty string disables auth
 *                    (bcoin only allows that because it listens on loopback)
 *   BCOIN_LOG_LEVEL  none|error|warning|info|debug|spam (default "warning")
 *   BCOIN_CONNECT    comma-separated loopback peers bcoin keeps dialling
 *                    (pool option `nodes`), e.g. "127.0.0.1:18555"
 *
 * On success it prints exactly one line to stdout:
 *   READY p2p=<port> rpc=<port> pid=<pid> height=<h>
 * bcoin's own log goes to stderr. SIGTERM / SIGINT close the node and exit 0.
 * Any start-up failure prints "FAILED <reason>" to stdout and exits 1.
 */

'use strict';

const net = require('net');
const os = require('os');
const path = require('path');

const DEFAULT_P2P_PORT = 28444; // bcoin regtest default is 48444, Core's 18444
const DEFAULT_RPC_PORT = 28332; // bcoin regtest default is 48332, Core's 18443
const DEFAULT_API_KEY = 'protogen';
const HOST = '127.0.0.1';

// Fixed coinbase address for the `generate` RPC (P2SH of OP_TRUE, anyone can
// spend it; see docs/interop.md). `generatetoaddress` accepts any address.
const DEFAULT_COINBASE = 'Gdj5bzLLUhMjQFe3WiukAMfxBTHTuWgw7f';

// Options that take no value.
const FLAGS = ['exit-on-stdin-close'];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m)
      fail(`unexpected argument: ${arg}`);
    let value = m[2];
    if (FLAGS.includes(m[1])) {
      if (value !== undefined)
        fail(`--${m[1]} takes no value`);
      value = true;
    } else if (value === undefined) {
      if (i + 1 >= argv.length)
        fail(`missing value for --${m[1]}`);
      value = argv[++i];
    }
    out[m[1]] = value;
  }
  return out;
}

function fail(msg) {
  process.stdout.write(`FAILED ${msg}\n`);
  process.exit(1);
}

function toPort(name, value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    fail(`${name} must be an integer in 1..65535 (bcoin rejects port 0), got "${value}"`);
  return n;
}

function isLoopback(host) {
  if (typeof host !== 'string')
    return false;
  if (host === '::1' || host === 'localhost')
    return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

const args = parseArgs(process.argv.slice(2));
const env = process.env;
const pick = (flag, envName, dflt) =>
  args[flag] !== undefined ? args[flag]
    : env[envName] !== undefined ? env[envName] : dflt;

const known = ['p2p-port', 'rpc-port', 'api-key', 'log-level', 'connect', 'exit-on-stdin-close'];
for (const k of Object.keys(args)) {
  if (!known.includes(k))
    fail(`unknown option --${k} (known: ${known.map(x => '--' + x).join(' ')})`);
}

const p2pPort = toPort('p2p port', pick('p2p-port', 'BCOIN_P2P_PORT', DEFAULT_P2P_PORT));
const rpcPort = toPort('rpc port', pick('rpc-port', 'BCOIN_RPC_PORT', DEFAULT_RPC_PORT));
if (p2pPort === rpcPort)
  fail('p2p port and rpc port must differ');
const apiKey = String(pick('api-key', 'BCOIN_API_KEY', DEFAULT_API_KEY));
const logLevel = String(pick('log-level', 'BCOIN_LOG_LEVEL', 'warning'));
const connect = String(pick('connect', 'BCOIN_CONNECT', ''))
  .split(',').map(s => s.trim()).filter(Boolean);

if (!['none', 'error', 'warning', 'info', 'debug', 'spam'].includes(logLevel))
  fail(`bad log level "${logLevel}"`);

for (const hp of connect) {
  const host = hp.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (!isLoopback(host))
    fail(`--connect accepts loopback peers only, got "${hp}"`);
}

// bcoin's console logger writes to stdout; keep stdout for our protocol lines.
const util = require('util');
const Logger = require('blgr');
class StderrLogger extends Logger {
  writeConsole(level, module, args) {
    if (!this.console)
      return false;
    const name = Logger.levelsByVal[level] || String(level);
    const prefix = module ? `[${name}] (${module}) ` : `[${name}] `;
    return process.stderr.write(prefix + util.format(...args) + '\n');
  }
}

let FullNode;
try {
  FullNode = require('bcoin/lib/node/fullnode');
} catch (e) {
  fail(`cannot load bcoin (run tests/interop/bcoin/setup.sh first): ${e.message}`);
}

// Outbound sockets: loopback only. Anything else (e.g. an address learned
// from an `addr` message) gets a socket that fails immediately.
function createSocket(port, host) {
  if (!isLoopback(host)) {
    if (logLevel !== 'none')
      process.stderr.write(`[warning] (launcher) refused outbound connection to ${host}:${port} (loopback only)\n`);
    const sock = new net.Socket();
    process.nextTick(() =>
      sock.destroy(new Error(`launcher: refusing outbound connection to ${host}:${port}`)));
    return sock;
  }
  return net.connect(port, host);
}

const node = new FullNode({
  network: 'regtest',
  memory: true,
  // Never read ~/.bcoin/bcoin.conf, argv or BCOIN_* env vars; no files.
  config: false,
  argv: false,
  env: false,
  prefix: path.join(os.tmpdir(), `protogen-bcoin-${process.pid}`),
  logger: new StderrLogger(),
  logFile: false,
  logConsole: logLevel !== 'none',
  logLevel: logLevel,
  workers: false,

  // P2P
  listen: true,
  host: HOST,
  port: p2pPort,
  publicHost: HOST,
  publicPort: p2pPort,
  seeds: [],
  nodes: connect,
  upnp: false,
  createSocket: createSocket,
  maxInbound: 16,

  // HTTP / JSON-RPC
  httpHost: HOST,
  httpPort: rpcPort,
  apiKey: apiKey === '' ? undefined : apiKey,
  noAuth: apiKey === '',

  coinbaseAddress: [DEFAULT_COINBASE]
});

// No external-IP discovery over DNS, no UPnP gateway discovery, no DNS seeds.
const pool = node.pool;
pool.discoverExternal = async () => {};
pool.discoverGateway = async () => false;
pool.discoverSeeds = async () => {};
pool.hosts.discoverSeeds = async () => [];
// Do not even remember non-loopback addresses gossiped to us.
const origAdd = pool.hosts.add.bind(pool.hosts);
pool.hosts.add = (addr, src) => (isLoopback(addr.host) ? origAdd(addr, src) : false);

node.on('error', (err) => {
  process.stderr.write(`[error] (launcher) ${err && err.stack ? err.stack : err}\n`);
});

process.on('unhandledRejection', (err) => {
  process.stderr.write(`[error] (launcher) unhandled rejection: ${err && err.stack ? err.stack : err}\n`);
});

function note(level, msg) {
  if (logLevel !== 'none')
    process.stderr.write(`[${level}] (launcher) ${msg}\n`);
}

let closing = false;
async function shutdown(signal) {
  if (closing)
    return;
  closing = true;
  note('info', `${signal}: closing bcoin`);
  setTimeout(() => {
    process.stderr.write('[error] (launcher) close timed out, exiting\n');
    process.exit(2);
  }, 5000);
  try {
    if (node.opened)
      await node.close();
  } catch (e) {
    process.stderr.write(`[error] (launcher) close failed: ${e.message}\n`);
    process.exit(2);
  }
  note('info', 'bcoin closed, exiting');
  process.exit(0);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

// A lifeline: the parent holds our stdin open; end of file means it closed
// the pipe on purpose or died. Incoming data is read and discarded.
if (args['exit-on-stdin-close']) {
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.resume();
}

(async () => {
  await node.open();
  await node.connect();
  node.startSync();
  const p2p = pool.server.address();
  const actualP2p = p2p && p2p.port ? p2p.port : p2pPort;
  process.stdout.write(
    `READY p2p=${actualP2p} rpc=${rpcPort} pid=${process.pid} height=${node.chain.height}\n`);
})().catch((err) => {
  const msg = err && err.code === 'EADDRINUSE'
    ? `port in use: ${err.address || HOST}:${err.port}`
    : (err && err.message) || String(err);
  fail(msg);
});
