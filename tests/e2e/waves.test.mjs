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

test('a chunked upgrade without backup: status, metadata and chunk store in one wave; the chunk store cleared beside the start', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const big = bigWasmModule(3_000_000);
  const got = await measured(fx, ['upgrade', '--no-backup', '--wasm', fx.writeWasm('big.wasm', big)]);
  assert.deepEqual(got, [
    'canister_status + read_state + stored_chunks',
    'upload_chunk x3',
    'stop_canister',
    'canister_status', // stopped, and still the module the run found
    'install_chunked_code',
    'clear_chunk_store + start_canister',
    'canister_status', // what the output reports
  ]);
  const after = await fx.state();
  assert.equal(after.module_hash, sha256hex(big));
  assert.equal(after.status, 'running');
  assert.equal(after.chunk_hashes.length, 0);
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
    'clear_chunk_store + start_canister',
    'canister_status',
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
