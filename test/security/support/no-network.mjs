// Preloaded (`node --import`) into the rollsafe CLI by test/security/no-network.test.ts: every way Node has to
// reach the network records the attempt in $ROLLSAFE_NET_LOG and throws. Child processes are recorded too, so
// the test can check that git is the only program rollsafe runs.
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const log = process.env.ROLLSAFE_NET_LOG;
function record(what) {
  if (log) fs.appendFileSync(log, `${what}\n`);
}
function blocked(name) {
  return function (...args) {
    record(`${name} ${JSON.stringify(args.filter((a) => typeof a !== 'function')).slice(0, 200)}`);
    throw new Error(`network disabled by the test: ${name}`);
  };
}

net.connect = blocked('net.connect');
net.createConnection = blocked('net.createConnection');
net.Socket.prototype.connect = blocked('net.Socket.connect');
tls.connect = blocked('tls.connect');
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveTxt', 'resolveSrv', 'resolveNs', 'reverse']) {
  dns[name] = blocked(`dns.${name}`);
  dns.promises[name] = blocked(`dns.promises.${name}`);
}
dns.Resolver.prototype.resolve = blocked('dns.Resolver.resolve');
for (const [name, mod] of [['http', http], ['https', https]]) {
  mod.request = blocked(`${name}.request`);
  mod.get = blocked(`${name}.get`);
}
http2.connect = blocked('http2.connect');
dgram.createSocket = blocked('dgram.createSocket');
globalThis.fetch = blocked('fetch');
if (globalThis.WebSocket) globalThis.WebSocket = blocked('WebSocket');

for (const name of ['spawn', 'execFile', 'exec', 'fork', 'spawnSync', 'execFileSync', 'execSync']) {
  const original = childProcess[name];
  childProcess[name] = function (command, ...rest) {
    record(`child_process.${name} ${String(command)}`);
    return original.call(this, command, ...rest);
  };
}
// Named ESM imports of builtins (`import { spawn } from 'node:child_process'`) see the replacements only after this.
syncBuiltinESMExports();
