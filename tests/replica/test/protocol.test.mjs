// The IC HTTPS interface as the IC enforces it: status, envelopes,
// certificates, non-replicated and certified rejections, read_state access.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { Certificate } from '@icp-sdk/core/agent';
import { IcManagementCanister } from '@icp-sdk/canisters/ic-management';
import {
  startReplica, makeIdentity, agentFor, admin, canisterState, sha256hex, envelope, post,
  managementCall, canisterIdArg, nowExpiry, wasmModule, Principal, IDL, Cbor,
} from './harness.mjs';

const ROOT_KEY_PREFIX = '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100';
const text = (bytes) => new TextDecoder().decode(bytes);
const leb = (bytes) => bytes.reduceRight((n, b) => n * 128 + (b & 0x7f), 0);

describe('IC HTTPS interface', () => {
  let replica;
  let owner;
  let stranger;
  let canister; // text
  let cid; // Principal
  let rootKey;

  const callPath = (version = 'v4') => `/api/${version}/canister/${canister}/call`;
  const certified = async (certificate, requestId) => {
    const cert = await Certificate.create({ certificate, rootKey, principal: { canisterId: cid } });
    const get = (leaf) => cert.lookup_path(['request_status', requestId, leaf]).value;
    return { status: text(get('status')), reply: get('reply'), rejectCode: get('reject_code') && leb(get('reject_code')), errorCode: get('error_code') && text(get('error_code')), rejectMessage: get('reject_message') && text(get('reject_message')) };
  };
  const mgmt = (identity, method, argTypes, args, version = 'v4', ecid = canister) =>
    managementCall(identity, method, argTypes, args).then(async (e) => ({ ...e, res: await post(replica.url, `/api/${version}/canister/${ecid}/call`, e.body) }));

  before(async () => {
    replica = await startReplica();
    owner = makeIdentity('ed25519');
    stranger = makeIdentity('secp256k1');
    const agent = await agentFor(replica.url, owner.identity);
    rootKey = agent.rootKey;
    cid = await IcManagementCanister.create({ agent }).provisionalCreateCanisterWithCycles();
    canister = cid.toText();
  });
  after(() => replica?.stop());

  it('GET /api/v2/status is tagged CBOR with the DER root key', async () => {
    const res = await fetch(`${replica.url}/api/v2/status`);
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xd9, 0xd9, 0xf7]);
    const status = Cbor.decode(bytes);
    assert.equal(status.root_key.length, 133);
    assert.equal(Buffer.from(status.root_key.subarray(0, 37)).toString('hex'), ROOT_KEY_PREFIX);
    assert.equal(status.replica_health_status, 'healthy');
  });

  it('a DFINITY agent verifies the certificates of update calls', async () => {
    const agent = await agentFor(replica.url, owner.identity);
    const status = await IcManagementCanister.create({ agent }).canisterStatus({ canisterId: cid });
    assert.ok('running' in status.status);
    assert.equal(status.settings.controllers[0].toText(), owner.principal);
  });

  it('queries are answered with node-signed replies that the agent checks', async () => {
    const agent = await agentFor(replica.url, owner.identity);
    const arg = IDL.encode(canisterIdArg, [{ canister_id: cid }]);
    const reply = await agent.query(Principal.fromText('aaaaa-aa'), { methodName: 'canister_status', arg, effectiveCanisterId: cid });
    assert.equal(reply.status, 'replied');
    assert.equal(reply.signatures.length, 1);
  });

  it('a bad signature is refused with HTTP 400', async () => {
    const { body } = await envelope(owner.identity, { canister_id: new Uint8Array(0), method_name: 'canister_status', arg: new Uint8Array(IDL.encode(canisterIdArg, [{ canister_id: cid }])) }, { tamper: 'signature' });
    const res = await post(replica.url, callPath(), body);
    assert.equal(res.status, 400);
    assert.match(res.text, /Invalid signature/);
  });

  it('a sender that does not match its public key is refused', async () => {
    const { body } = await envelope(owner.identity, { sender: stranger.identity.getPrincipal().toUint8Array(), canister_id: new Uint8Array(0), method_name: 'canister_status', arg: new Uint8Array(IDL.encode(canisterIdArg, [{ canister_id: cid }])) });
    const res = await post(replica.url, callPath(), body);
    assert.equal(res.status, 400);
    assert.match(res.text, /not consistent with the sender/);
  });

  it('an expired request, or one too far ahead, gets "Invalid request expiry"', async () => {
    const arg = new Uint8Array(IDL.encode(canisterIdArg, [{ canister_id: cid }]));
    for (const offset of [-60_000, 6 * 60_000]) {
      const { body } = await envelope(owner.identity, { canister_id: new Uint8Array(0), method_name: 'canister_status', arg, ingress_expiry: nowExpiry(offset) });
      const res = await post(replica.url, callPath(), body);
      assert.equal(res.status, 400);
      assert.match(res.text, /^Invalid request expiry: /);
    }
  });

  it('the effective canister id must match the target canister', async () => {
    const other = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
    const { res } = await mgmt(owner.identity, 'canister_status', canisterIdArg, [{ canister_id: cid }], 'v4', other.canister_id);
    assert.equal(res.status, 400);
    assert.match(res.text, /does not match effective canister id/);
  });

  it('a non-controller gets a non-replicated IC0512 rejection (v4 and v2)', async () => {
    const { res } = await mgmt(stranger.identity, 'stop_canister', canisterIdArg, [{ canister_id: cid }]);
    assert.equal(res.status, 200);
    assert.equal(res.cbor.status, 'non_replicated_rejection');
    assert.equal(res.cbor.error_code, 'IC0512');
    assert.equal(res.cbor.reject_code, 5);
    assert.match(res.cbor.reject_message, /Only the controllers of the canister/);
    const v2 = (await mgmt(stranger.identity, 'stop_canister', canisterIdArg, [{ canister_id: cid }], 'v2')).res;
    assert.equal(v2.status, 200);
    assert.equal(v2.cbor.error_code, 'IC0512');
    assert.equal(v2.cbor.status, undefined);
    assert.equal((await canisterState(replica.url, canister)).status, 'running');
  });

  it('v2 calls are accepted with 202 and answered through read_state, to the sender only', async () => {
    const { res, requestId } = await mgmt(owner.identity, 'canister_status', canisterIdArg, [{ canister_id: cid }], 'v2');
    assert.equal(res.status, 202);
    const agent = await agentFor(replica.url, owner.identity);
    const state = await agent.readState(cid, { paths: [[new TextEncoder().encode('request_status'), requestId]] });
    const cert = await Certificate.create({ certificate: state.certificate, rootKey, principal: { canisterId: cid } });
    assert.equal(text(cert.lookup_path(['request_status', requestId, 'status']).value), 'replied');
    const paths = [[new TextEncoder().encode('request_status'), requestId]];
    const { body } = await envelope(stranger.identity, { request_type: 'read_state', paths });
    const refused = await post(replica.url, `/api/v3/canister/${canister}/read_state`, body);
    assert.equal(refused.status, 403);
    assert.match(refused.text, /signed by the caller/);
  });

  it('an unknown snapshot gets a certified IC0305 rejection', async () => {
    const args = IDL.Record({ canister_id: IDL.Principal, snapshot_id: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64) });
    const bogus = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 7, ...cid.toUint8Array()]);
    const { res, requestId } = await mgmt(owner.identity, 'load_canister_snapshot', [args], [{ canister_id: cid, snapshot_id: bogus, sender_canister_version: [] }]);
    assert.equal(res.status, 200);
    assert.equal(res.cbor.status, 'replied');
    const outcome = await certified(res.cbor.certificate, requestId);
    assert.equal(outcome.status, 'rejected');
    assert.equal(outcome.rejectCode, 3);
    assert.equal(outcome.errorCode, 'IC0305');
    assert.match(outcome.rejectMessage, new RegExp(`Could not find the snapshot ID 7-${canister}`));
  });

  it('an invalid Wasm module gets IC0505; a gzipped one is accepted and hashed as given', async () => {
    const install = IDL.Record({ mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Opt(IDL.Record({})) }), canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8) });
    const bad = await mgmt(owner.identity, 'install_code', [install], [{ mode: { install: null }, canister_id: cid, wasm_module: new Uint8Array([1, 2, 3, 4]), arg: new Uint8Array() }]);
    assert.equal((await certified(bad.res.cbor.certificate, bad.requestId)).errorCode, 'IC0505');
    const gz = gzipSync(wasmModule({ hello: [1] }));
    const good = await mgmt(owner.identity, 'install_code', [install], [{ mode: { install: null }, canister_id: cid, wasm_module: new Uint8Array(gz), arg: new Uint8Array() }]);
    assert.equal((await certified(good.res.cbor.certificate, good.requestId)).status, 'replied');
    assert.equal((await canisterState(replica.url, canister)).module_hash, sha256hex(gz));
  });

  it('the 11th snapshot gets IC0406; replace_snapshot still works at the limit', async () => {
    const take = IDL.Record({ canister_id: IDL.Principal, replace_snapshot: IDL.Opt(IDL.Vec(IDL.Nat8)) });
    for (let i = 0; i < 10; i++) {
      const { res, requestId } = await mgmt(owner.identity, 'take_canister_snapshot', [take], [{ canister_id: cid, replace_snapshot: [] }]);
      assert.equal((await certified(res.cbor.certificate, requestId)).status, 'replied');
    }
    const eleventh = await mgmt(owner.identity, 'take_canister_snapshot', [take], [{ canister_id: cid, replace_snapshot: [] }]);
    const outcome = await certified(eleventh.res.cbor.certificate, eleventh.requestId);
    assert.equal(outcome.errorCode, 'IC0406');
    assert.equal(outcome.rejectCode, 4);
    assert.match(outcome.rejectMessage, /has reached the maximum number of snapshots allowed: 10/);
    let state = await canisterState(replica.url, canister);
    assert.equal(state.snapshots.length, 10);
    const oldest = Buffer.from(state.snapshots[0].id, 'hex');
    const replaced = await mgmt(owner.identity, 'take_canister_snapshot', [take], [{ canister_id: cid, replace_snapshot: [new Uint8Array(oldest)] }]);
    assert.equal((await certified(replaced.res.cbor.certificate, replaced.requestId)).status, 'replied');
    state = await canisterState(replica.url, canister);
    assert.equal(state.snapshots.length, 10);
    assert.ok(!state.snapshots.some((s) => s.id === oldest.toString('hex')));
  });

  it('unknown endpoints are 404, oversized bodies 413', async () => {
    assert.equal((await post(replica.url, `/api/v1/canister/${canister}/call`, new Uint8Array())).status, 404);
    assert.equal((await post(replica.url, callPath(), new Uint8Array(5 * 1024 * 1024 + 1))).status, 413);
  });
});

