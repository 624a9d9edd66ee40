// The aggregate targets over many modules: one helper run that runs every module's command side by
// side (cli/parallel_run.hpp), under Ninja (whose console pool would otherwise run the modules one
// after another) and Make. Each module ends as its own target would leave it; lines are labelled;
// a failure or a signal leaves every module running and says which module is in what state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, run, startHelper, HELPER, admin, sha256hex, wasmModule } from './harness.mjs';

const SOURCE_DIR = join(import.meta.dirname, '..', '..');
const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });

const state = (fx, canister) => admin(fx.url, 'GET', `canisters/${canister}`);
const snapshots = async (fx, canister) => (await state(fx, canister)).snapshots;

// `count` modules, each with v1 installed and its own stable memory.
async function modules(fx, count) {
  const canisters = [];
  for (let i = 0; i < count; i++) {
    const { canister_id } = await admin(fx.url, 'POST', 'canisters', { controllers: [fx.owner.principal] });
    const r = await run(HELPER, ['upgrade', '--canister', canister_id, '--network', fx.url, '--identity', fx.pem,
      '--wasm', fx.writeWasm('v1.wasm', v1)]);
    assert.equal(r.code, 0, r.output);
    await admin(fx.url, 'PUT', `canisters/${canister_id}/stable_memory`, new TextEncoder().encode(`state of m${i}`));
    canisters.push(canister_id);
  }
  return canisters;
}

// A project of its own with one module per canister, m0..m<n-1>, all upgraded to `wasm`.
async function manyModuleProject(fx, canisters, { generator, wasm }) {
  const src = mkdtempSync(join(fx.dir, 'src-'));
  writeFileSync(join(src, 'CMakeLists.txt'), `cmake_minimum_required(VERSION 3.22)
project(ManyModules NONE)
include("${SOURCE_DIR}/cmake/Juno.cmake")
set(index 0)
foreach(canister IN LISTS E2E_CANISTERS)
  juno_add_module(m\${index} CANISTER_ID \${canister} WASM "${wasm}")
  math(EXPR index "\${index} + 1")
endforeach()
`);
  const build = mkdtempSync(join(fx.dir, 'build-'));
  const r = await run('cmake', ['-S', src, '-B', build, '-G', generator, `-DJUNO_HELPER_EXECUTABLE=${HELPER}`,
    `-DJUNO_NETWORK=${fx.url}`, `-DJUNO_IDENTITY=${fx.pem}`, `-DE2E_CANISTERS=${canisters.join(';')}`]);
  assert.equal(r.code, 0, r.output);
  return { build, target: (name, env) => run('cmake', ['--build', build, '--target', name], { env }) };
}

// The --config flags naming every module of `p`, as the aggregate targets pass them.
const configsOf = (p, canisters) => canisters.flatMap((_, i) => ['--config', join(p.build, 'juno', `m${i}.json`)]);

// Waits until `count` calls are held by a `pause` fault, i.e. that many runs are in their stop window.
async function untilPaused(fx, count) {
  for (let i = 0; i < 500 && (await admin(fx.url, 'GET', 'faults')).paused.length < count; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const generator of ['Ninja', 'Unix Makefiles']) {
  test(`${generator}: juno_backup over 10 modules backs every one up, side by side, each line labelled`, async (t) => {
    const fx = await fixture(t);
    const canisters = await modules(fx, 10);
    const p = await manyModuleProject(fx, canisters, { generator, wasm: fx.writeWasm('v2.wasm', v2) });
    // Every answer takes 300 ms: one module after another would take 10 times one module's time.
    await fx.faults({ delay_ms: 300, delay_count: -1 });
    let started = Date.now();
    const one = await p.target('juno_backup_m0');
    const oneSeconds = (Date.now() - started) / 1000;
    assert.equal(one.code, 0, one.output);
    // m0 changes, so that the aggregate backs it up again (replacing its only backup).
    await admin(fx.url, 'PUT', `canisters/${canisters[0]}/stable_memory`, new TextEncoder().encode('changed'));
    started = Date.now();
    const r = await p.target('juno_backup');
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.code, 0, r.output);
    for (const [i, canister] of canisters.entries()) {
      const s = await state(fx, canister);
      assert.equal(s.status, 'running', `m${i} runs`);
      assert.equal(s.snapshots.length, 1, `m${i} holds its backup`);
      assert.match(r.output, new RegExp(`^m${i}\\s* \\| Backed up module m${i} \\(${canister}\\)`, 'm'));
    }
    assert.match(r.output, /backup: 10 of 10 modules done in/);
    // Side by side: nowhere near ten times one module's time (tests/bench prints the real ratio).
    assert.ok(seconds < 4 * oneSeconds, `10 modules took ${seconds} s, one took ${oneSeconds} s`);
  });
}

test('Ninja: juno_upgrade over 3 modules backs up then upgrades each, and an aggregate restore puts v1 back', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 3);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  const r = await p.target('juno_upgrade');
  assert.equal(r.code, 0, r.output);
  for (const canister of canisters) {
    const s = await state(fx, canister);
    assert.equal(s.module_hash, sha256hex(v2));
    assert.equal(s.status, 'running');
    assert.equal(s.snapshots.length, 1);
  }
  const back = await p.target('juno_restore');
  assert.equal(back.code, 0, back.output);
  for (const canister of canisters) assert.equal((await state(fx, canister)).module_hash, sha256hex(v1));
  const list = await p.target('juno_backup_list');
  assert.equal(list.code, 0, list.output);
  for (let i = 0; i < 3; i++) assert.match(list.output, new RegExp(`^m${i} \\|   0x`, 'm'));
});

