// The local replica's cost per call as a run goes on: N sequential `juno-helper backup` runs
// against one replica, no added latency, each run's wall time divided by the calls the replica
// logged for it. Prints the mean time per call over the first and the last calls of the run, and
// fails when the late calls cost more than twice the early ones (the replica would then be
// measuring itself, not the client: every benchmark here needs its cost flat).
//
//   JUNO_HELPER=<juno-helper> node tests/bench/replica_cost.mjs [calls]   (default 1000)
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { startReplica, makeIdentity, admin, wasmModule } from '../replica/test/harness.mjs';

const helper = process.env.JUNO_HELPER;
if (!helper) throw new Error('set JUNO_HELPER to the juno-helper to run');
const totalCalls = Number(process.argv[2] ?? 1000);
const windowCalls = Math.max(1, Math.round(totalCalls / 10));

const replica = await startReplica();
// The replica's CPU time so far in seconds (user + system, /proc/<pid>/stat fields 14 and 15): what
// it spent itself, apart from the client and from whatever else the machine runs meanwhile.
const ticks = 100; // USER_HZ, 100 on every Linux architecture Node.js runs on
const replicaCpu = () => {
  const fields = readFileSync(`/proc/${replica.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
};
const dir = mkdtempSync(join(tmpdir(), 'juno-bench-cost-'));
try {
  const owner = makeIdentity('secp256k1');
  const pem = join(dir, 'owner.pem');
  writeFileSync(pem, owner.pem);
  const wasm = join(dir, 'module.wasm');
  writeFileSync(wasm, wasmModule({ v: [1] }));
  const { canister_id: canister } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
  const common = ['--canister', canister, '--network', replica.url, '--identity', pem];
  const run = (args) => {
    const r = spawnSync(helper, [...args, ...common], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`juno-helper ${args[0]} failed (${r.status}): ${r.stderr}`);
  };
  run(['upgrade', '--wasm', wasm, '--no-backup']);

  // [first call index, calls, wall seconds, replica CPU seconds] per backup run.
  const runs = [];
  let calls = 0;
  const started = process.hrtime.bigint();
  while (calls < totalCalls) {
    // A write to the module's memory, as an update would make: otherwise the helper finds the
    // module unchanged since its last backup and takes none.
    await admin(replica.url, 'POST', `canisters/${canister}/stable_memory?offset=0`, Uint8Array.of(runs.length & 0xff));
    await admin(replica.url, 'DELETE', 'log');
    const start = process.hrtime.bigint();
    const cpu = replicaCpu();
    run(['backup']);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpuSeconds = replicaCpu() - cpu;
    const logged = (await admin(replica.url, 'GET', 'log')).length;
    runs.push([calls, logged, seconds, cpuSeconds]);
    calls += logged;
  }
  const total = Number(process.hrtime.bigint() - started) / 1e9;
  const state = await admin(replica.url, 'GET', `canisters/${canister}`);
  if (state.status !== 'running' || state.snapshots.length !== 1) throw new Error(`the module ended ${state.status} with ${state.snapshots.length} backups`);

  // Mean milliseconds per call (wall, and the replica's CPU) over the runs whose calls start inside [from, to).
  const perCall = (from, to) => {
    const inside = runs.filter(([first]) => first >= from && first < to);
    const n = inside.reduce((s, [, c]) => s + c, 0);
    const ms = (i) => (inside.reduce((s, r) => s + r[i], 0) * 1000) / n;
    return { ms: ms(2), cpu: ms(3), calls: n };
  };
  const early = perCall(0, windowCalls);
  const late = perCall(calls - windowCalls - runs.at(-1)[1], calls);
  console.log(`local replica, ${runs.length} sequential juno-helper backups, ${calls} calls in ${total.toFixed(1)} s:`);
  console.log(`  calls 1-${early.calls}: ${early.ms.toFixed(1)} ms per call, of which the replica's CPU ${early.cpu.toFixed(1)} ms`);
  console.log(`  calls ${calls - late.calls + 1}-${calls}: ${late.ms.toFixed(1)} ms per call (${(late.ms / early.ms).toFixed(2)}x), of which the replica's CPU ${late.cpu.toFixed(1)} ms (${(late.cpu / early.cpu).toFixed(2)}x)`);
  if (late.cpu > 2 * early.cpu) throw new Error('the replica slows down as a run goes on: its per-call cost must stay flat');
} finally {
  await replica.stop();
  rmSync(dir, { recursive: true, force: true });
}
