// Two runs on one module at once, as two pipelines deploying together would start them: the second
// waits for the first (the module's lock) and then works on what the first left, or, past its
// --wait, refuses without touching anything. And a client the lock cannot see (another machine,
// the Console) acting inside a run's stop window is noticed, not reported over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, run, startHelper, HELPER, admin, sha256hex, wasmModule, bigWasmModule } from './harness.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });
const big = bigWasmModule(2_600_000);
// Long enough for the second run to start and say it waits, also on a loaded machine.
const PAUSE_MS = 6000;

const connect = (fx, canister) => ['--canister', canister, '--network', fx.url, '--identity', fx.pem];
const state = (fx, canister) => admin(fx.url, 'GET', `canisters/${canister}`);
const setStable = (fx, canister, text) => admin(fx.url, 'PUT', `canisters/${canister}/stable_memory`, new TextEncoder().encode(text));

async function moduleWithState(fx) {
  const { canister_id: canister } = await admin(fx.url, 'POST', 'canisters', { controllers: [fx.owner.principal] });
  const r = await run(HELPER, ['upgrade', ...connect(fx, canister), '--wasm', fx.writeWasm('v1.wasm', v1)]);
  assert.equal(r.code, 0, r.output);
  await setStable(fx, canister, `S1 of ${canister}`);
  return canister;
}

