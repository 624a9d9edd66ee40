// The calls of an upgrade and a backup go out in waves: calls that do not depend on one another
// together, and inside the stop window only what must happen while the module is stopped. Read
// from the replica's request log with a delay on every answer, so that a wave is the requests the
// replica took within a fraction of it; the order and number of waves is what a user waits for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, run, HELPER, wasmModule, bigWasmModule, sha256hex, admin, setMemory } from './harness.mjs';

const DELAY_MS = 400;

const connect = (fx) => ['--canister', fx.canister, '--network', fx.url, '--identity', fx.pem];

// The logged requests grouped into waves: requests taken less than half a delay apart belong to
// one; each wave is its methods (read_state for a read_state), sorted, with counts.
function waves(log) {
  const groups = [];
  let last = -Infinity;
  for (const entry of log) {
    const at = Date.parse(entry.time);
    if (at - last > DELAY_MS / 2) groups.push([]);
    groups.at(-1).push(entry.method ?? entry.endpoint);
    last = at;
  }
  return groups.map((names) => {
    const counts = new Map();
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => (n > 1 ? `${name} x${n}` : name)).join(' + ');
  });
}

async function until(condition, what) {
  for (let i = 0; i < 3000; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

const paused = async (fx) => (await admin(fx.url, 'GET', 'faults')).paused.length > 0;

// Runs the helper with every answer delayed; returns its waves.
async function measured(fx, args) {
  await fx.clearLog();
  await fx.faults({ delay_ms: DELAY_MS, delay_count: -1 });
  const r = await run(HELPER, [...args, ...connect(fx)]);
  await fx.faults({ delay_ms: 0, delay_count: 0 });
  assert.equal(r.code, 0, r.output);
  return waves(await fx.log());
}

async function installed(fx) {
  const v1 = fx.writeWasm('v1.wasm', wasmModule({ version: [1] }));
  const r = await run(HELPER, ['upgrade', '--wasm', v1, '--no-backup', ...connect(fx)]);
  assert.equal(r.code, 0, r.output);
}

test('a chunked upgrade without backup: status, metadata and chunk store in one wave; the module checked beside the stop; the chunk store cleared and the final status read beside the start', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const big = bigWasmModule(3_000_000);
  const got = await measured(fx, ['upgrade', '--no-backup', '--wasm', fx.writeWasm('big.wasm', big)]);
  assert.deepEqual(got, [
    'canister_status + read_state + stored_chunks',
    'upload_chunk x3',
    'canister_status + stop_canister', // still the module the run found
    'install_chunked_code',
    'canister_status + clear_chunk_store + start_canister', // what the output reports
  ]);
  const after = await fx.state();
  assert.equal(after.module_hash, sha256hex(big));
  assert.equal(after.status, 'running');
  assert.equal(after.chunk_hashes.length, 0);
});

test('an upgrade whose final status is read beside the start reports the module running (the start\'s answer), not the stopped state that read may predate', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const v2 = wasmModule({ version: [2] });
  // The start is held, so that the status beside it is read while the module is still stopped.
  await fx.faults({ method: [{ method: 'start_canister', when: 'before', action: 'pause', ms: 1000 }] });
  const r = await run(HELPER, ['upgrade', '--no-backup', '--json', '--wasm', fx.writeWasm('v2.wasm', v2), ...connect(fx)]);
  await fx.faults({ method: [] });
  assert.equal(r.code, 0, r.output);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.status, 'running', r.stdout);
  assert.equal(doc.module_hash, sha256hex(v2), r.stdout);
  assert.equal((await fx.state()).status, 'running');
});

test('an upgrade with the backup step: the backup list beside the first wave, the module checked beside the stop, only snapshot and install while stopped', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const big = bigWasmModule(3_000_000);
  const got = await measured(fx, ['upgrade', '--wasm', fx.writeWasm('big.wasm', big)]);
  assert.deepEqual(got, [
    'canister_status + list_canister_snapshots + read_state + stored_chunks',
    'upload_chunk x3',
    'canister_status + stop_canister',
    'take_canister_snapshot',
    'install_chunked_code',
    'canister_status + clear_chunk_store + start_canister',
  ]);
  const after = await fx.state();
  assert.equal(after.module_hash, sha256hex(big));
  assert.equal(after.snapshots.length, 1);
});

