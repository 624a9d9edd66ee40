// Off-chain backups through a network that drops connections: a proxy between juno-helper and the
// replica closes them mid-request-body, after the replica answered (the call took effect, its
// answer is lost) and mid-response, during the metadata read or upload, the slices and the final
// step. A drop or two is absorbed by the helper's retries of the same signed request (the IC
// answers a repeated request from its ingress history); a connection lost for good ends the run,
// which says what state the module is in and the command that continues, and that command
// completes to byte-identical files and the same snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fixture, run, startHelper, HELPER, sha256hex, wasmModule, admin, methodsCalled } from './harness.mjs';
import { startTamperProxy } from './tamper_proxy.mjs';

const through = (fx, proxy, args) => run(HELPER, [...args, '--network', proxy.url, '--identity', fx.pem]);

// A module with 5 MB of stable memory (three slices) and a heap, backed up once.
async function backedUp(t) {
  const fx = await fixture(t);
  const wasm = fx.writeWasm('app.wasm', wasmModule({ app: [1] }));
  const install = await run(HELPER, ['upgrade', '--canister', fx.canister, '--wasm', wasm, '--network', fx.url, '--identity', fx.pem]);
  assert.equal(install.code, 0, install.output);
  for (let offset = 0; offset < 5_000_001; offset += 4_000_000) {
    const piece = new Uint8Array(randomBytes(Math.min(4_000_000, 5_000_001 - offset)));
    await admin(fx.url, 'PATCH', `canisters/${fx.canister}/stable_memory?offset=${offset}`, piece);
  }
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/wasm_memory`, new Uint8Array(Buffer.from('heap at the backup')));
  const backup = await run(HELPER, ['backup', '--canister', fx.canister, '--network', fx.url, '--identity', fx.pem]);
  assert.equal(backup.code, 0, backup.output);
  const state = await fx.state();
  const proxy = await startTamperProxy(fx.url);
  t.after(() => proxy.close());
  return { fx, proxy, state, snapshot: state.snapshots[0] };
}

function assertFolderHolds(dir, snapshot) {
  assert.equal(sha256hex(readFileSync(join(dir, 'wasm_module.bin'))), snapshot.module_hash);
  assert.equal(sha256hex(readFileSync(join(dir, 'stable_memory.bin'))), snapshot.stable_memory_sha256);
  assert.equal(sha256hex(readFileSync(join(dir, 'wasm_memory.bin'))), snapshot.wasm_memory_sha256);
}

// The uploaded snapshot holds what `snapshot` holds.
function assertSameData(uploaded, snapshot) {
  assert.equal(uploaded.module_hash, snapshot.module_hash);
  assert.equal(uploaded.stable_memory_sha256, snapshot.stable_memory_sha256);
  assert.equal(uploaded.wasm_memory_sha256, snapshot.wasm_memory_sha256);
}

const call = (method) => (e) => e.method === method;
const bigBody = (e) => e.length > 1_000_000;
// How many times the replica executed `method` (a repeated request is answered, not executed).
const executed = (log, method) => methodsCalled(log, method).filter((e) => e.outcome !== 'duplicate').length;
// From the moment `method` is called on, every exchange: the network is gone.
function downFrom(method) {
  let down = false;
  return (e) => {
    if (e.method === method) down = true;
    return down;
  };
}
// The command a failed run printed to continue, run as printed (plus where the replica is).
function printedCommand(output, action) {
  const m = new RegExp(`(?:continue with|Continue it with): juno-helper (${action} .*)$`, 'm').exec(output);
  assert.ok(m, `the run names the command that continues:\n${output}`);
  return m[1].trim().split(' ');
}

test('a download through drops at every point completes in one run, byte for byte', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  proxy.drop(call('list_canister_snapshots'), 'response');
  proxy.drop(call('read_canister_snapshot_metadata'), 'answer');
  proxy.drop(call('read_canister_snapshot_data'), 'answer', { skip: 1 });
  proxy.drop(call('read_canister_snapshot_data'), 'response', { skip: 2 });
  await fx.clearLog();
  const dir = join(fx.dir, 'backup');
  const r = await through(fx, proxy, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.equal(r.code, 0, r.output);
  assert.equal(proxy.dropped().length, 4, 'every drop happened');
  assertFolderHolds(dir, snapshot);
  assert.equal((await run(HELPER, ['verify', '--dir', dir])).code, 0);
  // The lost answers were asked for again with the same request: the replica answered from its
  // ingress history.
  const log = await fx.log();
  assert.ok(methodsCalled(log, 'read_canister_snapshot_data').some((e) => e.outcome === 'duplicate'));
});

test('an upload through drops at every point makes one snapshot with the folder\'s data', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem])).code, 0);
  proxy.drop(call('upload_canister_snapshot_metadata'), 'answer');
  proxy.drop(bigBody, 'request-body');
  proxy.drop(call('upload_canister_snapshot_data'), 'answer', { skip: 1 });
  proxy.drop(call('upload_canister_snapshot_data'), 'response', { skip: 2 });
  await fx.clearLog();
  const r = await through(fx, proxy, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2', '--json']);
  assert.equal(r.code, 0, r.output);
  assert.equal(proxy.dropped().length, 4, 'every drop happened');
  const log = await fx.log();
  assert.equal(executed(log, 'upload_canister_snapshot_metadata'), 1, 'one snapshot was created');
  const held = (await fx.state()).snapshots;
  assert.equal(held.length, 2, 'the backup and the upload');
  const uploaded = held.find((s) => '0x' + s.id === JSON.parse(r.stdout).backup.id);
  assertSameData(uploaded, snapshot);
  assert.ok(!existsSync(join(dir, 'juno-upload-progress.log')));
});

test('a connection lost for good mid-download: the printed command continues to identical files', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  proxy.drop(call('read_canister_snapshot_data'), 'answer', { skip: 2, times: -1 });
  const first = await through(fx, proxy, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.notEqual(first.code, 0);
  assert.match(first.output, /was not changed/);
  assert.ok(!existsSync(join(dir, 'juno-manifest.json')));
  assert.equal((await fx.state()).snapshots[0].id, snapshot.id);
  proxy.heal();
  await fx.clearLog();
  const again = await through(fx, proxy, printedCommand(first.output, 'download'));
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /continuing the download/);
  assert.ok(methodsCalled(await fx.log(), 'read_canister_snapshot_data').length < 5, 'only what was missing is read');
  assertFolderHolds(dir, snapshot);
  assert.equal((await run(HELPER, ['verify', '--dir', dir])).code, 0);
});

test('a connection lost for good mid-upload: the printed command finishes the same snapshot', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem])).code, 0);
  proxy.drop(call('upload_canister_snapshot_data'), 'answer', { skip: 2, times: -1 });
  await fx.clearLog();
  const first = await through(fx, proxy, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2']);
  assert.notEqual(first.code, 0);
  assert.match(first.output, /is not complete yet.*the module itself was not changed/s);
  proxy.heal();
  const again = await through(fx, proxy, printedCommand(first.output, 'upload'));
  assert.equal(again.code, 0, again.output);
  const log = await fx.log();
  assert.equal(executed(log, 'upload_canister_snapshot_metadata'), 1, 'the same snapshot');
  const held = (await fx.state()).snapshots;
  assert.equal(held.length, 2);
  assert.ok(held.some((s) => s.id === snapshot.id), 'the backup is kept');
  assertSameData(held.find((s) => s.id !== snapshot.id), snapshot);
});

test('the metadata upload took effect but its answer was lost for good: the next run finds that snapshot', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem])).code, 0);
  proxy.drop(downFrom('upload_canister_snapshot_metadata'), 'answer', { times: -1 });
  await fx.clearLog();
  const first = await through(fx, proxy, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2']);
  assert.notEqual(first.code, 0);
  assert.match(first.output, /may or may not have created/);
  assert.equal((await fx.state()).snapshots.length, 2, 'the replica did create it');
  proxy.heal();
  const again = await through(fx, proxy, [...printedCommand(first.output, 'upload'), '--json']);
  assert.equal(again.code, 0, again.output);
  assert.equal(JSON.parse(again.stdout).resumed, true);
  const log = await fx.log();
  assert.equal(executed(log, 'upload_canister_snapshot_metadata'), 1, 'no second snapshot');
  const held = (await fx.state()).snapshots;
  assert.equal(held.length, 2);
  assert.ok(held.some((s) => s.id === snapshot.id), 'the backup is kept, not replaced by a second upload');
  assertSameData(held.find((s) => s.id !== snapshot.id), snapshot);
});

test('a connection lost for good after the last slice: the upload is complete and said so', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem])).code, 0);
  // The first list chooses the slot; the one after the slices names the result.
  proxy.drop(call('list_canister_snapshots'), 'answer', { skip: 1, times: -1 });
  await fx.clearLog();
  const r = await through(fx, proxy, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2', '--json']);
  assert.equal(r.code, 0, r.output);
  const id = JSON.parse(r.stdout).backup.id;
  const held = (await fx.state()).snapshots;
  assert.equal(held.length, 2);
  assertSameData(held.find((s) => '0x' + s.id === id), snapshot);
  assert.ok(!existsSync(join(dir, 'juno-upload-progress.log')));
  assert.equal(executed(await fx.log(), 'upload_canister_snapshot_metadata'), 1);
});

test('a helper killed while its metadata upload was executing: the next run continues into that snapshot', async (t) => {
  const { fx, proxy, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem])).code, 0);
  // The replica executes the call, then holds its answer: the helper dies without it.
  await fx.faults({ method: [{ method: 'upload_canister_snapshot_metadata', when: 'after', action: 'pause', ms: 3000 }] });
  await fx.clearLog();
  const { child, exited } = startHelper(['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2', '--network', proxy.url, '--identity', fx.pem]);
  for (let i = 0; i < 1000; i++) {
    const { paused } = await admin(fx.url, 'GET', 'faults');
    if (paused.length > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  await exited;
  await admin(fx.url, 'DELETE', 'faults');
  assert.equal((await fx.state()).snapshots.length, 2, 'the replica created the snapshot');
  const again = await through(fx, proxy, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2', '--json']);
  assert.equal(again.code, 0, again.output);
  assert.equal(JSON.parse(again.stdout).resumed, true);
  assert.equal(executed(await fx.log(), 'upload_canister_snapshot_metadata'), 1, 'no second snapshot');
  const held = (await fx.state()).snapshots;
  assert.equal(held.length, 2);
  assert.ok(held.some((s) => s.id === snapshot.id), 'the backup is kept');
  assertSameData(held.find((s) => s.id !== snapshot.id), snapshot);
});