test('one module failing: the others are backed up, all run, and the summary repeats its failure and next step', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 4);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  await fx.faults({ method: [{ method: 'take_canister_snapshot', action: 'reject', code: 503, message: 'injected: out of cycles', count: 1 }] });
  const r = await p.target('juno_backup');
  assert.notEqual(r.code, 0, r.output);
  const held = await Promise.all(canisters.map((c) => snapshots(fx, c)));
  assert.equal(held.filter((s) => s.length === 1).length, 3, r.output);
  const failed = held.findIndex((s) => s.length === 0);
  for (const canister of canisters) assert.equal((await state(fx, canister)).status, 'running');
  assert.match(r.output, new RegExp(`backup: 3 of 4 modules done in [0-9.]+ s; failed: m${failed} \\(exit 3\\)`));
  // The failure's own words, again in the summary: its state and the command to run next.
  assert.match(r.output, new RegExp(`juno-helper: m${failed}: error: .*injected: out of cycles`));
  assert.match(r.output, new RegExp(`cmake --build ${p.build} --target juno_backup_m${failed}`));
});

test('SIGINT to the aggregate run: each module finishes its step and runs again; none is started anew', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 4);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  const configs = configsOf(p, canisters);
  // Two at a time; each held inside its stop window for 3 s.
  await fx.faults({ method: [{ method: 'take_canister_snapshot', when: 'after', action: 'pause', ms: 3000, count: -1 }] });
  const { child, exited } = startHelper(['backup', ...configs, '--jobs', '2']);
  await untilPaused(fx, 2);
  child.kill('SIGINT');
  const { code, output } = await exited;
  assert.equal(code, 130, output);
  for (const canister of canisters) assert.equal((await state(fx, canister)).status, 'running', output);
  assert.match(output, /not started, so nothing was done to them: m2 m3/);
  assert.match(output, new RegExp(`cmake --build ${p.build} --target juno_backup_m2`));
  // The two inside their stop window finished the step (the backup) and started their module.
  assert.equal((await snapshots(fx, canisters[0])).length, 1, output);
  assert.equal((await snapshots(fx, canisters[1])).length, 1, output);
  assert.equal((await snapshots(fx, canisters[2])).length, 0);
  assert.equal((await snapshots(fx, canisters[3])).length, 0);
});

// Some CI runners signal every process of the job's tree: each module's run then gets SIGTERM
// twice, directly and passed on by the aggregate run. It must count it once: finish the step and
// start its module, not exit at once inside its stop window.
test('SIGTERM sent to every process of the tree counts once: every module runs again', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 3);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  const configs = configsOf(p, canisters);
  await fx.faults({ method: [{ method: 'take_canister_snapshot', when: 'after', action: 'pause', ms: 3000, count: -1 }] });
  const { child, exited } = startHelper(['backup', ...configs]);
  await untilPaused(fx, 3);
  const runs = (await run('pgrep', ['-P', String(child.pid)])).stdout.trim().split('\n').map(Number);
  assert.equal(runs.length, 3, 'one process per module');
  child.kill('SIGTERM');
  for (const pid of runs) process.kill(pid, 'SIGTERM');
  const { code, output } = await exited;
  assert.equal(code, 143, output);
  assert.doesNotMatch(output, /exiting at once/);
  for (const canister of canisters) {
    const s = await state(fx, canister);
    assert.equal(s.status, 'running', output);
    assert.equal(s.snapshots.length, 1, output);
  }
});

test('a second SIGINT makes every module\'s run exit at once; the next command starts the modules', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 2);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  const configs = configsOf(p, canisters);
  await fx.faults({ method: [{ method: 'take_canister_snapshot', when: 'after', action: 'pause', ms: 4000, count: -1 }] });
  const { child, exited } = startHelper(['backup', ...configs]);
  await untilPaused(fx, 2);
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGINT');
  const { code, output } = await exited;
  assert.equal(code, 130, output);
  assert.match(output, /m0 \| SIGINT again: exiting at once/);
  assert.match(output, /m1 \| SIGINT again: exiting at once/);
  // Left stopped inside their stop window; each module's own next command puts it back.
  await fx.faults({ method: [] });
  const again = await run(HELPER, ['status', ...configs]);
  assert.equal(again.code, 0, again.output);
  for (const canister of canisters) assert.equal((await state(fx, canister)).status, 'running', again.output);
});

test('--json over several modules: one document holding each module\'s own', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 2);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  const r = await run(HELPER, ['status', '--json', '--config', join(p.build, 'juno', 'm0.json'), '--config', join(p.build, 'juno', 'm1.json')]);
  assert.equal(r.code, 0, r.output);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.command, 'status');
  assert.deepEqual(doc.modules.map((m) => [m.module, m.exit_code, m.result.canister_id]), [['m0', 0, canisters[0]], ['m1', 0, canisters[1]]]);
});

test('a broken module config stops the aggregate before any module is touched', async (t) => {
  const fx = await fixture(t);
  const canisters = await modules(fx, 2);
  const p = await manyModuleProject(fx, canisters, { generator: 'Ninja', wasm: fx.writeWasm('v2.wasm', v2) });
  await fx.clearLog();
  const r = await run(HELPER, ['backup', '--config', join(p.build, 'juno', 'm0.json'), '--config', join(fx.dir, 'missing.json')]);
  assert.equal(r.code, 2, r.output);
  assert.match(r.output, /missing\.json: cannot be read/);
  assert.equal((await fx.log()).length, 0, 'nothing was sent');
  const bad = await run(HELPER, ['backup', '--config', join(p.build, 'juno', 'm0.json'), '--config', join(p.build, 'juno', 'm1.json'), '--kep', '2']);
  assert.equal(bad.code, 2, bad.output);
  assert.match(bad.output, /unknown flag '--kep'/);
  assert.equal((await fx.log()).length, 0, 'nothing was sent');
});