// After a backup, an upgrade with the backup step finds the module unchanged: that backup is the
// exact restore point, told by the canister version as of the stop. Whichever way the status read
// beside the stop falls, no second backup replaces the first.
for (const order of ['before the stop', 'after the stop']) {
  test(`an upgrade right after a backup, its status read beside the stop ${order}: that backup is the exact restore point${order === 'before the stop' ? ', the status read again once stopped' : ''}`, async (t) => {
    const fx = await fixture(t);
    await installed(fx);
    const backup = await run(HELPER, ['backup', ...connect(fx)]);
    assert.equal(backup.code, 0, backup.output);
    const before = await fx.state();
    // Holding the stop lets the status beside it go first; holding that status (the run's second:
    // the first is in the first wave) lets the stop go first.
    const hold = order === 'before the stop'
      ? { method: 'stop_canister', when: 'before', action: 'pause', ms: 600 }
      : { method: 'canister_status', when: 'before', action: 'pause', ms: 600, skip: 1 };
    await fx.clearLog();
    await fx.faults({ method: [hold] });
    const r = await run(HELPER, ['upgrade', '--wasm', fx.writeWasm('v2.wasm', wasmModule({ version: [2] })), ...connect(fx)]);
    await fx.faults({ method: [] });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /it is the exact restore point/);
    const log = await fx.log();
    const calls = (m) => log.filter((e) => e.method === m).length;
    assert.equal(calls('take_canister_snapshot'), 0, 'no second backup');
    assert.equal(calls('canister_status'), order === 'before the stop' ? 4 : 3);
    const after = await fx.state();
    assert.deepEqual(after.snapshots.map((x) => x.id), before.snapshots.map((x) => x.id));
    assert.equal(after.status, 'running');
  });
}

test('a backup: status and backup list in one wave, the module checked beside the stop, nothing but the snapshot while stopped, its version read beside the start', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const got = await measured(fx, ['backup']);
  assert.deepEqual(got, [
    'canister_status + list_canister_snapshots',
    'canister_status + stop_canister',
    'take_canister_snapshot',
    'canister_status + read_canister_snapshot_metadata + start_canister',
  ]);
  const after = await fx.state();
  assert.equal(after.status, 'running');
  assert.equal(after.snapshots.length, 1);
  // The record holds the snapshot's version: a backup of the module unchanged since takes nothing.
  const again = await run(HELPER, ['backup', ...connect(fx)]);
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /has not changed since backup/);
  assert.deepEqual((await fx.state()).snapshots.map((s) => s.id), after.snapshots.map((s) => s.id));
});

test('a backup whose module runs an update between the start and the status read beside it: the record keeps the version the snapshot holds, so the next backup takes a new one', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  // The start's answer is held; meanwhile the started module executes an update (a memory write).
  await fx.faults({ method: [{ method: 'start_canister', when: 'after', action: 'pause', ms: 1500 }] });
  const held = run(HELPER, ['backup', ...connect(fx)]);
  await until(() => paused(fx), 'the start is held');
  await setMemory(fx, { stable: 'written by an update after the start' });
  const r = await held;
  await fx.faults({ method: [] });
  assert.equal(r.code, 0, r.output);
  const first = await fx.state();
  assert.equal(first.snapshots.length, 1);
  const again = await run(HELPER, ['backup', '--keep', '2', ...connect(fx)]);
  assert.equal(again.code, 0, again.output);
  assert.doesNotMatch(again.output, /has not changed since backup/);
  const after = await fx.state();
  assert.equal(after.snapshots.length, 2, 'the write after the snapshot is backed up');
  assert.equal(after.snapshots.at(-1).stable_memory_sha256, after.stable_memory_sha256);
});

test('a restore: the module checked beside the stop, the final status read beside the start', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const backup = await run(HELPER, ['backup', ...connect(fx)]);
  assert.equal(backup.code, 0, backup.output);
  const before = await fx.state();
  const got = await measured(fx, ['restore']);
  assert.deepEqual(got, [
    'canister_status + list_canister_snapshots',
    'canister_status + stop_canister',
    'load_canister_snapshot',
    'canister_status + start_canister',
  ]);
  const after = await fx.state();
  assert.equal(after.status, 'running');
  assert.equal(after.module_hash, before.module_hash);
});
