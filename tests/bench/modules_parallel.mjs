// Wall time of the aggregate targets over 10 modules against one module's, under Ninja and Make,
// against the local replica with 200 ms added to every answer (like a far-away boundary node).
// The aggregates run every module side by side (cli/parallel_run.hpp), so the goal is at most 2x
// one module's time; a module after another would be 10x. Median of 3 runs; each run has work to
// do (the backup: every module's state changed; the upgrade: a new Wasm, with its backup step).
//
//   JUNO_HELPER=<juno-helper> node tests/bench/modules_parallel.mjs
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startReplica, makeIdentity, admin, wasmModule, sha256hex } from '../replica/test/harness.mjs';

const helper = process.env.JUNO_HELPER;
if (!helper) throw new Error('set JUNO_HELPER to the juno-helper to measure');
const latencyMs = Number(process.env.JUNO_BENCH_LATENCY_MS ?? 200);
const MODULES = 10;
const RUNS = 3;
const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const adminRetry = async (...args) => {
  try {
    return await admin(...args);
  } catch {
    return admin(...args);
  }
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const replica = await startReplica();
try {
  const dir = mkdtempSync(join(tmpdir(), 'juno-bench-modules-'));
  const owner = makeIdentity('ed25519');
  const pem = join(dir, 'owner.pem');
  writeFileSync(pem, owner.pem);
  const wasm = join(dir, 'module.wasm');
  let version = 1;
  writeFileSync(wasm, wasmModule({ version: [version] }));

  const canisters = [];
  for (let i = 0; i < MODULES + 1; i++) {
    const { canister_id } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
    const r = spawnSync(helper, ['upgrade', '--canister', canister_id, '--network', replica.url, '--identity', pem, '--wasm', wasm]);
    if (r.status !== 0) throw new Error(`installing v1 failed: ${r.stderr}`);
    canisters.push(canister_id);
  }
  // One project with the first module alone, one with the 10 others.
  const src = join(dir, 'src');
  spawnSync('mkdir', ['-p', src]);
  writeFileSync(join(src, 'CMakeLists.txt'), `cmake_minimum_required(VERSION 3.22)
project(BenchModules NONE)
include("${SOURCE_DIR}/cmake/Juno.cmake")
set(index 0)
foreach(canister IN LISTS BENCH_CANISTERS)
  juno_add_module(m\${index} CANISTER_ID \${canister} WASM "${wasm}")
  math(EXPR index "\${index} + 1")
endforeach()
`);
  const configure = (generator, ids) => {
    const build = mkdtempSync(join(dir, 'build-'));
    const r = spawnSync('cmake', ['-S', src, '-B', build, '-G', generator, `-DJUNO_HELPER_EXECUTABLE=${helper}`,
      `-DJUNO_NETWORK=${replica.url}`, `-DJUNO_IDENTITY=${pem}`, `-DBENCH_CANISTERS=${ids.join(';')}`]);
    if (r.status !== 0) throw new Error(`configure failed: ${r.stdout}${r.stderr}`);
    return build;
  };
  await admin(replica.url, 'POST', 'faults', { delay_ms: latencyMs, delay_count: -1 });

  const timedBuild = async (build, target, ids) => {
    // Work to do: every module changed since its backup; for the upgrade, a new Wasm too.
    for (const id of ids) await adminRetry(replica.url, 'PUT', `canisters/${id}/stable_memory`, new TextEncoder().encode(`run ${Date.now()}`));
    if (target === 'juno_upgrade') writeFileSync(wasm, wasmModule({ version: [++version] }));
    const start = process.hrtime.bigint();
    const r = spawnSync('cmake', ['--build', build, '--target', target]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`${target} failed: ${r.stdout}${r.stderr}`);
    for (const id of ids) {
      const s = await adminRetry(replica.url, 'GET', `canisters/${id}`);
      if (s.status !== 'running' || s.snapshots.length !== 1) throw new Error(`${target}: ${id} is ${s.status} with ${s.snapshots.length} backups`);
      if (target === 'juno_upgrade' && s.module_hash !== sha256hex(wasmModule({ version: [version] }))) throw new Error(`${target}: ${id} was not upgraded`);
    }
    return seconds;
  };

  const rows = [];
  for (const target of ['juno_backup', 'juno_upgrade']) {
    for (const generator of ['Ninja', 'Unix Makefiles']) {
      const oneIds = canisters.slice(0, 1);
      const manyIds = canisters.slice(1);
      const one = configure(generator, oneIds);
      const many = configure(generator, manyIds);
      const oneTimes = [];
      const manyTimes = [];
      for (let run = 0; run < RUNS; run++) {
        // The order rotates, so that neither always runs first.
        if (run % 2 === 0) {
          oneTimes.push(await timedBuild(one, target, oneIds));
          manyTimes.push(await timedBuild(many, target, manyIds));
        } else {
          manyTimes.push(await timedBuild(many, target, manyIds));
          oneTimes.push(await timedBuild(one, target, oneIds));
        }
      }
      rows.push([target, generator, median(oneTimes), median(manyTimes)]);
    }
  }
  console.log(`Aggregate targets, 1 module vs ${MODULES}, ${latencyMs} ms added to every answer (local replica), median of ${RUNS}:`);
  console.log(`  ${'target'.padEnd(14)}${'generator'.padEnd(16)}${'1 module'.padStart(10)}${`${MODULES} modules`.padStart(12)}${'ratio'.padStart(8)}`);
  for (const [target, generator, one, many] of rows) {
    console.log(`  ${target.padEnd(14)}${generator.padEnd(16)}${`${one.toFixed(2)} s`.padStart(10)}${`${many.toFixed(2)} s`.padStart(12)}${`${(many / one).toFixed(2)}x`.padStart(8)}`);
  }
} finally {
  await replica.stop();
}