// The replica hashes request contents through node:crypto (src/request_id.mjs): the same ids as
// @icp-sdk/core's, for every kind of field a request holds.
describe('request ids', () => {
  it('match @icp-sdk/core\'s requestIdOf for calls, queries and read_state', async () => {
    const { requestIdOf: ours } = await import('../src/request_id.mjs');
    const { requestIdOf: theirs } = await import('@icp-sdk/core/agent');
    const contents = [
      { request_type: 'call', sender: new Uint8Array(29).fill(3), canister_id: new Uint8Array(0), method_name: 'upload_canister_snapshot_data', arg: new Uint8Array(2_000_000).map((_, i) => i * 7), ingress_expiry: 1796185726716000000n, nonce: new Uint8Array(16).fill(9) },
      { request_type: 'read_state', sender: Uint8Array.of(4), paths: [[new TextEncoder().encode('request_status'), new Uint8Array(32).fill(1)], [new TextEncoder().encode('time')], []], ingress_expiry: 300 },
      { request_type: 'query', sender: Uint8Array.of(4), canister_id: new Uint8Array(10), method_name: 'q', arg: new Uint8Array(0), ingress_expiry: 0, sender_info: { info: new Uint8Array(2), sig: new Uint8Array(0) } },
    ];
    for (const content of contents) {
      assert.equal(Buffer.from(ours(content)).toString('hex'), Buffer.from(theirs(content)).toString('hex'), content.request_type);
    }
  });
});

// read_canister_snapshot_data's reply is encoded by hand (src/management.mjs): byte for byte what
// IDL.encode writes, whatever the length's LEB128 width.
describe('snapshot slice replies', () => {
  it('are IDL.encode\'s bytes', async () => {
    const { encodeChunkReply } = await import('../src/management.mjs');
    const { IDL, methodTypes } = await import('../src/idl.mjs');
    const types = methodTypes('read_canister_snapshot_data').retTypes;
    for (const n of [0, 1, 127, 128, 16383, 16384, 1_048_576, 2_000_000]) {
      const chunk = new Uint8Array(n).map((_, i) => i * 31);
      assert.deepEqual(Buffer.from(encodeChunkReply(chunk)), Buffer.from(IDL.encode(types, [{ chunk }])), `${n} bytes`);
    }
  });
});
