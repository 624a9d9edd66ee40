// The calls of an upgrade and a backup go out in waves: calls that do not depend on one another
// together, and inside the stop window only what must happen while the module is stopped. Read
// from the replica's request log with a delay on every answer, so that a wave is the requests the
// replica took within a fraction of it; the order and number of waves is what a user waits for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, run, HELPER, wasmModule, bigWasmModule, sha256hex } from './harness.mjs';

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

test('an upgrade with the backup step: the backup list beside the first wave, only snapshot and install while stopped', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const big = bigWasmModule(3_000_000);
  const got = await measured(fx, ['upgrade', '--wasm', fx.writeWasm('big.wasm', big)]);
  assert.deepEqual(got, [
    'canister_status + list_canister_snapshots + read_state + stored_chunks',
    'upload_chunk x3',
    'stop_canister',
    'canister_status',
    'take_canister_snapshot',
    'install_chunked_code',
    'canister_status + clear_chunk_store + start_canister',
  ]);
  const after = await fx.state();
  assert.equal(after.module_hash, sha256hex(big));
  assert.equal(after.snapshots.length, 1);
});

test('a backup: status and backup list in one wave, nothing but the snapshot while stopped', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const got = await measured(fx, ['backup']);
  assert.deepEqual(got, [
    'canister_status + list_canister_snapshots',
    'stop_canister',
    'canister_status',
    'take_canister_snapshot',
    'start_canister',
    'canister_status',
  ]);
  assert.equal((await fx.state()).snapshots.length, 1);
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
