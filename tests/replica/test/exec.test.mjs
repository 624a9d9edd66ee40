// Canister execution: the replica runs Wasm built from C++ (test/canisters/probe.cpp, compiled
// here with clang's wasm32 target) and a hand-assembled module, and keeps the IC's rules: a trap
// changes nothing, a failed upgrade keeps the old module and state, queries change nothing, a
// stopped canister rejects calls, and a snapshot load brings back the heap the next call runs on.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Certificate } from '@icp-sdk/core/agent';
import { methodTypes } from '../src/idl.mjs';
import {
  startReplica, makeIdentity, agentFor, admin, canisterState, envelope, post, sha256hex, Principal, IDL,
} from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const text = (bytes) => new TextDecoder().decode(bytes);
const bytes = (s) => new TextEncoder().encode(s);
const u64 = (reply) => new DataView(reply.buffer, reply.byteOffset).getBigUint64(0, true);
const leb = (b) => b.reduceRight((n, x) => n * 128 + (x & 0x7f), 0);

// Builds probe.cpp as examples/satellite/cmake/wasm32.cmake builds the example, plus -fno-builtin
// (no libc to provide memcpy).
function buildProbe(dir, name, defines = []) {
  const out = join(dir, `${name}.wasm`);
  const args = [
    '--target=wasm32', '-nostdlib', '-fno-exceptions', '-fno-rtti', '-fvisibility=hidden', '-fno-builtin', '-O2',
    '-Wl,--no-entry', '-Wl,--strip-debug', ...defines.map((d) => `-D${d}`), join(here, 'canisters', 'probe.cpp'), '-o', out,
  ];
  try {
    execFileSync('clang++', args, { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`building the test canister needs clang++ with the wasm32 target and wasm-ld (Debian: clang, lld):\n${err.stderr ?? err.message}`);
  }
  return new Uint8Array(readFileSync(out));
}

// A module whose state lives in two mutable Wasm globals (an i32 and an i64) rather than in
// memory, with a start function that sets the i32 to 100: it must run once, at install.
//   inc: g0 += 1; g1 += 10; reply(g0 as 4 bytes)      get: reply(g0 as 4 bytes)
function globalsModule() {
  const vec = (items) => [items.length, ...items.flat()];
  const str = (s) => [s.length, ...bytes(s)];
  const section = (id, body) => [id, body.length, ...body];
  const body = (code) => [code.length + 1, 0, ...code];
  const replyG0 = [0x41, 0, 0x23, 0, 0x36, 2, 0, 0x41, 0, 0x41, 4, 0x10, 0, 0x10, 1];
  const inc = [0x23, 0, 0x41, 1, 0x6a, 0x24, 0, 0x23, 1, 0x42, 10, 0x7c, 0x24, 1, ...replyG0, 0x0b];
  const get = [...replyG0, 0x0b];
  const start = [0x41, 0xe4, 0, 0x24, 0, 0x0b]; // i32.const 100; global.set 0
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([[0x60, 0, 0], [0x60, 2, 0x7f, 0x7f, 0]])),
    ...section(2, vec([[...str('ic0'), ...str('msg_reply_data_append'), 0, 1], [...str('ic0'), ...str('msg_reply'), 0, 0]])),
    ...section(3, vec([[0], [0], [0]])),
    ...section(5, vec([[0, 1]])),
    ...section(6, vec([[0x7f, 1, 0x41, 0, 0x0b], [0x7e, 1, 0x42, 0, 0x0b]])),
    ...section(7, vec([[...str('canister_update inc'), 0, 2], [...str('canister_query get'), 0, 3]])),
    ...section(8, [4]),
    ...section(10, vec([body(inc), body(get), body(start)])),
  ]);
}

// A hand-assembled module (every section under 128 bytes): function `types` as [params, results]
// of value-type bytes, `imports` as [ic0 name, type], `funcs` as [type, code], `exports` as [name,
// function index], `tags` (exception tags) as types; `memory`: one page.
function assemble({ types, imports = [], funcs, exports, tags = [], memory = false }) {
  const vec = (items) => [items.length, ...items.flat()];
  const str = (s) => [s.length, ...bytes(s)];
  const section = (id, body) => {
    assert.ok(body.length < 128);
    return [id, body.length, ...body];
  };
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types.map(([params, results]) => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))]))),
    ...(imports.length ? section(2, vec(imports.map(([name, type]) => [...str('ic0'), ...str(name), 0, type]))) : []),
    ...section(3, vec(funcs.map(([type]) => [type]))),
    ...(memory ? section(5, [1, 0, 1]) : []),
    ...(tags.length ? section(13, vec(tags.map((type) => [0, type]))) : []),
    ...section(7, vec(exports.map(([name, index]) => [...str(name), 0, index]))),
    ...section(10, vec(funcs.map(([, code]) => [code.length + 1, 0, ...code]))),
  ]);
}
const I32 = 0x7f;
const I64 = 0x7e;

