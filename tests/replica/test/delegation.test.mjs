// Delegation mode: certificates signed by a subnet key that the root key
// vouches for, with the canister ranges each endpoint must show, checked by
// DFINITY's own verifiers (@icp-sdk/core's Certificate and HttpAgent, and
// the icp CLI), and read back field by field.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Certificate, lookup_path, LookupPathStatus } from '@icp-sdk/core/agent';
import { IcManagementCanister } from '@icp-sdk/canisters/ic-management';
import {
  startReplica, icpFixture, makeIdentity, agentFor, admin, canisterState, envelope, post, managementCall,
  canisterIdArg, wasmModule, writeTemp, sha256hex, Principal, IDL, Cbor,
} from './harness.mjs';

const BLS_DER_PREFIX = '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100';
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const u64be = (n) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
};
// The replica's canister id number `n`, as the IC lays ids out: u64 BE ‖ 0x01 0x01.
const canisterId = (n) => Principal.fromUint8Array(Uint8Array.from([...u64be(n), 1, 1]));

// The delegation a certificate carries, decoded, with lookups in its tree.
function delegationOf(certificateBytes) {
  const { delegation } = Cbor.decode(certificateBytes);
  if (!delegation) return null;
  const inner = Cbor.decode(delegation.certificate);
  return {
    subnetId: Principal.fromUint8Array(delegation.subnet_id),
    inner,
    lookup: (...path) => lookup_path(path, inner.tree),
  };
}

// Which encoding of the canister ranges a delegation reveals for `sid`.
function rangesForm(d, sid) {
  const sharded = d.lookup('canister_ranges', sid.toUint8Array());
  const legacy = d.lookup('subnet', sid.toUint8Array(), 'canister_ranges');
  return {
    sharded: sharded.status !== LookupPathStatus.Absent && sharded.status !== LookupPathStatus.Unknown,
    legacy: legacy.status === LookupPathStatus.Found,
  };
}

