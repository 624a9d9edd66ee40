// DFINITY's icp CLI against the replica, canister commands: each command,
// then what the replica holds afterwards, read through the admin API.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { icpFixture, admin, sha256hex, wasmModule, bigWasmModule, writeTemp } from './harness.mjs';

describe('icp canister status/install/stop/start', () => {
  let f;
  const files = {};
  const stable = Buffer.from('stable state that must survive the upgrade');

  before(async () => {
    f = await icpFixture();
    files.small1 = writeTemp(f.dir, 'small1.wasm', wasmModule({ 'icp:public candid:service': Buffer.from('service : {}'), v: [1] }));
    files.small2 = writeTemp(f.dir, 'small2.wasm', wasmModule({ 'icp:public candid:service': Buffer.from('service : {}'), v: [2] }));
    files.big = writeTemp(f.dir, 'big.wasm', bigWasmModule(2_600_000));
  });
  after(() => f?.teardown());

  it('canister status reports the new, empty canister', async () => {
    const { stdout } = await f.cli(['canister', 'status', f.canister, '--json']);
    assert.match(stdout, new RegExp(f.owner.principal));
    const state = await f.state();
    assert.equal(state.status, 'running');
    assert.equal(state.version, 0);
    assert.deepEqual(state.controllers, [f.owner.principal]);
    assert.equal(state.module_hash, null);
  });

  it('canister install --mode install sets the module hash', async () => {
    await f.cli(['canister', 'install', f.canister, '--mode', 'install', '--wasm', files.small1]);
    const state = await f.state();
    assert.equal(state.module_hash, sha256hex(readFileSync(files.small1)));
    assert.equal(state.version, 1);
    assert.equal(state.status, 'running');
  });

  it('canister install --mode upgrade keeps stable memory and replaces the heap', async () => {
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/stable_memory`, new Uint8Array(stable));
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/wasm_memory`, new Uint8Array(Buffer.from('heap state')));
    const before = await f.state();
    await f.clearLog();
    await f.cli(['canister', 'install', f.canister, '--mode', 'upgrade', '--wasm', files.small2]);
    const state = await f.state();
    assert.equal(state.module_hash, sha256hex(readFileSync(files.small2)));
    assert.equal(state.stable_memory_sha256, sha256hex(stable));
    assert.equal(state.wasm_memory_size, 0);
    assert.equal(state.status, 'running'); // icp restarts what it stopped
    assert.equal(state.version, before.version + 3); // stop, install_code, start
    const calls = await f.log();
    assert.ok(calls.includes('install_code'), calls.join(','));
    assert.ok(!calls.includes('upload_chunk'), calls.join(','));
  });

  it('canister install --mode upgrade with a >2 MB module goes through the chunk store', async () => {
    await f.clearLog();
    await f.cli(['canister', 'install', f.canister, '--mode', 'upgrade', '--wasm', files.big]);
    const state = await f.state();
    assert.equal(state.module_hash, sha256hex(readFileSync(files.big)));
    assert.equal(state.module_size, readFileSync(files.big).length);
    assert.equal(state.chunk_store_size, 0); // icp clears the store afterwards
    assert.equal(state.stable_memory_sha256, sha256hex(stable));
    const calls = await f.log();
    assert.equal(calls.filter((m) => m === 'upload_chunk').length, 3, calls.join(','));
    assert.ok(calls.includes('install_chunked_code'), calls.join(','));
  });

  it('canister stop and start change the status and bump the version', async () => {
    const v0 = (await f.state()).version;
    await f.cli(['canister', 'stop', f.canister]);
    let state = await f.state();
    assert.equal(state.status, 'stopped');
    assert.equal(state.version, v0 + 1);
    await f.cli(['canister', 'start', f.canister]);
    state = await f.state();
    assert.equal(state.status, 'running');
    assert.equal(state.version, v0 + 2);
  });

  it('an upgrade of an enhanced-orthogonal-persistence module keeps the heap', async () => {
    const eop = (v) => wasmModule({ 'icp:private enhanced-orthogonal-persistence': [], v: [v] });
    await f.cli(['canister', 'install', f.canister, '--mode', 'reinstall', '--wasm', writeTemp(f.dir, 'eop1.wasm', eop(1)), '--yes'], { allowFailure: false });
    await admin(f.replica.url, 'PUT', `canisters/${f.canister}/wasm_memory`, new Uint8Array(Buffer.from('orthogonal heap')));
    await f.clearLog();
    await f.cli(['canister', 'install', f.canister, '--mode', 'upgrade', '--wasm', writeTemp(f.dir, 'eop2.wasm', eop(2))]);
    const state = await f.state();
    assert.equal(state.module_hash, sha256hex(eop(2)));
    assert.equal(state.wasm_memory_sha256, sha256hex(Buffer.from('orthogonal heap')));
    assert.ok((await f.log()).includes('read_state'));
  });
});