describe('canister execution', () => {
  let replica;
  let owner;
  let stranger;
  let rootKey;
  let dir;
  let probe;
  let probe2;
  let broken;

  // ---- plumbing: raw calls, so every outcome (reply, reject, error code) is visible ----

  async function certifiedOutcome(canister, res, requestId) {
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
    if (res.cbor.status === 'non_replicated_rejection') {
      return { certified: false, errorCode: res.cbor.error_code, rejectCode: res.cbor.reject_code, message: res.cbor.reject_message };
    }
    const cert = await Certificate.create({ certificate: res.cbor.certificate, rootKey, principal: { canisterId: Principal.fromText(canister) } });
    const get = (leaf) => cert.lookup_path(['request_status', requestId, leaf]).value;
    if (text(get('status')) === 'replied') return { certified: true, reply: new Uint8Array(get('reply')) };
    return { certified: true, errorCode: text(get('error_code')), rejectCode: leb(get('reject_code')), message: text(get('reject_message')) };
  }

  async function update(canister, method, arg = new Uint8Array(0), identity = owner.identity) {
    const { body, requestId } = await envelope(identity, { canister_id: Principal.fromText(canister).toUint8Array(), method_name: method, arg });
    return certifiedOutcome(canister, await post(replica.url, `/api/v3/canister/${canister}/call`, body), requestId);
  }

  async function query(canister, method, arg = new Uint8Array(0), identity = owner.identity) {
    const { body } = await envelope(identity, { request_type: 'query', canister_id: Principal.fromText(canister).toUint8Array(), method_name: method, arg });
    const res = await post(replica.url, `/api/v3/canister/${canister}/query`, body);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
    if (res.cbor.status === 'replied') return { reply: new Uint8Array(res.cbor.reply.arg) };
    return { errorCode: res.cbor.error_code, rejectCode: res.cbor.reject_code, message: res.cbor.reject_message };
  }

  async function management(canister, method, args) {
    const { argTypes, retTypes } = methodTypes(method);
    const arg = new Uint8Array(IDL.encode(argTypes, [args]));
    const { body, requestId } = await envelope(owner.identity, { canister_id: new Uint8Array(0), method_name: method, arg });
    const outcome = await certifiedOutcome(canister, await post(replica.url, `/api/v3/canister/${canister}/call`, body), requestId);
    if (outcome.reply) outcome.value = IDL.decode(retTypes, outcome.reply)[0];
    return outcome;
  }

  const cid = (canister) => Principal.fromText(canister);
  const install = (canister, wasm, mode = 'install', arg = new Uint8Array(0)) =>
    management(canister, 'install_code', { mode: mode === 'upgrade' ? { upgrade: [] } : { [mode]: null }, canister_id: cid(canister), wasm_module: wasm, arg, sender_canister_version: [] });
  const lifecycle = (canister, method) => management(canister, method, { canister_id: cid(canister) });

  async function newCanister(wasm, arg = bytes('first note')) {
    const { canister_id: id } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
    if (wasm) {
      const outcome = await install(id, wasm, 'install', arg);
      assert.ok(outcome.reply, JSON.stringify(outcome));
    }
    return id;
  }

  const note = async (canister) => text((await query(canister, 'get')).reply);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'juno-replica-exec-'));
    probe = buildProbe(dir, 'probe');
    probe2 = buildProbe(dir, 'probe2', ['PROBE_TAG="v2"']);
    broken = buildProbe(dir, 'broken', ['PROBE_TAG="broken"', 'PROBE_POST_UPGRADE_TRAPS']);
    replica = await startReplica({ internalErrors: 'expected' }); // the fault internal_error_after_execute
    owner = makeIdentity('ed25519');
    stranger = makeIdentity('secp256k1');
    rootKey = (await agentFor(replica.url, owner.identity)).rootKey;
  });
  after(async () => {
    await replica?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('install runs canister_init with the argument; updates and queries see the system API', async () => {
    const canister = await newCanister(probe, bytes('hello'));
    const state = await canisterState(replica.url, canister);
    assert.equal(state.module_hash, sha256hex(probe));
    assert.equal(state.wasm_memory_size % 65536, 0);
    assert.ok(state.wasm_memory_size > 0, 'the heap is the instance memory');
    assert.equal(state.stable_memory_size, 0);
    assert.ok(state.globals.length >= 1, 'clang\'s __stack_pointer is a mutable global');
    assert.equal(await note(canister), 'hello');

    assert.equal(Principal.fromUint8Array((await update(canister, 'whoami')).reply).toText(), owner.principal);
    assert.equal(Principal.fromUint8Array((await query(canister, 'self')).reply).toText(), canister);
    const now = BigInt(Date.now()) * 1_000_000n;
    const time = u64((await query(canister, 'time')).reply);
    assert.ok(time > now - 60_000_000_000n && time < now + 60_000_000_000n, `time ${time}`);
    assert.equal(u64((await query(canister, 'status')).reply), 1n, 'running');
    assert.equal(u64((await query(canister, 'certificate_present')).reply), 0n);
    assert.equal(u64((await query(canister, 'controller', cid(owner.principal).toUint8Array())).reply), 1n);
    assert.equal(u64((await query(canister, 'controller', cid(stranger.principal).toUint8Array())).reply), 0n);
    await update(canister, 'print', bytes('hello from the probe'));
    // The replica's stderr arrives on its own pipe, maybe after the reply: wait for it.
    const printed = `[Canister ${canister}] hello from the probe\n`;
    for (let i = 0; i < 50 && !replica.stderr().includes(printed); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(replica.stderr().includes(printed), replica.stderr());
    // Anyone may call a canister's methods; the canister sees who.
    assert.equal(Principal.fromUint8Array((await update(canister, 'whoami', new Uint8Array(0), stranger.identity)).reply).toText(), stranger.principal);
  });

  it('an update through /api/v2 (202, then read_state) is certified the same way', async () => {
    const canister = await newCanister(probe, bytes('async'));
    const { body, requestId } = await envelope(owner.identity, { canister_id: cid(canister).toUint8Array(), method_name: 'set', arg: bytes('polled') });
    assert.equal((await post(replica.url, `/api/v2/canister/${canister}/call`, body)).status, 202);
    const paths = [[bytes('request_status'), requestId]];
    const read = await envelope(owner.identity, { request_type: 'read_state', paths });
    const res = await post(replica.url, `/api/v2/canister/${canister}/read_state`, read.body);
    const cert = await Certificate.create({ certificate: res.cbor.certificate, rootKey, principal: { canisterId: cid(canister) } });
    assert.equal(text(cert.lookup_path(['request_status', requestId, 'status']).value), 'replied');
    assert.equal(text(cert.lookup_path(['request_status', requestId, 'reply']).value), 'async');
    assert.equal(await note(canister), 'polled');
  });

  it('each executed update bumps the canister version; canister_version reports it', async () => {
    const canister = await newCanister(probe);
    const v0 = (await canisterState(replica.url, canister)).version;
    assert.equal(u64((await update(canister, 'version')).reply), BigInt(v0));
    assert.equal(u64((await update(canister, 'bump')).reply), 1n);
    assert.equal((await canisterState(replica.url, canister)).version, v0 + 2);
    await query(canister, 'counter');
    assert.equal((await canisterState(replica.url, canister)).version, v0 + 2, 'queries are not executed messages');
  });

  it('a trap rolls back the heap, stable memory and certified data, and is IC0503 with the IC\'s text', async () => {
    const canister = await newCanister(probe, bytes('kept'));
    await update(canister, 'bump');
    const before = await canisterState(replica.url, canister);
    const outcome = await update(canister, 'set_then_trap', bytes('lost'));
    assert.equal(outcome.certified, true);
    assert.equal(outcome.errorCode, 'IC0503');
    assert.equal(outcome.rejectCode, 5);
    assert.equal(
      outcome.message,
      `Error from Canister ${canister}: Canister called \`ic0.trap\` with message: 'changed my mind'.\n` +
        'Consider gracefully handling failures from this canister or altering the canister to handle exceptions. ' +
        'See documentation: https://internetcomputer.org/docs/current/references/execution-errors#trapped-explicitly',
    );
    const after = await canisterState(replica.url, canister);
    for (const key of ['wasm_memory_sha256', 'stable_memory_size', 'stable_memory_sha256', 'certified_data', 'version']) {
      assert.deepEqual(after[key], before[key], key);
    }
    // The live instance is dropped too: the next update runs on the old heap.
    assert.equal(text((await update(canister, 'set', bytes('next'))).reply), 'kept');
    assert.equal(u64((await update(canister, 'bump')).reply), 2n);

    const wasmTrap = await update(canister, 'set_then_unreachable', bytes('lost'));
    assert.equal(wasmTrap.errorCode, 'IC0502');
    assert.equal(wasmTrap.message, `Error from Canister ${canister}: Canister trapped: unreachable`);
    const oob = await update(canister, 'read_past_end');
    assert.equal(oob.errorCode, 'IC0502');
    assert.match(oob.message, /Canister trapped: stable memory out of bounds/);
    assert.equal(await note(canister), 'next');
  });

  it('stable memory grows in pages through both APIs and reports -1 past the limit', async () => {
    const canister = await newCanister(probe);
    const grow = async (pages) => new DataView((await update(canister, 'grow', Uint8Array.of(pages))).reply.buffer).getInt32(0, true);
    assert.equal(await grow(2), 0);
    assert.equal(await grow(1), 2);
    assert.equal(u64((await query(canister, 'stable_size')).reply), 3n);
    assert.equal((await canisterState(replica.url, canister)).stable_memory_size, 3 * 65536);
    await update(canister, 'save');
    const stable = await admin(replica.url, 'GET', `canisters/${canister}/stable_memory?offset=0&size=14`);
    assert.deepEqual([...stable], [10, 0, 0, 0, ...bytes('first note')]);
  });

  it('a query\'s changes are discarded, also when a query method is called as an update', async () => {
    const canister = await newCanister(probe, bytes('stays'));
    const before = await canisterState(replica.url, canister);
    assert.equal(text((await query(canister, 'mutate', bytes('gone'))).reply), 'gone');
    assert.equal(await note(canister), 'stays');
    assert.equal(text((await update(canister, 'mutate', bytes('gone too'))).reply), 'gone too');
    assert.equal(await note(canister), 'stays');
    assert.equal(u64((await update(canister, 'bump')).reply), 1n, 'the update path did not keep the query\'s counter');
    const certify = await query(canister, 'certify_in_query');
    assert.equal(certify.errorCode, 'IC0504');
    assert.match(certify.message, /violated contract: "ic0_certified_data_set" cannot be executed in non-replicated query mode/);
    assert.equal((await canisterState(replica.url, canister)).version, before.version + 1);
  });

  it('the canister\'s own reject is IC0406 (reject code 4); no reply is IC0506; both keep their changes', async () => {
    const canister = await newCanister(probe);
    const rejected = await update(canister, 'reject');
    assert.deepEqual(rejected, { certified: true, errorCode: 'IC0406', rejectCode: 4, message: 'not today' });
    const silent = await update(canister, 'silent');
    assert.equal(silent.errorCode, 'IC0506');
    assert.equal(silent.message, `Canister ${canister} did not reply to the call`);
    assert.equal(u64((await query(canister, 'counter')).reply), 2n);
    const missing = await update(canister, 'nothing_here');
    assert.equal(missing.errorCode, 'IC0536');
    assert.equal((await query(canister, 'nothing_here')).errorCode, 'IC0536');
  });

  it('certified data set by an update is in the state tree', async () => {
    const canister = await newCanister(probe);
    await update(canister, 'certify', bytes('certified!'));
    assert.equal((await canisterState(replica.url, canister)).certified_data, Buffer.from('certified!').toString('hex'));
    const tooLong = await update(canister, 'certify', new Uint8Array(33));
    assert.equal(tooLong.errorCode, 'IC0504');
  });

  it('upgrade runs pre_upgrade and post_upgrade, keeps stable memory and replaces the heap', async () => {
    const canister = await newCanister(probe, bytes('carried over'));
    await update(canister, 'bump');
    const before = await canisterState(replica.url, canister);
    const outcome = await install(canister, gzipSync(probe2), 'upgrade');
    assert.ok(outcome.reply, JSON.stringify(outcome));
    const after = await canisterState(replica.url, canister);
    assert.equal(after.module_hash, sha256hex(gzipSync(probe2)));
    assert.equal(after.version, before.version + 1);
    assert.equal(text((await query(canister, 'tag')).reply), 'v2');
    assert.equal(await note(canister), 'carried over', 'post_upgrade read what pre_upgrade saved');
    assert.equal(u64((await query(canister, 'counter')).reply), 0n, 'the heap is fresh');
    assert.equal(after.stable_memory_size, 65536);
  });

  it('a trap in post_upgrade leaves the old module, heap, stable memory and globals in place', async () => {
    const canister = await newCanister(probe, bytes('precious'));
    await update(canister, 'bump');
    const before = await canisterState(replica.url, canister);
    const outcome = await install(canister, broken, 'upgrade');
    assert.equal(outcome.errorCode, 'IC0503');
    assert.equal(outcome.rejectCode, 5);
    assert.match(outcome.message, new RegExp(`^Error from Canister ${canister}: Canister called \`ic0.trap\` with message: 'post_upgrade refused'\\.\\n`));
    const after = await canisterState(replica.url, canister);
    for (const key of ['module_hash', 'version', 'wasm_memory_sha256', 'stable_memory_size', 'stable_memory_sha256', 'globals']) {
      assert.deepEqual(after[key], before[key], key);
    }
    // The old module runs on, on its old heap (its pre_upgrade ran on the live instance, which is dropped).
    assert.equal(text((await query(canister, 'tag')).reply), 'v1');
    assert.equal(u64((await update(canister, 'bump')).reply), 2n);
    assert.equal(await note(canister), 'precious');
  });

  it('a trap in pre_upgrade fails the upgrade the same way', async () => {
    const canister = await newCanister(probe, bytes('refuse upgrade'));
    const before = await canisterState(replica.url, canister);
    const outcome = await install(canister, probe2, 'upgrade');
    assert.equal(outcome.errorCode, 'IC0503');
    assert.match(outcome.message, /'pre_upgrade refused'/);
    const after = await canisterState(replica.url, canister);
    assert.equal(after.module_hash, before.module_hash);
    assert.equal(after.stable_memory_size, 0);
    assert.equal(text((await query(canister, 'tag')).reply), 'v1');
  });

  it('a trap in canister_init leaves the canister empty', async () => {
    const canister = await newCanister(null);
    const outcome = await install(canister, probe, 'install', bytes('trap'));
    assert.equal(outcome.errorCode, 'IC0503');
    assert.match(outcome.message, /'init refused'/);
    const state = await canisterState(replica.url, canister);
    assert.equal(state.module_hash, null);
    assert.equal(state.version, 0);
    assert.equal((await update(canister, 'get')).errorCode, 'IC0537');
  });

  it('reinstall starts afresh: init runs again, stable memory is cleared', async () => {
    const canister = await newCanister(probe, bytes('old'));
    await update(canister, 'save');
    assert.ok((await install(canister, probe, 'reinstall', bytes('new'))).reply);
    assert.equal(await note(canister), 'new');
    assert.equal((await canisterState(replica.url, canister)).stable_memory_size, 0);
  });

  it('a stopped canister rejects updates (IC0508, certified) and queries; started, it runs again', async () => {
    const canister = await newCanister(probe, bytes('waiting'));
    await lifecycle(canister, 'stop_canister');
    const call = await update(canister, 'bump');
    assert.equal(call.certified, true);
    assert.equal(call.errorCode, 'IC0508');
    assert.equal(call.rejectCode, 5);
    const q = await query(canister, 'get');
    assert.equal(q.errorCode, 'IC0508');
    assert.equal(q.message, `Canister ${canister} is not running`);
    await lifecycle(canister, 'start_canister');
    assert.equal(u64((await update(canister, 'bump')).reply), 1n);
  });

  it('a snapshot load restores the heap, and the next update runs on it', async () => {
    const canister = await newCanister(probe, bytes('at snapshot time'));
    await update(canister, 'bump');
    await lifecycle(canister, 'stop_canister');
    const taken = await management(canister, 'take_canister_snapshot', { canister_id: cid(canister), replace_snapshot: [], uninstall_code: [], sender_canister_version: [] });
    const atSnapshot = await canisterState(replica.url, canister);
    await lifecycle(canister, 'start_canister');
    assert.equal(text((await update(canister, 'set', bytes('after snapshot'))).reply), 'at snapshot time');
    assert.equal(u64((await update(canister, 'bump')).reply), 2n);

    await lifecycle(canister, 'stop_canister');
    const loaded = await management(canister, 'load_canister_snapshot', { canister_id: cid(canister), snapshot_id: taken.value.id, sender_canister_version: [] });
    assert.ok(loaded.reply, JSON.stringify(loaded));
    await lifecycle(canister, 'start_canister');
    const state = await canisterState(replica.url, canister);
    assert.equal(state.wasm_memory_sha256, atSnapshot.wasm_memory_sha256);
    assert.deepEqual(state.globals, atSnapshot.globals);
    // The update path (the live instance) and the query path both see the restored heap.
    assert.equal(u64((await update(canister, 'bump')).reply), 2n);
    assert.equal(text((await update(canister, 'set', bytes('later'))).reply), 'at snapshot time');
  });

  it('exported mutable globals are state: kept between messages, snapshotted and restored; start runs once', async () => {
    const wasm = globalsModule();
    const canister = await newCanister(wasm);
    const g0 = async () => new DataView((await query(canister, 'get')).reply.buffer).getInt32(0, true);
    assert.equal(await g0(), 100, 'the start function ran at install');
    await update(canister, 'inc');
    assert.deepEqual((await canisterState(replica.url, canister)).globals, [{ i32: '101' }, { i64: '10' }]);
    const taken = await management(canister, 'take_canister_snapshot', { canister_id: cid(canister), replace_snapshot: [], uninstall_code: [], sender_canister_version: [] });
    await update(canister, 'inc');
    assert.equal(await g0(), 102);
    await management(canister, 'load_canister_snapshot', { canister_id: cid(canister), snapshot_id: taken.value.id, sender_canister_version: [] });
    assert.equal(await g0(), 101, 'restored, and the start function did not run again');
    await update(canister, 'inc');
    assert.deepEqual((await canisterState(replica.url, canister)).globals, [{ i32: '102' }, { i64: '20' }]);
  });

  it('admin memory writes change what the canister runs on', async () => {
    const canister = await newCanister(probe, bytes('abc'));
    await update(canister, 'bump'); // a live instance exists now
    const heap = await admin(replica.url, 'GET', `canisters/${canister}/wasm_memory`);
    const at = Buffer.from(heap).indexOf('abc');
    assert.ok(at > 0, 'the note is in the heap the admin API reads');
    await admin(replica.url, 'POST', `canisters/${canister}/wasm_memory?offset=${at}`, bytes('xyz'));
    assert.equal(await note(canister), 'xyz');
    assert.equal(text((await update(canister, 'set', bytes('def'))).reply), 'xyz');
  });

  it('modules importing anything but ic0 functions are invalid (IC0505)', async () => {
    const canister = await newCanister(null);
    const wasm = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 4, 1, 0x60, 0, 0,
      2, 12, 1, 3, ...bytes('env'), 4, ...bytes('boom'), 0, 0,
    ]);
    const outcome = await install(canister, wasm);
    assert.equal(outcome.errorCode, 'IC0505');
    assert.match(outcome.message, /Module imports function 'boom' from 'env' that is not exported by the runtime/);
  });

  it('ic0 imports must have the spec\'s signature for the module\'s memory width (IC0505)', async () => {
    // msg_arg_data_size : () -> I imported as () -> i32, with a 32-bit and with a 64-bit memory.
    const module = (memoryLimits) => Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      1, 5, 1, 0x60, 0, 1, 0x7f,
      2, 25, 1, 3, ...bytes('ic0'), 17, ...bytes('msg_arg_data_size'), 0, 0,
      5, 1 + memoryLimits.length, 1, ...memoryLimits,
    ]);
    const wide = await newCanister(null);
    const outcome = await install(wide, module([0x04, 1])); // memory64, 1 page
    assert.equal(outcome.errorCode, 'IC0505');
    assert.match(outcome.message, /Module imports function 'msg_arg_data_size' from 'ic0' with the signature \(->i32\), not the runtime's \(->i64\)/);
    assert.equal((await canisterState(replica.url, wide)).module_hash, null, 'nothing installed');
    const narrow = await newCanister(null);
    assert.ok((await install(narrow, module([0x00, 1]))).reply, 'the same import is right for a 32-bit memory');
  });

  // Before, V8's TypeError calling such an export (no BigInt for its parameter) escaped as HTTP 500.
  it('an entry point that takes parameters or returns results makes the module invalid (IC0505)', async () => {
    const withParam = assemble({ types: [[[I64], []]], funcs: [[0, [0x0b]]], exports: [['canister_update p', 0]] });
    const canister = await newCanister(null);
    const outcome = await install(canister, withParam);
    assert.equal(outcome.errorCode, 'IC0505', JSON.stringify(outcome));
    assert.equal(outcome.rejectCode, 5);
    assert.match(outcome.message, /invalid function signature\. Expected no parameters for 'canister_update p', got \[I64\]/);
    const withResult = assemble({ types: [[[], [I32]]], funcs: [[0, [0x41, 0, 0x0b]]], exports: [['canister_query q', 0]] });
    assert.match((await install(canister, withResult)).message, /Expected return type \[\] for 'canister_query q', got \[I32\]/);
    assert.equal((await canisterState(replica.url, canister)).module_hash, null, 'nothing installed');
    // Other exports may have any type, as on the IC.
    const helper = assemble({ types: [[[I64], [I64]]], funcs: [[0, [0x20, 0, 0x0b]]], exports: [['double', 0]] });
    assert.ok((await install(canister, helper)).reply);
  });

  it('a system call the replica does not implement (inter-canister calls) is a certified reject 5 (IC0504), not HTTP 500', async () => {
    const caller = assemble({
      types: [[[], [I32]], [[], []]],
      imports: [['call_perform', 0]],
      funcs: [[1, [0x10, 0, 0x1a, 0x0b]]], // call $call_perform; drop
      exports: [['canister_update go', 1]],
    });
    const canister = await newCanister(caller);
    const before = await canisterState(replica.url, canister);
    const outcome = await update(canister, 'go');
    assert.equal(outcome.certified, true);
    assert.equal(outcome.rejectCode, 5);
    assert.equal(outcome.errorCode, 'IC0504');
    assert.match(outcome.message, /Canister violated contract: ic0\.call_perform is not supported by the local replica/);
    assert.equal((await canisterState(replica.url, canister)).version, before.version, 'a rejected message changes nothing');
  });

  // Before, the WebAssembly.Exception escaped as HTTP 500.
  it('an exception the canister throws and does not catch is a certified reject 5 (IC0502); its writes are undone', async () => {
    const thrower = assemble({
      types: [[[], []]],
      funcs: [[0, [0x41, 0, 0x41, 42, 0x36, 2, 0, 0x08, 0, 0x0b]]], // i32.store 0 42; throw 0
      exports: [['canister_update throw', 0]],
      tags: [0],
      memory: true,
    });
    const canister = await newCanister(thrower);
    const before = await canisterState(replica.url, canister);
    const outcome = await update(canister, 'throw');
    assert.equal(outcome.certified, true);
    assert.equal(outcome.rejectCode, 5);
    assert.equal(outcome.errorCode, 'IC0502');
    assert.match(outcome.message, new RegExp(`^Error from Canister ${canister}: Canister trapped: `));
    const after = await canisterState(replica.url, canister);
    assert.equal(after.wasm_memory_sha256, before.wasm_memory_sha256);
    assert.equal(after.version, before.version);
    assert.equal((await admin(replica.url, 'GET', 'status')).internal_errors, 0);
  });

  // A replica bug half-way through a call (the fault stands in for one) must not leave the state
  // half-changed: the call answers 500, is counted and logged, and its changes are rolled back.
  it('a call that fails inside the replica answers 500 and changes nothing', async () => {
    const canister = await newCanister(probe, bytes('before the bug'));
    const before = await canisterState(replica.url, canister);
    const errors = (await admin(replica.url, 'GET', 'status')).internal_errors;

    await admin(replica.url, 'POST', 'faults', { internal_error_after_execute: 1 });
    const { body } = await envelope(owner.identity, { canister_id: cid(canister).toUint8Array(), method_name: 'set', arg: bytes('lost') });
    const res = await post(replica.url, `/api/v3/canister/${canister}/call`, body);
    assert.equal(res.status, 500);
    assert.equal(await note(canister), 'before the bug');

    await admin(replica.url, 'POST', 'faults', { internal_error_after_execute: 1 });
    const arg = new Uint8Array(IDL.encode(methodTypes('install_code').argTypes, [{ mode: { reinstall: null }, canister_id: cid(canister), wasm_module: probe2, arg: bytes('reinstalled'), sender_canister_version: [] }]));
    const call = await envelope(owner.identity, { canister_id: new Uint8Array(0), method_name: 'install_code', arg });
    assert.equal((await post(replica.url, `/api/v3/canister/${canister}/call`, call.body)).status, 500);

    const after = await canisterState(replica.url, canister);
    for (const key of ['module_hash', 'wasm_memory_sha256', 'stable_memory_sha256', 'version', 'globals']) assert.deepEqual(after[key], before[key], key);
    assert.equal(await note(canister), 'before the bug');
    assert.equal((await admin(replica.url, 'GET', 'status')).internal_errors, errors + 2);
    assert.match(replica.stderr(), /replica: BUG: internal error on POST .*injected internal error after install_code ran/);
    assert.equal(text((await update(canister, 'set', bytes('after'))).reply), 'before the bug', 'the next call runs on the old state');
  });

  // Uploads write into the snapshot's bytes in place: the rollback must undo those writes too.
  it('a snapshot data upload that fails inside the replica leaves the snapshot\'s bytes as they were', async () => {
    const canister = await newCanister(probe);
    const { value: { snapshot_id: snapshotId } } = await management(canister, 'upload_canister_snapshot_metadata', {
      canister_id: cid(canister), replace_snapshot: [], wasm_module_size: 0n, globals: [], wasm_memory_size: 16n, stable_memory_size: 16n,
      certified_data: new Uint8Array(0), global_timer: [], on_low_wasm_memory_hook_status: [],
    });
    const upload = (kind, chunk) => management(canister, 'upload_canister_snapshot_data', { canister_id: cid(canister), snapshot_id: snapshotId, kind: { [kind]: { offset: 4n } }, chunk });
    assert.ok((await upload('stable_memory', bytes('kept'))).reply);
    const snapshot = async () => (await canisterState(replica.url, canister)).snapshots.find((s) => s.id === Buffer.from(snapshotId).toString('hex'));
    const before = await snapshot();

    await admin(replica.url, 'POST', 'faults', { internal_error_after_execute: 1 });
    await assert.rejects(upload('stable_memory', bytes('lost')), /HTTP 500/);
    await admin(replica.url, 'POST', 'faults', { internal_error_after_execute: 1 });
    await assert.rejects(upload('wasm_memory', bytes('lost')), /HTTP 500/);
    assert.deepEqual(await snapshot(), before);
    assert.equal(before.stable_memory_sha256, sha256hex(Uint8Array.from([0, 0, 0, 0, ...bytes('kept'), 0, 0, 0, 0, 0, 0, 0, 0])));
    assert.equal(before.wasm_memory_sha256, sha256hex(new Uint8Array(16)));
  });
});