describe('delegation mode', () => {
  let replica;
  let owner;
  let rootKey;
  let cid;
  let topology; // GET /_/admin/delegation

  const verify = (certificate, principal = { canisterId: cid }) => Certificate.create({ certificate, rootKey, principal });
  const statusCall = async (version, target = cid) => {
    const call = await managementCall(owner.identity, 'canister_status', canisterIdArg, [{ canister_id: target }]);
    return { ...call, res: await post(replica.url, `/api/${version}/canister/${target.toText()}/call`, call.body) };
  };
  const readStatus = async (version, requestId, target = cid) => {
    const { body } = await envelope(owner.identity, { request_type: 'read_state', paths: [[new TextEncoder().encode('request_status'), requestId]] });
    const res = await post(replica.url, `/api/${version}/canister/${target.toText()}/read_state`, body);
    assert.equal(res.status, 200, res.text);
    return res.cbor.certificate;
  };
  const setRanges = (ranges, perShard = 1) => admin(replica.url, 'POST', 'delegation', { ranges, ranges_per_shard: perShard });

  before(async () => {
    replica = await startReplica({ delegation: true });
    owner = makeIdentity('ed25519');
    const agent = await agentFor(replica.url, owner.identity);
    rootKey = agent.rootKey;
    cid = await IcManagementCanister.create({ agent }).provisionalCreateCanisterWithCycles();
    topology = await admin(replica.url, 'GET', 'delegation');
  });
  after(() => replica?.stop());

  it('the subnet has a key and id of its own; the status endpoint still serves the root key', async () => {
    assert.equal(topology.enabled, true);
    assert.equal(topology.subnet_public_key.length, 266);
    assert.ok(topology.subnet_public_key.startsWith(BLS_DER_PREFIX));
    assert.notEqual(topology.subnet_public_key.slice(74), hex(rootKey).slice(74));
    assert.equal(topology.subnet_id, Principal.selfAuthenticating(Buffer.from(topology.subnet_public_key, 'hex')).toText());
    assert.equal(topology.root_subnet_id, Principal.selfAuthenticating(rootKey).toText());
    const status = Cbor.decode(new Uint8Array(await (await fetch(`${replica.url}/api/v2/status`)).arrayBuffer()));
    assert.equal(hex(status.root_key), hex(rootKey));
  });

  it('a DFINITY agent verifies update calls and queries (node keys read from the subnet)', async () => {
    const agent = await agentFor(replica.url, owner.identity);
    const status = await IcManagementCanister.create({ agent }).canisterStatus({ canisterId: cid });
    assert.ok('running' in status.status);
    // The agent checks the node's signature against /subnet/<id>/node/<node>/public_key,
    // read with a subnet read_state whose certificate is delegated too.
    const arg = IDL.encode(canisterIdArg, [{ canister_id: cid }]);
    const reply = await agent.query(Principal.fromText('aaaaa-aa'), { methodName: 'canister_status', arg, effectiveCanisterId: cid });
    assert.equal(reply.status, 'replied');
  });

  it('a v4 reply is signed by the subnet key, under a root-signed delegation with the sharded ranges', async () => {
    const { res } = await statusCall('v4');
    assert.equal(res.status, 200);
    const { certificate } = res.cbor;
    await verify(certificate);
    const d = delegationOf(certificate);
    assert.equal(d.subnetId.toText(), topology.subnet_id);
    assert.equal(d.inner.delegation, undefined, 'no nested delegation');
    const key = d.lookup('subnet', d.subnetId.toUint8Array(), 'public_key');
    assert.equal(key.status, LookupPathStatus.Found);
    assert.equal(hex(key.value), topology.subnet_public_key);
    assert.equal(d.lookup('time').status, LookupPathStatus.Found);
    assert.deepEqual(rangesForm(d, d.subnetId), { sharded: true, legacy: false });
    // The delegation certificate on its own verifies against the root key.
    await Certificate.create({ certificate: Cbor.encode(d.inner), rootKey, principal: { subnetId: d.subnetId } });
    // Without its delegation the outer certificate is not the root key's: the subnet key signed it.
    const { tree, signature } = Cbor.decode(certificate);
    await assert.rejects(verify(Cbor.encode({ tree, signature })), /signature/i);
  });

  it('v3 read_state shows the sharded ranges; v2 read_state and v2/v3 calls the legacy ones', async () => {
    const v3call = await statusCall('v3');
    assert.equal(v3call.res.status, 200);
    const v2call = await statusCall('v2');
    assert.equal(v2call.res.status, 202);
    const cases = [
      ['v3 call', v3call.res.cbor.certificate, { sharded: false, legacy: true }],
      ['v2 read_state', await readStatus('v2', v2call.requestId), { sharded: false, legacy: true }],
      ['v3 read_state', await readStatus('v3', v2call.requestId), { sharded: true, legacy: false }],
    ];
    for (const [name, certificate, form] of cases) {
      await verify(certificate);
      const d = delegationOf(certificate);
      assert.deepEqual(rangesForm(d, d.subnetId), form, name);
    }
  });

  it('a subnet read_state carries a delegation with the subnet key and no ranges', async () => {
    const sid = topology.subnet_id;
    const { body } = await envelope(owner.identity, { request_type: 'read_state', paths: [[new TextEncoder().encode('time')]] });
    const res = await post(replica.url, `/api/v3/subnet/${sid}/read_state`, body);
    assert.equal(res.status, 200, res.text);
    await verify(res.cbor.certificate, { subnetId: Principal.fromText(sid) });
    assert.deepEqual(rangesForm(delegationOf(res.cbor.certificate), Principal.fromText(sid)), { sharded: false, legacy: false });
  });

  it('ranges that miss the canister: DFINITY\'s verifier refuses every form', async () => {
    const other = canisterId(5000);
    await setRanges([[other.toText(), other.toText()]]);
    try {
      const agent = await agentFor(replica.url, owner.identity);
      await assert.rejects(IcManagementCanister.create({ agent }).canisterStatus({ canisterId: cid }), /does not include the canister|canister_ranges/);
      const v3call = await statusCall('v3');
      await assert.rejects(verify(v3call.res.cbor.certificate), /does not include the canister|canister_ranges/);
      const v2call = await statusCall('v2');
      await assert.rejects(verify(await readStatus('v2', v2call.requestId)), /does not include the canister|canister_ranges/);
      // The replica still executes the calls: it stands for a subnet certifying what it does not host.
      assert.equal((await canisterState(replica.url, cid.toText())).status, 'running');
    } finally {
      await setRanges(topology.ranges);
    }
  });

  it('shards: a certificate reveals only the shard whose label is the greatest not above the canister', async () => {
    const ranges = [
      [Principal.fromText('aaaaa-aa'), canisterId(99)],
      [canisterId(100), canisterId(199)],
      [canisterId(200), canisterId(2 ** 40)],
    ];
    const text = ranges.map((r) => r.map((p) => p.toText()));
    const ids = [canisterId(150), canisterId(250)];
    for (const id of ids) await admin(replica.url, 'POST', 'canisters', { canister_id: id.toText(), controllers: [owner.principal] });
    try {
      for (const [perShard, expected] of [[1, [canisterId(100), canisterId(200)]], [2, [Principal.fromText('aaaaa-aa'), canisterId(200)]]]) {
        await setRanges(text, perShard);
        for (const [i, id] of ids.entries()) {
          const { res } = await statusCall('v4', id);
          await verify(res.cbor.certificate, { canisterId: id });
          const d = delegationOf(res.cbor.certificate);
          const sid = d.subnetId.toUint8Array();
          const revealed = [...ranges.map(([lo]) => lo), canisterId(1)]
            .filter((label) => d.lookup('canister_ranges', sid, label.toUint8Array()).status === LookupPathStatus.Found)
            .map((p) => p.toText());
          assert.deepEqual(revealed, [expected[i].toText()], `ranges_per_shard ${perShard}, ${id.toText()}`);
          const leaf = d.lookup('canister_ranges', sid, expected[i].toUint8Array()).value;
          assert.deepEqual([...leaf.subarray(0, 3)], [0xd9, 0xd9, 0xf7], 'shard leaves are tagged CBOR');
          assert.equal(Cbor.decode(leaf).length, perShard === 1 ? 1 : i === 0 ? 2 : 1);
        }
      }
    } finally {
      await setRanges(topology.ranges);
    }
  });

  it('refuses ranges that are not ordered pairs of principals', async () => {
    for (const ranges of [[['aaaaa-aa']], [[canisterId(9).toText(), canisterId(1).toText()]], [['not a principal', 'aaaaa-aa']],
      [[canisterId(1).toText(), canisterId(9).toText()], [canisterId(5).toText(), canisterId(20).toText()]]]) {
      await assert.rejects(setRanges(ranges), /400/, JSON.stringify(ranges));
    }
    assert.deepEqual((await admin(replica.url, 'GET', 'delegation')).ranges, topology.ranges);
  });

  it('switches between plain and delegation mode at run time', async () => {
    try {
      const plain = await admin(replica.url, 'DELETE', 'delegation');
      assert.equal(plain.enabled, false);
      assert.equal(plain.subnet_id, plain.root_subnet_id);
      const { res } = await statusCall('v4');
      await verify(res.cbor.certificate);
      assert.equal(delegationOf(res.cbor.certificate), null, 'plain mode: signed by the root key itself');
    } finally {
      await admin(replica.url, 'POST', 'delegation', { enabled: true, ranges: topology.ranges });
    }
    const { res } = await statusCall('v4');
    assert.equal(delegationOf(res.cbor.certificate).subnetId.toText(), topology.subnet_id);
  });

  it('--state-dir keeps delegation mode and the ranges across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juno-replica-delegation-'));
    try {
      const first = await startReplica({ stateDir: dir });
      const ranges = [['aaaaa-aa', canisterId(1000).toText()]];
      await admin(first.url, 'POST', 'delegation', { enabled: true, ranges });
      await first.stop();
      const second = await startReplica({ stateDir: dir });
      try {
        const again = await admin(second.url, 'GET', 'delegation');
        assert.equal(again.enabled, true);
        assert.deepEqual(again.ranges, ranges);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('delegation mode with DFINITY\'s icp CLI', () => {
  let f;
  before(async () => {
    f = await icpFixture({ delegation: true });
  });
  after(() => f?.teardown());

  it('icp canister status, install and snapshot create verify delegated certificates', async () => {
    const file = writeTemp(f.dir, 'm.wasm', wasmModule({ 'icp:public candid:service': Buffer.from('service : {}'), v: [1] }));
    const { stdout } = await f.cli(['canister', 'status', f.canister, '--json']);
    assert.equal(JSON.parse(stdout).status, 'Running');
    await f.cli(['canister', 'install', f.canister, '--mode', 'install', '--wasm', file]);
    await f.cli(['canister', 'stop', f.canister]);
    await f.cli(['canister', 'snapshot', 'create', f.canister]);
    const state = await f.state();
    assert.equal(state.module_hash, sha256hex(wasmModule({ 'icp:public candid:service': Buffer.from('service : {}'), v: [1] })));
    assert.equal(state.snapshots.length, 1);
  });

  it('icp refuses a certificate whose delegation does not cover the canister', async () => {
    const { ranges } = await admin(f.replica.url, 'GET', 'delegation');
    await admin(f.replica.url, 'POST', 'delegation', { ranges: [['aaaaa-aa', 'aaaaa-aa']] });
    try {
      const r = await f.cli(['canister', 'status', f.canister], { allowFailure: true });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Certificate is not authorized/);
    } finally {
      await admin(f.replica.url, 'POST', 'delegation', { ranges });
    }
    await f.cli(['canister', 'status', f.canister]);
  });
});
