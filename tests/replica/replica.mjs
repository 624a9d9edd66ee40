#!/usr/bin/env node
// A local Internet Computer replica for juno-cmake's tests.
//   node replica.mjs [--port <n>] [--state-dir <dir>] [--delegation] [--exit-with-stdin]
// Prints `listening on http://127.0.0.1:<port>` as its first stdout line.
// --exit-with-stdin: stop when standard input closes. A test harness that starts the replica with a
// pipe as its stdin thereby ends it whenever the harness's process ends, however it ends.
import { parseArgs } from 'node:util';
import { Replica } from './src/ingress.mjs';
import { Faults } from './src/faults.mjs';
import { Store } from './src/persist.mjs';
import { createReplicaServer } from './src/http.mjs';

const DEFAULT_PORT = 5987; // Juno's emulator port, which JUNO_NETWORK=local targets

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PORT) },
    'state-dir': { type: 'string' },
    delegation: { type: 'boolean' },
    'exit-with-stdin': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('usage: node replica.mjs [--port <n>] [--state-dir <dir>] [--delegation] [--exit-with-stdin]\n');
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`replica: invalid --port ${values.port}\n`);
  process.exit(2);
}

const store = values['state-dir'] ? new Store(values['state-dir']) : null;
const saved = store?.load();
const faults = new Faults();
const replica = new Replica({
  subnet: saved?.subnet,
  rootKey: saved?.rootKey,
  nodeSecret: saved?.nodeSecret,
  // --delegation: sign as a subnet the root key delegates to, as mainnet's subnets do.
  topology: { ...saved?.topology, ...(values.delegation ? { delegation: true } : {}) },
  faults,
  onChange: () => store?.schedule(replica),
});
if (store && !saved) store.flush(replica); // pin the root key from the start

const server = createReplicaServer(replica);
server.on('error', (err) => {
  process.stderr.write(`replica: ${err.message}\n`);
  process.exit(1);
});
// Loopback only: the replica and its admin API must never be reachable from outside.
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});

function shutdown() {
  if (store) store.flush(replica);
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
if (values['exit-with-stdin']) {
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}