describe('canister execution across a replica restart (--state-dir)', () => {
  it('the next call runs on the state saved before the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juno-replica-exec-state-'));
    const owner = makeIdentity('ed25519');
    const call = async (url, canister, method, arg = new Uint8Array(0)) => {
      const target = method === 'install_code' ? new Uint8Array(0) : Principal.fromText(canister).toUint8Array();
      const { body } = await envelope(owner.identity, { canister_id: target, method_name: method, arg });
      const res = await post(url, `/api/v3/canister/${canister}/call`, body);
      assert.equal(res.cbor.status, 'replied');
    };
    let replica = await startReplica({ stateDir: dir });
    try {
      const { canister_id: canister } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
      const installArg = { mode: { install: null }, canister_id: Principal.fromText(canister), wasm_module: globalsModule(), arg: new Uint8Array(0), sender_canister_version: [] };
      await call(replica.url, canister, 'install_code', new Uint8Array(IDL.encode(methodTypes('install_code').argTypes, [installArg])));
      await call(replica.url, canister, 'inc');
      await replica.stop();
      replica = await startReplica({ stateDir: dir });
      await call(replica.url, canister, 'inc');
      assert.deepEqual((await canisterState(replica.url, canister)).globals, [{ i32: '102' }, { i64: '20' }]);
    } finally {
      await replica.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Install and snapshot loads refuse such modules now, but a state saved by an older replica can
  // hold one. Before, certifying the state tree threw on it: every read_state and call was HTTP 500.
  it('a canister whose stored module is not Wasm does not break the certificates of the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juno-replica-exec-state-'));
    const owner = makeIdentity('ed25519');
    let replica = await startReplica({ stateDir: dir });
    try {
      const { canister_id: broken } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
      const { canister_id: other } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
      await replica.stop();
      const file = join(dir, 'replica-state.v8');
      const state = deserialize(readFileSync(file));
      const junk = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
      Object.assign(state.subnet.canisters.get(Buffer.from(Principal.fromText(broken).toUint8Array()).toString('hex')), { module: junk, moduleHash: new Uint8Array(createHash('sha256').update(junk).digest()) });
      writeFileSync(file, serialize(state));
      replica = await startReplica({ stateDir: dir });
      const rootKey = (await agentFor(replica.url, owner.identity)).rootKey;
      for (const canister of [broken, other]) {
        const paths = [[bytes('canister'), Principal.fromText(canister).toUint8Array(), bytes('module_hash')]];
        if (canister === broken) paths.push([bytes('canister'), Principal.fromText(canister).toUint8Array(), bytes('metadata'), bytes('candid:service')]);
        const read = await envelope(owner.identity, { request_type: 'read_state', paths });
        const res = await post(replica.url, `/api/v3/canister/${canister}/read_state`, read.body);
        assert.equal(res.status, 200, res.text);
        const cert = await Certificate.create({ certificate: res.cbor.certificate, rootKey, principal: { canisterId: Principal.fromText(canister) } });
        const hash = cert.lookup_path(['canister', Principal.fromText(canister).toUint8Array(), 'module_hash']).value;
        if (canister === broken) assert.equal(Buffer.from(hash).toString('hex'), createHash('sha256').update(junk).digest('hex'));
        else assert.equal(hash, undefined, 'no module');
      }
      assert.equal((await admin(replica.url, 'GET', 'status')).internal_errors, 0);
    } finally {
      await replica.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
