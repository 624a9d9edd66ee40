// Signals as a user sends them: Ctrl-C (SIGINT), a cancelled CI job (SIGTERM) and a killed process
// (SIGKILL) at every phase of backup, restore and upgrade (small and chunked). The replica holds
// the helper at a phase (a method fault that pauses before or after a management method) while the
// test sends the signal; then the replica's state says what the run left:
//   - the module is running (or stopped, if its owner had it so),
//   - the chunk store is empty,
//   - no restore point is lost: when the module no longer runs the module it had, a backup holds
//     the state it had before; and no backup is gone that should not be,
//   - SIGINT and SIGTERM end with 128 + the signal and a message naming the module's state;
//     after SIGKILL, the next command on the module repairs it and says what it found.
// It prints `N runs, N left stopped, N restore points lost` (both must be 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fixture, project, run, startHelper, HELPER, admin, sha256hex, wasmModule, bigWasmModule } from './harness.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });
const big = bigWasmModule(2_600_000); // three chunks
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'];
const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };
const PAUSE_MS = 1200;

const tally = { runs: 0, leftStopped: 0, restorePointsLost: 0, failures: [] };

const canisterState = (fx, canister) => admin(fx.url, 'GET', `canisters/${canister}`);
const connect = (fx, canister) => ['--canister', canister, '--network', fx.url, '--identity', fx.pem];

// A module running v1 with a backup of an older state, then changed: S0 in the backup, S1 live.
async function preparedModule(fx, { ownerStopped = false } = {}) {
  const { canister_id: canister } = await admin(fx.url, 'POST', 'canisters', { controllers: [fx.owner.principal] });
  const install = await run(HELPER, ['upgrade', ...connect(fx, canister), '--wasm', fx.writeWasm('v1.wasm', v1)]);
  assert.equal(install.code, 0, install.output);
  await admin(fx.url, 'PUT', `canisters/${canister}/stable_memory`, new TextEncoder().encode('S0'));
  const backup = await run(HELPER, ['backup', ...connect(fx, canister)]);
  assert.equal(backup.code, 0, backup.output);
  await admin(fx.url, 'PUT', `canisters/${canister}/stable_memory`, new TextEncoder().encode(`S1 of ${canister}`));
  if (ownerStopped) await admin(fx.url, 'POST', `canisters/${canister}/state`, { status: 'stopped' });
  return canister;
}

