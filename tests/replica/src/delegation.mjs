// Delegation mode: the replica plays a subnet other than the root subnet, as
// every application subnet on mainnet is. Its certificates are signed by the
// subnet's own BLS key and carry a delegation, {subnet_id, certificate},
// whose certificate the root key signs and which reveals the subnet's
// public key, its canister ranges and /time (spec: certification.md,
// "Delegation"; ic-protocol.md §5).
//
// The delegation certificate comes from the root subnet's state, which
// changes rarely, so it is issued once per configuration and reused, as
// replicas reuse theirs; its /time is the issue time.
import { BlsKey, DEV_SUBNET_KEY, certify, subtree } from './certification.mjs';
import { Principal, leb128, nowNanos, toHex, utf8 } from './util.mjs';

// Which ranges a certificate's delegation must show depends on the endpoint
// that answers (ic-protocol.md §1): the sharded /canister_ranges for v4 calls
// and v3 read_state, the legacy /subnet/<id>/canister_ranges for v2/v3 calls
// and v2 read_state, none for a subnet's own read_state.
export const RANGES_FORM = { sharded: 'sharded', legacy: 'legacy', none: 'none' };

export class SubnetDelegation {
  constructor({ rootKey, ranges, subnetKey = new BlsKey(DEV_SUBNET_KEY) }) {
    this.rootKey = rootKey;
    this.subnetKey = subnetKey;
    this.ranges = ranges;
    // Self-authenticating, as the IC derives the root subnet's id from its key.
    this.subnetId = Principal.selfAuthenticating(subnetKey.der).toUint8Array();
    this.issuedAt = nowNanos();
    this.issued = new Map(); // form + shard -> CBOR certificate
  }

  // The part of the root subnet's state tree that speaks about this subnet.
  rootSubnetState() {
    const sid = this.subnetId;
    return subtree([
      ['canister_ranges', subtree([[sid, subtree(this.ranges.shards())]])],
      ['subnet', subtree([[sid, subtree([['canister_ranges', this.ranges.legacyLeaf()], ['public_key', this.subnetKey.der]])]])],
      ['time', leb128(this.issuedAt)],
    ]);
  }

  // The `delegation` field of a certificate about effective canister id `ecid`.
  delegationFor({ form, ecid }) {
    const sid = this.subnetId;
    const paths = [[utf8('subnet'), sid, utf8('public_key')], [utf8('time')]];
    let key = form;
    if (form === RANGES_FORM.sharded) {
      const shard = this.ranges.shardLabelFor(ecid);
      paths.push(shard ? [utf8('canister_ranges'), sid, shard] : [utf8('canister_ranges'), sid]);
      key += `:${shard ? toHex(shard) : ''}`;
    } else if (form === RANGES_FORM.legacy) {
      paths.push([utf8('subnet'), sid, utf8('canister_ranges')]);
    }
    if (!this.issued.has(key)) this.issued.set(key, certify(this.rootKey, this.rootSubnetState(), paths));
    return { subnet_id: sid, certificate: this.issued.get(key) };
  }

  toJson() {
    return {
      subnet_id: Principal.fromUint8Array(this.subnetId).toText(),
      subnet_public_key: toHex(this.subnetKey.der),
      issued_at_ns: this.issuedAt.toString(),
    };
  }
}
