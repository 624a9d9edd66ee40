// The admin API: health, memory access, injected faults, and --state-dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcManagementCanister } from '@icp-sdk/canisters/ic-management';
import { Certificate } from '@icp-sdk/core/agent';
import {
  startReplica, IcpCli, makeIdentity, agentFor, admin, canisterState, sha256hex, managementCall,
  canisterIdArg, post, wasmModule, writeTemp, Cbor, Principal, envelope,
} from './harness.mjs';

describe('admin API and fault injection', () => {
  let replica;
  let icp;
  let owner;
  let canister;
  let dir;

  before(async () => {
    replica = await startReplica();
    owner = makeIdentity('ed25519');
    icp = new IcpCli(replica.url);
    await icp.importIdentity('owner', owner);
    const created = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
    canister = created.canister_id;
    dir = mkdtempSync(join(tmpdir(), 'juno-replica-admin-'));
  });
  after(async () => {
    await replica?.stop();
    icp?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('method faults: hold a call (shown as paused), drop its answer after it executed, or refuse it', async () => {
    const call = async (method) => {
      const { body } = await managementCall(owner.identity, method, canisterIdArg, [{ canister_id: Principal.fromText(canister) }]);
      return fetch(`${replica.url}/api/v3/canister/${canister}/call`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body });
    };
    await admin(replica.url, 'POST', 'faults', { method: [{ method: 'canister_status', when: 'before', action: 'pause', ms: 600 }] });
    const held = call('canister_status');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual((await admin(replica.url, 'GET', 'faults')).paused.map((p) => [p.method, p.when]), [['canister_status', 'before']]);
    assert.equal((await held).status, 200);
    assert.deepEqual((await admin(replica.url, 'GET', 'faults')).paused, []);

    const version = (await canisterState(replica.url, canister)).version;
    await admin(replica.url, 'POST', 'faults', { method: [{ method: 'start_canister', when: 'after', action: 'drop', skip: 1 }] });
    assert.equal((await call('start_canister')).status, 200, 'skipped');
    await assert.rejects(call('start_canister'), 'the answer is dropped');
    assert.equal((await canisterState(replica.url, canister)).version, version + 2, 'both starts executed');

    await admin(replica.url, 'POST', 'faults', { method: [{ method: 'start_canister', when: 'before', action: 'error', status: 503 }] });
    assert.equal((await call('start_canister')).status, 503);
    assert.equal((await canisterState(replica.url, canister)).version, version + 2, 'refused before executing');
    await admin(replica.url, 'DELETE', 'faults');
  });

  it('stop_delay_ms: the canister stays stopping, stop_canister answers IC0206, start cancels the stop', async () => {
    await admin(replica.url, 'POST', 'faults', { stop_delay_ms: 800 });
    const stop = await icp.run(['canister', 'stop', canister], { identity: 'owner', allowFailure: true });
    assert.notEqual(stop.code, 0);
    assert.match(stop.stderr + stop.stdout, /IC0206|timed out/);
    assert.equal((await canisterState(replica.url, canister)).status, 'stopping');
    await new Promise((r) => setTimeout(r, 900));
    assert.equal((await canisterState(replica.url, canister)).status, 'stopped', 'stopped once its time is up');
    await icp.run(['canister', 'start', canister], { identity: 'owner' });
    await icp.run(['canister', 'stop', canister], { identity: 'owner', allowFailure: true });
    assert.equal((await canisterState(replica.url, canister)).status, 'stopping');
    await icp.run(['canister', 'start', canister], { identity: 'owner' });
    assert.equal((await canisterState(replica.url, canister)).status, 'running', 'start cancels the stop');
    await admin(replica.url, 'DELETE', 'faults');
  });

  it('reports health', async () => {
    assert.deepEqual(await admin(replica.url, 'GET', 'health'), { status: 'healthy' });
  });

  it('reads and writes stable and heap memory', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    await admin(replica.url, 'PUT', `canisters/${canister}/stable_memory`, bytes);
    assert.deepEqual(await admin(replica.url, 'GET', `canisters/${canister}/stable_memory`), bytes);
    // Writing at an offset grows memory in whole 64 KiB Wasm pages.
    const state = await admin(replica.url, 'POST', `canisters/${canister}/wasm_memory?offset=70000`, new Uint8Array([9, 9]));
    assert.equal(state.wasm_memory_size, 131072);
    assert.deepEqual(await admin(replica.url, 'GET', `canisters/${canister}/wasm_memory?offset=69999&size=4`), new Uint8Array([0, 9, 9, 0]));
  });

  it('answers 5xx or 429 for the next N requests, then recovers', async () => {
    await admin(replica.url, 'POST', 'faults', { http_error: { status: 429, count: 2 } });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${replica.url}/api/v2/status`);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '1');
    }
    assert.equal((await fetch(`${replica.url}/api/v2/status`)).status, 200);
    await admin(replica.url, 'POST', 'faults', { http_error: { status: 503, count: 1 } });
    assert.equal((await fetch(`${replica.url}/api/v2/status`)).status, 503);
    assert.equal((await admin(replica.url, 'GET', 'faults')).http_error.count, 0);
  });

  it('drops the next N connections', async () => {
    await admin(replica.url, 'POST', 'faults', { drop_connections: 1 });
    await assert.rejects(fetch(`${replica.url}/api/v2/status`));
    assert.equal((await fetch(`${replica.url}/api/v2/status`)).status, 200);
  });

  it('delays replies', async () => {
    await admin(replica.url, 'POST', 'faults', { delay_ms: 300, delay_count: 1 });
    const start = Date.now();
    await fetch(`${replica.url}/api/v2/status`);
    assert.ok(Date.now() - start >= 290);
    const again = Date.now();
    await fetch(`${replica.url}/api/v2/status`);
    assert.ok(Date.now() - again < 290);
  });

  it('answers 202 to synchronous calls so that clients poll, and icp still succeeds', async () => {
    await admin(replica.url, 'POST', 'faults', { accept_async: 1 });
    const { body } = await managementCall(owner.identity, 'canister_status', canisterIdArg, [{ canister_id: Principal.fromText(canister) }]);
    assert.equal((await post(replica.url, `/api/v4/canister/${canister}/call`, body)).status, 202);
    await admin(replica.url, 'POST', 'faults', { accept_async: 2 });
    await icp.run(['canister', 'stop', canister], { identity: 'owner' });
    assert.equal((await canisterState(replica.url, canister)).status, 'stopped');
    assert.equal((await admin(replica.url, 'GET', 'faults')).accept_async, 1);
    await admin(replica.url, 'DELETE', 'faults');
    await icp.run(['canister', 'start', canister], { identity: 'owner' });
  });

  it('fails the next install_code; icp reports it and the module is unchanged', async () => {
    const wasm = writeTemp(dir, 'a.wasm', wasmModule({ a: [1] }));
    await icp.run(['canister', 'install', canister, '--mode', 'install', '--wasm', wasm], { identity: 'owner' });
    const before = await canisterState(replica.url, canister);
    await admin(replica.url, 'POST', 'faults', { fail_install_code: 1 });
    const upgrade = writeTemp(dir, 'b.wasm', wasmModule({ b: [2] }));
    const failed = await icp.run(['canister', 'install', canister, '--mode', 'upgrade', '--wasm', upgrade], { identity: 'owner', allowFailure: true });
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /IC0503/);
    const state = await canisterState(replica.url, canister);
    assert.equal(state.module_hash, before.module_hash);
    assert.equal(state.status, 'running'); // icp restarts the canister it stopped
  });

  it('keeps its state and root key across a restart with --state-dir', async () => {
    const stateDir = join(dir, 'state');
    let persistent = await startReplica({ stateDir });
    const status1 = Cbor.decode(new Uint8Array(await (await fetch(`${persistent.url}/api/v2/status`)).arrayBuffer()));
    const agent = await agentFor(persistent.url, owner.identity);
    const id = await IcManagementCanister.create({ agent }).provisionalCreateCanisterWithCycles();
    await admin(persistent.url, 'PUT', `canisters/${id.toText()}/stable_memory`, new Uint8Array([7, 7, 7]));
    await persistent.stop();
    persistent = await startReplica({ stateDir });
    try {
      const status2 = Cbor.decode(new Uint8Array(await (await fetch(`${persistent.url}/api/v2/status`)).arrayBuffer()));
      assert.deepEqual(status2.root_key, status1.root_key);
      const state = await canisterState(persistent.url, id.toText());
      assert.equal(state.stable_memory_sha256, sha256hex(new Uint8Array([7, 7, 7])));
      assert.deepEqual(state.controllers, [owner.principal]);
    } finally {
      await persistent.stop();
    }
  });

  it('moves its clock forward: certified /time and the expiry checks follow', async () => {
    // A replica of its own: a clock that jumped ten minutes would upset the other tests' clients.
    const shifted = await startReplica();
    try {
      const agent = await agentFor(shifted.url, owner.identity);
      const id = await IcManagementCanister.create({ agent }).provisionalCreateCanisterWithCycles();
      const before = await admin(shifted.url, 'GET', 'time');
      assert.equal(before.offset_ms, 0);
      const moved = await admin(shifted.url, 'POST', 'time', { advance_ms: 600_000 });
      assert.equal(moved.offset_ms, 600_000);
      assert.ok(BigInt(moved.time_ns) - BigInt(before.time_ns) >= 600_000_000_000n);

      // An expiry the host's clock finds fine is now in the replica's past.
      const { body } = await managementCall(owner.identity, 'canister_status', canisterIdArg, [{ canister_id: id }]);
      const late = await post(shifted.url, `/api/v4/canister/${id.toText()}/call`, body);
      assert.equal(late.status, 400);
      assert.match(late.text, /Invalid request expiry/);

      // An anonymous read_state may carry any expiry; its certified /time is the moved clock.
      const read = await envelope(null, { request_type: 'read_state', paths: [[new TextEncoder().encode('time')]] });
      const res = await post(shifted.url, `/api/v3/canister/${id.toText()}/read_state`, read.body);
      const cert = await Certificate.create({ certificate: res.cbor.certificate, rootKey: agent.rootKey, principal: { canisterId: id }, disableTimeVerification: true });
      const time = cert.lookup_path(['time']).value.reduceRight((n, b) => n * 128n + BigInt(b & 0x7f), 0n);
      assert.ok(time >= BigInt(moved.time_ns) && time - BigInt(moved.time_ns) < 60_000_000_000n);

      await assert.rejects(admin(shifted.url, 'POST', 'time', { advance_ms: -1 }), /400/);
      assert.equal((await admin(shifted.url, 'GET', 'time')).offset_ms, 600_000);
    } finally {
      await shifted.stop();
    }
  });
});