// Resolves once the replica holds a call at the paused phase; rejects if the helper exits first.
async function untilPaused(fx, exited) {
  let done = false;
  exited.then(() => (done = true));
  for (let i = 0; i < 3000; i++) {
    const { paused } = await admin(fx.url, 'GET', 'faults');
    if (paused.length > 0) return;
    if (done) throw new Error('the helper finished before the phase was reached');
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the phase was never reached');
}

// The state a run must leave, and the figures it counts toward.
function check(label, before, after, { ownerStopped, expectChanged = false }) {
  tally.runs += 1;
  const problems = [];
  const wanted = ownerStopped ? 'stopped' : 'running';
  if (after.status !== wanted) {
    problems.push(`module ${after.status}, expected ${wanted}`);
    if (after.status !== 'running' && !ownerStopped) tally.leftStopped += 1;
  }
  if (after.chunk_hashes.length !== 0) problems.push(`${after.chunk_hashes.length} chunks left in the chunk store`);
  // The state before the run must be in a backup once the module runs another module.
  const beforeKept = after.snapshots.some((s) => s.module_hash === before.module_hash && s.stable_memory_sha256 === before.stable_memory_sha256);
  if (after.module_hash !== before.module_hash && !beforeKept) {
    problems.push('the module changed and no backup holds its state from before');
    tally.restorePointsLost += 1;
  }
  if (after.snapshots.length < before.snapshots.length) {
    problems.push(`backups went from ${before.snapshots.length} to ${after.snapshots.length}`);
    tally.restorePointsLost += 1;
  }
  if (expectChanged === false && after.module_hash !== before.module_hash && after.module_hash !== sha256hex(v2) && after.module_hash !== sha256hex(big)) {
    problems.push('the module is neither the old nor the new one');
  }
  if (problems.length) tally.failures.push(`${label}: ${problems.join('; ')}`);
  return problems;
}

// Every phase a signal can land in, per command: the replica pauses `when` the method executes.
const COMMANDS = {
  backup: {
    args: () => ['backup'],
    phases: [['canister_status', 'before'], ['stop_canister', 'after'], ['take_canister_snapshot', 'before'], ['take_canister_snapshot', 'after'], ['start_canister', 'after']],
  },
  restore: {
    args: () => ['restore'],
    phases: [['list_canister_snapshots', 'after'], ['stop_canister', 'after'], ['load_canister_snapshot', 'before'], ['load_canister_snapshot', 'after'], ['start_canister', 'after']],
  },
  upgrade: {
    args: (fx) => ['upgrade', '--wasm', fx.writeWasm('v2.wasm', v2)],
    phases: [['canister_status', 'before'], ['stop_canister', 'after'], ['take_canister_snapshot', 'after'], ['install_code', 'before'], ['install_code', 'after'], ['start_canister', 'after']],
  },
  'chunked upgrade': {
    args: (fx) => ['upgrade', '--wasm', fx.writeWasm('big.wasm', big)],
    phases: [['upload_chunk', 'after'], ['stop_canister', 'after'], ['take_canister_snapshot', 'after'], ['install_chunked_code', 'before'], ['install_chunked_code', 'after'], ['clear_chunk_store', 'before']],
  },
};

for (const [name, command] of Object.entries(COMMANDS)) {
  test(`${name}: SIGINT, SIGTERM and SIGKILL at every phase leave the module running and its restore point kept`, async (t) => {
    const fx = await fixture(t);
    for (const [method, when] of command.phases) {
      for (const signal of SIGNALS) {
        const label = `${name}, ${signal} ${when} ${method}`;
        const canister = await preparedModule(fx);
        const before = await canisterState(fx, canister);
        await fx.faults({ method: [{ method, when, action: 'pause', ms: PAUSE_MS }] });
        const { child, exited } = startHelper([...command.args(fx), ...connect(fx, canister)]);
        await untilPaused(fx, exited);
        child.kill(signal);
        const r = await exited;
        await admin(fx.url, 'DELETE', 'faults');

        if (signal === 'SIGKILL') {
          assert.equal(r.signal, 'SIGKILL', label);
          // The next command on the module puts it back first.
          const next = await run(HELPER, ['status', ...connect(fx, canister)]);
          assert.equal(next.code, 0, `${label}: status after the kill:\n${next.output}`);
          const journalLeft = /an earlier run \(juno-helper \w+, pid \d+/.test(next.output);
          // Before its first change to the module a run keeps no journal: there is nothing to repair.
          const changedYet = !['canister_status', 'list_canister_snapshots'].includes(method);
          if (changedYet) assert.ok(journalLeft, `${label}: the next command said nothing of the killed run:\n${next.output}`);
        } else {
          assert.equal(r.code, 128 + SIGNAL_NUMBER[signal], `${label}: exit status\n${r.output}`);
          assert.match(r.output, new RegExp(`${signal} received`), label);
          assert.match(r.output, /is (running|stopped)|was not touched|running, untouched/, `${label}: the state is named\n${r.output}`);
        }
        const after = await canisterState(fx, canister);
        const problems = check(label, before, after, { ownerStopped: false });
        assert.deepEqual(problems, [], `${label}\n${r.output}`);

        // The work then completes when run again, and the restore point is the state from before.
        const again = await run(HELPER, [...command.args(fx), ...connect(fx, canister)]);
        assert.equal(again.code, 0, `${label}: run again:\n${again.output}`);
        const done = await canisterState(fx, canister);
        assert.deepEqual(check(`${label}, run again`, before, done, { ownerStopped: false }), [], `${label}: run again\n${again.output}`);
        if (name.includes('upgrade')) {
          assert.ok(done.snapshots.some((s) => s.module_hash === before.module_hash && s.stable_memory_sha256 === before.stable_memory_sha256),
            `${label}: after the upgrade completes, a backup holds the state from before it:\n${again.output}`);
        }
      }
    }
  });
}

test('a module its owner had stopped stays stopped through backup, upgrade and restore, also when interrupted', async (t) => {
  const fx = await fixture(t);
  for (const [name, command] of Object.entries(COMMANDS)) {
    const canister = await preparedModule(fx, { ownerStopped: true });
    const before = await canisterState(fx, canister);
    const r = await run(HELPER, [...command.args(fx), ...connect(fx, canister)]);
    assert.equal(r.code, 0, `${name}:\n${r.output}`);
    assert.match(r.output, /stopped, as its owner had it/, name);
    assert.deepEqual(check(`${name} on an owner-stopped module`, before, await canisterState(fx, canister), { ownerStopped: true }), []);

    const other = await preparedModule(fx, { ownerStopped: true });
    const otherBefore = await canisterState(fx, other);
    const method = name === 'restore' ? 'load_canister_snapshot' : name === 'backup' ? 'take_canister_snapshot' : name === 'upgrade' ? 'install_code' : 'install_chunked_code';
    await fx.faults({ method: [{ method, when: 'before', action: 'pause', ms: PAUSE_MS }] });
    const { child, exited } = startHelper([...command.args(fx), ...connect(fx, other)]);
    await untilPaused(fx, exited);
    child.kill('SIGINT');
    const stopped = await exited;
    await admin(fx.url, 'DELETE', 'faults');
    assert.equal(stopped.code, 130, stopped.output);
    assert.deepEqual(check(`${name} on an owner-stopped module, SIGINT`, otherBefore, await canisterState(fx, other), { ownerStopped: true }), [], stopped.output);
  }
});

test('a second signal exits at once, saying what the module may be; the next command puts it back', async (t) => {
  const fx = await fixture(t);
  const canister = await preparedModule(fx);
  await fx.faults({ method: [{ method: 'stop_canister', when: 'after', action: 'pause', ms: 5000 }] });
  const { child, exited } = startHelper(['backup', ...connect(fx, canister)]);
  await untilPaused(fx, exited);
  child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  const r = await exited;
  assert.equal(r.code, 130, r.output);
  assert.match(r.output, /SIGINT again: exiting at once/);
  assert.match(r.output, /may be STOPPED: this run had stopped it \(step: stop\)\. The next juno-helper command on it puts it back, e\.g\.: juno-helper start --canister/);
  await admin(fx.url, 'DELETE', 'faults');
  await new Promise((r) => setTimeout(r, 5000)); // the held stop completes
  assert.equal((await canisterState(fx, canister)).status, 'stopped');
  const next = await run(HELPER, ['list', ...connect(fx, canister)]);
  assert.equal(next.code, 0, next.output);
  assert.match(next.output, /started .* again: that run had stopped it/);
  assert.equal((await canisterState(fx, canister)).status, 'running');
});

test('a closed pipe (`juno-helper ... | head`) does not leave the module stopped', async (t) => {
  const fx = await fixture(t);
  const canister = await preparedModule(fx);
  const before = await canisterState(fx, canister);
  await fx.faults({ method: [{ method: 'take_canister_snapshot', when: 'after', action: 'pause', ms: PAUSE_MS }] });
  const child = spawn(HELPER, ['backup', ...connect(fx, canister)], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Both ends the helper writes to are closed, as `| head` closes its reader's.
  child.stdout.destroy();
  child.stderr.destroy();
  const exit = await new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  await admin(fx.url, 'DELETE', 'faults');
  assert.equal(exit.signal, null, 'not killed by SIGPIPE');
  const after = await canisterState(fx, canister);
  assert.deepEqual(check('SIGPIPE', before, after, { ownerStopped: false }), []);
});

test('figures', () => {
  console.log(`interruptions: ${tally.runs} runs, ${tally.leftStopped} left stopped, ${tally.restorePointsLost} restore points lost`);
  for (const f of tally.failures) console.log(`  ${f}`);
  assert.equal(tally.leftStopped, 0);
  assert.equal(tally.restorePointsLost, 0);
});

// Ctrl-C in a terminal reaches the whole foreground process group: cmake, make and the helper.
test('Ctrl-C through `make juno_upgrade` at each step: the module runs, the next make keeps the restore point', async (t) => {
  const fx = await fixture(t);
  // [method, when, skip]: the backup step's calls come first, then the upgrade step's.
  const phases = [
    ['stop_canister', 'after', 0], ['take_canister_snapshot', 'after', 0], ['start_canister', 'after', 0],
    ['stop_canister', 'after', 1], ['install_code', 'before', 0], ['install_code', 'after', 0], ['start_canister', 'after', 1],
  ];
  for (const [method, when, skip] of phases) {
    const label = `make juno_upgrade, SIGINT ${when} ${method}${skip ? ' (upgrade step)' : ''}`;
    const canister = await preparedModule(fx);
    const before = await canisterState(fx, canister);
    const p = await project({ ...fx, canister }, { wasm: fx.writeWasm('v2.wasm', v2) });
    await fx.faults({ method: [{ method, when, skip, action: 'pause', ms: PAUSE_MS }] });
    const make = spawn('cmake', ['--build', p.build, '--target', 'juno_upgrade'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    make.stdout.on('data', (d) => (output += d));
    make.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => make.on('close', (code) => resolve(code)));
    await untilPaused(fx, exited);
    process.kill(-make.pid, 'SIGINT');
    const code = await exited;
    await admin(fx.url, 'DELETE', 'faults');
    assert.notEqual(code, 0, `${label}: make went on after Ctrl-C\n${output}`);
    assert.match(output, /SIGINT received/, label);
    const after = await canisterState(fx, canister);
    assert.deepEqual(check(label, before, after, { ownerStopped: false }), [], `${label}\n${output}`);

    // The user runs make again: the upgrade completes, and a backup holds the state from before.
    const again = await p.target('juno_upgrade');
    assert.equal(again.code, 0, `${label}: make again\n${again.output}`);
    const done = await canisterState(fx, canister);
    assert.equal(done.module_hash, sha256hex(v2), label);
    assert.ok(done.snapshots.some((s) => s.module_hash === before.module_hash && s.stable_memory_sha256 === before.stable_memory_sha256),
      `${label}: the restore point is kept\n${output}\n${again.output}`);
    assert.match(again.output, /Restore point: backup 0x/, label);
  }
});

test('a repeated `make juno_upgrade` with an unchanged Wasm changes nothing on the module', async (t) => {
  const fx = await fixture(t);
  const canister = await preparedModule(fx);
  const p = await project({ ...fx, canister }, { wasm: fx.writeWasm('v2.wasm', v2) });
  const first = await p.target('juno_upgrade');
  assert.equal(first.code, 0, first.output);
  // The first run after an upgrade may back the new module up once; after that, nothing moves.
  const second = await p.target('juno_upgrade');
  assert.equal(second.code, 0, second.output);
  const settled = await canisterState(fx, canister);
  const third = await p.target('juno_upgrade');
  assert.equal(third.code, 0, third.output);
  const after = await canisterState(fx, canister);
  assert.equal(after.version, settled.version, `the module was not stopped or started:\n${third.output}`);
  assert.deepEqual(after.snapshots, settled.snapshots, 'no backup replaced');
  assert.match(third.output, /No new backup: backup 0x\S+ is the restore point of the upgrade that installed this module/);
  assert.match(third.output, /nothing to upgrade/);
});
