// DFINITY's icp CLI against the replica, every `canister snapshot`
// subcommand, each followed by what the replica then holds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { icpFixture, admin, sha256hex, wasmModule, writeTemp, Principal } from './harness.mjs';

describe('icp canister snapshot', () => {
  let f;
  let first;
  let second;
  let downloaded;

  before(async () => {
    f = await icpFixture();
    const wasm = writeTemp(f.dir, 'app.wasm', wasmModule({ app: [1] }));
    await f.cli(['canister', 'install', f.canister, '--mode', 'install', '--wasm', wasm]);
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/stable_memory`, new Uint8Array(Buffer.from('stable v1')));
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/wasm_memory`, new Uint8Array(Buffer.from('heap v1')));
  });
  after(() => f?.teardown());

  it('create is refused by icp while running, then copies the whole stopped canister', async () => {
    const refused = await f.cli(['canister', 'snapshot', 'create', f.canister], { allowFailure: true });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /stop the canister first/);
    await f.cli(['canister', 'stop', f.canister]);
    const before = await f.state();
    const { stdout } = await f.cli(['canister', 'snapshot', 'create', f.canister, '--quiet']);
    const state = await f.state();
    assert.equal(state.snapshots.length, 1);
    [first] = state.snapshots;
    assert.equal(stdout.trim(), first.id);
    // 8-byte big-endian local id || canister id bytes.
    assert.equal(first.id, '0000000000000000' + Buffer.from(Principal.fromText(f.canister).toUint8Array()).toString('hex'));
    assert.equal(first.module_hash, state.module_hash);
    assert.equal(first.stable_memory_sha256, state.stable_memory_sha256);
    assert.equal(first.wasm_memory_sha256, state.wasm_memory_sha256);
    assert.equal(first.canister_version, before.version);
    assert.equal(state.version, before.version, 'taking a snapshot does not bump the version');
  });

  it('list --json lists what the replica holds', async () => {
    const { stdout } = await f.cli(['canister', 'snapshot', 'list', f.canister, '--json']);
    const listed = JSON.parse(stdout).snapshots;
    assert.deepEqual(listed.map((s) => s.snapshot_id), [first.id]);
    assert.equal(listed[0].total_size_bytes, first.total_size);
  });

  it('create --replace swaps the snapshot for a new one', async () => {
    await f.cli(['canister', 'snapshot', 'create', f.canister, '--replace', first.id]);
    const state = await f.state();
    assert.equal(state.snapshots.length, 1);
    [second] = state.snapshots;
    assert.notEqual(second.id, first.id);
    assert.equal(second.local_id, 1);
  });

  it('restore puts the snapshot back', async () => {
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/stable_memory`, new Uint8Array(Buffer.from('changed after the snapshot')));
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/wasm_memory`, new Uint8Array(Buffer.from('heap v2')));
    const before = await f.state();
    await f.cli(['canister', 'snapshot', 'restore', f.canister, second.id]);
    const state = await f.state();
    assert.equal(state.stable_memory_sha256, second.stable_memory_sha256);
    assert.equal(state.wasm_memory_sha256, second.wasm_memory_sha256);
    assert.equal(state.module_hash, second.module_hash);
    assert.equal(state.version, before.version + 1);
  });

  it('download writes the snapshot to disk', async () => {
    downloaded = join(f.dir, 'download');
    await f.cli(['canister', 'snapshot', 'download', f.canister, second.id, '--output', downloaded]);
    assert.equal(sha256hex(readFileSync(join(downloaded, 'wasm_module.bin'))), second.module_hash);
    assert.equal(sha256hex(readFileSync(join(downloaded, 'stable_memory.bin'))), second.stable_memory_sha256);
    assert.equal(sha256hex(readFileSync(join(downloaded, 'wasm_memory.bin'))), second.wasm_memory_sha256);
    const meta = JSON.parse(readFileSync(join(downloaded, 'metadata.json'), 'utf8'));
    assert.equal(meta.stable_memory_size, second.stable_memory_size);
    assert.equal(meta.canister_version, second.canister_version);
  });

  it('upload creates a snapshot from the files', async () => {
    await f.clearLog();
    await f.cli(['canister', 'snapshot', 'upload', f.canister, '--input', downloaded]);
    const state = await f.state();
    assert.equal(state.snapshots.length, 2);
    const uploaded = state.snapshots.find((s) => s.id !== second.id);
    assert.equal(uploaded.source, 'metadata_upload');
    assert.equal(uploaded.module_hash, second.module_hash);
    assert.equal(uploaded.stable_memory_sha256, second.stable_memory_sha256);
    assert.equal(uploaded.wasm_memory_sha256, second.wasm_memory_sha256);
    const calls = await f.log();
    assert.ok(calls.includes('upload_canister_snapshot_metadata'), calls.join(','));
    assert.ok(calls.includes('upload_canister_snapshot_data'), calls.join(','));
  });

  // A snapshot upload takes any bytes as the module; the IC validates the module when the snapshot
  // is loaded and refuses an invalid one, leaving the canister as it was.
  it('restore of an uploaded snapshot whose module is not Wasm is refused (IC0505); nothing changes', async () => {
    const junk = join(f.dir, 'junk');
    cpSync(downloaded, junk, { recursive: true });
    const module = readFileSync(join(junk, 'wasm_module.bin'));
    writeFileSync(join(junk, 'wasm_module.bin'), Buffer.alloc(module.length, 0xff));
    await f.cli(['canister', 'snapshot', 'upload', f.canister, '--input', junk]);
    const before = await f.state();
    const bad = before.snapshots.find((s) => s.source === 'metadata_upload' && s.module_hash === sha256hex(Buffer.alloc(module.length, 0xff)));
    assert.ok(bad, JSON.stringify(before.snapshots));

    const refused = await f.cli(['canister', 'snapshot', 'restore', f.canister, bad.id], { allowFailure: true });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /IC0505/);
    assert.match(refused.stderr, /Canister's Wasm module is not valid/);
    const after = await f.state();
    assert.equal(after.module_hash, before.module_hash);
    assert.equal(after.wasm_memory_sha256, before.wasm_memory_sha256);
    assert.equal(after.version, before.version);
    assert.equal(after.snapshots.find((s) => s.id === bad.id).loaded, false, 'still writable: it was never loaded');
    // Certificates cover the whole state tree: calls and read_state still answer.
    const { stdout } = await f.cli(['canister', 'status', f.canister, '--json']);
    assert.equal(JSON.parse(stdout).module_hash.replace(/^0x/, ''), before.module_hash);
    assert.equal((await admin(f.replica.url, 'GET', 'status')).internal_errors, 0, f.replica.stderr());
    await f.cli(['canister', 'snapshot', 'delete', f.canister, bad.id]);
  });

  it('delete removes it, and a second delete gets IC0305', async () => {
    await f.cli(['canister', 'snapshot', 'delete', f.canister, second.id]);
    const state = await f.state();
    assert.ok(!state.snapshots.some((s) => s.id === second.id));
    const again = await f.cli(['canister', 'snapshot', 'delete', f.canister, second.id], { allowFailure: true });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /IC0305/);
    assert.match(again.stderr, /Could not find the snapshot ID/);
  });
});