async function until(condition, what) {
  for (let i = 0; i < 3000; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

const paused = async (fx) => (await admin(fx.url, 'GET', 'faults')).paused.length > 0;

const COMMAND = {
  backup: () => ['backup'],
  upgrade: (fx) => ['upgrade', '--wasm', fx.writeWasm('v2.wasm', v2)],
  'chunked upgrade': (fx) => ['upgrade', '--wasm', fx.writeWasm('big.wasm', big)],
  restore: () => ['restore'],
};

// The first run is held inside its stop window; the second starts then.
for (const [first, second, hold] of [
  ['upgrade', 'upgrade', 'stop_canister'],
  ['backup', 'upgrade', 'take_canister_snapshot'],
  ['upgrade', 'restore', 'install_code'],
  ['chunked upgrade', 'chunked upgrade', 'install_chunked_code'],
  ['upgrade', 'backup', 'install_code'],
]) {
  test(`${first} and ${second} at once: the second waits for the first, then works on what it left`, async (t) => {
    const fx = await fixture(t);
    const canister = await moduleWithState(fx);
    const before = await state(fx, canister);
    if (second === 'restore') {
      const b = await run(HELPER, ['backup', ...connect(fx, canister)]);
      assert.equal(b.code, 0, b.output);
    }
    await fx.faults({ method: [{ method: hold, when: 'after', action: 'pause', ms: PAUSE_MS }] });
    const a = startHelper([...COMMAND[first](fx), ...connect(fx, canister)]);
    await until(() => paused(fx), `${first} reaches ${hold}`);
    const b = startHelper([...COMMAND[second](fx), ...connect(fx, canister)]);
    await until(() => /waiting for juno-helper/.test(b.output()), 'the second run says it waits');
    assert.match(b.output(), new RegExp(`waiting for juno-helper ${first.split(' ').pop()} \\(pid ${a.child.pid}, since `));
    const ra = await a.exited;
    const rb = await b.exited;
    assert.equal(ra.code, 0, `${first}:\n${ra.output}`);
    assert.equal(rb.code, 0, `${second}:\n${rb.output}`);
    const after = await state(fx, canister);
    assert.equal(after.status, 'running');
    assert.equal(after.chunk_hashes.length, 0);

    const upgradedTo = (name) => (name === 'chunked upgrade' ? sha256hex(big) : sha256hex(v2));
    if (second === 'restore') {
      // The restore ran after the upgrade, as asked: the backup's module is back.
      assert.equal(after.module_hash, before.module_hash);
      assert.match(rb.output, /Restored /);
    } else if (first.includes('upgrade') && second.includes('upgrade')) {
      assert.equal(after.module_hash, upgradedTo(second));
      assert.match(rb.output, /already runs module .*; nothing to upgrade/, 'the second saw the first\'s work');
    } else if (second === 'upgrade') {
      assert.equal(after.module_hash, sha256hex(v2));
      assert.match(rb.output, /it is the exact restore point/, 'the backup taken just before is the restore point');
    } else {
      // A backup right after an upgrade keeps that upgrade's restore point (keep 1: no new one).
      assert.equal(after.module_hash, sha256hex(v2));
      assert.match(rb.output, /No new backup: backup 0x\S+ is the restore point of the upgrade that installed this module/);
    }
    // Whatever ran, the state from before is in a backup once the module changed.
    if (after.module_hash !== before.module_hash) {
      assert.ok(after.snapshots.some((s) => s.module_hash === before.module_hash && s.stable_memory_sha256 === before.stable_memory_sha256),
        `the restore point is kept:\n${ra.output}\n${rb.output}`);
    }
  });
}

test('past --wait, the second run refuses, naming the first, and changes nothing', async (t) => {
  const fx = await fixture(t);
  const canister = await moduleWithState(fx);
  await fx.faults({ method: [{ method: 'stop_canister', when: 'after', action: 'pause', ms: PAUSE_MS }] });
  const a = startHelper(['backup', ...connect(fx, canister)]);
  await until(() => paused(fx), 'the backup is held');
  const held = await state(fx, canister);
  const rb = await run(HELPER, ['upgrade', '--wait', '1', '--wasm', fx.writeWasm('v2.wasm', v2), ...connect(fx, canister)]);
  assert.equal(rb.code, 7, rb.output);
  assert.match(rb.output, new RegExp(`juno-helper backup \\(pid ${a.child.pid}, since .*\\) still works on this module after 1 s; nothing was done`));
  const during = await state(fx, canister);
  assert.equal(during.version, held.version, 'the refused run changed nothing');
  assert.equal(during.module_hash, held.module_hash);
  assert.equal((await a.exited).code, 0);
});

test('a client the lock cannot see starts the module between a backup\'s stop and its snapshot: not seen (the check goes out beside the stop), and the backup holds the module as it then was, running again', async (t) => {
  const fx = await fixture(t);
  const canister = await moduleWithState(fx);
  await fx.faults({ method: [{ method: 'stop_canister', when: 'after', action: 'pause', ms: 1500 }] });
  const a = startHelper(['backup', ...connect(fx, canister)]);
  await until(() => paused(fx), 'the backup is held after its stop');
  // The stop has executed; another client (here the admin API) starts the module again and the
  // module runs an update.
  await admin(fx.url, 'POST', `canisters/${canister}/state`, { status: 'running' });
  await setStable(fx, canister, 'written while the other client had it running');
  const r = await a.exited;
  assert.equal(r.code, 0, r.output);
  const after = await state(fx, canister);
  assert.equal(after.status, 'running');
  assert.equal(after.snapshots.length, 1);
  assert.equal(after.snapshots[0].stable_memory_sha256, after.stable_memory_sha256, 'the backup holds the module as it was at the snapshot');
  // The record keeps the version the snapshot holds (the other client's start and update
  // included), plus this run's start: the next backup rightly finds nothing new to save.
  const again = await run(HELPER, ['backup', '--keep', '2', ...connect(fx, canister)]);
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /has not changed since backup/);
  assert.equal((await state(fx, canister)).snapshots.length, 1);
});

test('a client the lock cannot see installs another module while an upgrade without backup uploads: the status read beside the stop tells, and the module runs what that client installed', async (t) => {
  const fx = await fixture(t);
  const canister = await moduleWithState(fx);
  await fx.faults({ method: [{ method: 'upload_chunk', when: 'after', action: 'pause', ms: 2500 }] });
  const a = startHelper(['upgrade', '--no-backup', '--wasm', fx.writeWasm('big.wasm', big), ...connect(fx, canister)]);
  await until(() => paused(fx), 'the upgrade is held while it uploads');
  // Another machine's run: its own state folder, so this machine's lock does not see it.
  const other = await run(HELPER, ['upgrade', '--no-backup', '--wasm', fx.writeWasm('v2.wasm', v2), ...connect(fx, canister)],
    { env: { XDG_STATE_HOME: fx.dir + '/other-machine' } });
  assert.equal(other.code, 0, other.output);
  const r = await a.exited;
  assert.equal(r.code, 7, r.output);
  assert.match(r.output, /holds another module than a moment ago: another client installed one meanwhile\. Nothing was changed by this run/);
  const after = await state(fx, canister);
  assert.equal(after.status, 'running', 'started again');
  assert.equal(after.module_hash, sha256hex(v2), 'the other client\'s module, not this run\'s');
});

test('a module that stays stopping: the run waits while stop_canister answers IC0206, then works', async (t) => {
  const fx = await fixture(t);
  const canister = await moduleWithState(fx);
  await fx.faults({ stop_delay_ms: 2500 });
  const r = await run(HELPER, ['backup', ...connect(fx, canister)]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /still finishing open calls; waiting for it to stop/);
  const after = await state(fx, canister);
  assert.equal(after.status, 'running');
  assert.equal(after.snapshots.length, 1);
});
