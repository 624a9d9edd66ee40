// Wall time of a 5 MB module upgrade (chunked) by juno-helper and by DFINITY's icp CLI, against
// the local replica with 200 ms added to every answer, like a far-away boundary node. Prints a
// table; the baseline in shared research (icp 1.5.0) is about 3.1 s for the same work.
//
//   JUNO_HELPER=<juno-helper> node tests/bench/upgrade_vs_icp.mjs
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import {
  startReplica, IcpCli, makeIdentity, admin, bigWasmModule, wasmModule, sha256hex,
} from '../replica/test/harness.mjs';

const helper = process.env.JUNO_HELPER;
if (!helper) throw new Error('set JUNO_HELPER to the juno-helper to measure');
const latencyMs = Number(process.env.JUNO_BENCH_LATENCY_MS ?? 200);

// A pooled keep-alive connection may have been closed by the replica while a long command ran;
// one retry on a fresh connection is enough.
const adminRetry = async (...args) => {
  try {
    return await admin(...args);
  } catch {
    return admin(...args);
  }
};

const replica = await startReplica();
try {
  const dir = mkdtempSync(join(tmpdir(), 'juno-bench-'));
  const owner = makeIdentity('secp256k1');
  const pem = join(dir, 'owner.pem');
  writeFileSync(pem, owner.pem);
  const icp = new IcpCli(replica.url);
  await icp.importIdentity('owner', owner);

  const small = join(dir, 'small.wasm');
  writeFileSync(small, wasmModule({ v: [1] }));
  const big = join(dir, 'big.wasm');
  const bigBytes = bigWasmModule(5_000_000);
  writeFileSync(big, bigBytes);

  const canisters = [];
  for (let i = 0; i < 3; i++) {
    const { canister_id } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
    const r = spawnSync(helper, ['upgrade', '--canister', canister_id, '--network', replica.url, '--identity', pem, '--wasm', small]);
    if (r.status !== 0) throw new Error(`installing v1 failed: ${r.stderr}`);
    canisters.push(canister_id);
  }
  await admin(replica.url, 'POST', 'faults', { delay_ms: latencyMs, delay_count: -1 });

  const timed = async (label, run, canister) => {
    const start = process.hrtime.bigint();
    await run();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const state = await adminRetry(replica.url, 'GET', `canisters/${canister}`);
    if (state.module_hash !== sha256hex(bigBytes) || state.status !== 'running') throw new Error(`${label}: the upgrade did not land`);
    return [label, seconds];
  };
  const helperArgs = (canister, extra) => ['upgrade', '--canister', canister, '--network', replica.url, '--identity', pem, '--wasm', big, ...extra];
  const runHelper = (args) => () => {
    const r = spawnSync(helper, args);
    if (r.status !== 0) throw new Error(`juno-helper failed: ${r.stderr}`);
  };
  const rows = [
    await timed('icp canister install --mode upgrade', () => icp.run(['canister', 'install', canisters[0], '--mode', 'upgrade', '--wasm', big], { identity: 'owner' }), canisters[0]),
    await timed('juno-helper upgrade --no-backup', runHelper(helperArgs(canisters[1], ['--no-backup'])), canisters[1]),
    await timed('juno-helper upgrade (backup first)', runHelper(helperArgs(canisters[2], [])), canisters[2]),
  ];
  console.log(`5 MB module upgrade, ${latencyMs} ms added to every reply (local replica):`);
  for (const [label, seconds] of rows) console.log(`  ${label.padEnd(40)} ${seconds.toFixed(2)} s`);
  icp.cleanup();
} finally {
  await replica.stop();
}
