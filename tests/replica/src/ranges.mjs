// A subnet's canister ranges: which canister ids the subnet hosts, as the
// state tree certifies them (spec: certification.md, "Canister ranges").
//
// Two encodings of the same ranges exist. The legacy one is a single leaf
// `/subnet/<subnet_id>/canister_ranges`; the sharded one splits the sorted
// ranges into leaves `/canister_ranges/<subnet_id>/<shard>`, each labelled
// with the first range start it holds, so that a certificate need reveal
// only the shard covering one canister. Both leaves are
// CBOR 55799([[lo, hi], ...]) of principal bytes, compared bytewise.
import { Cbor } from '@icp-sdk/core/agent';
import { compareBytes, principalText, Principal } from './util.mjs';

// Every principal of at most 10 bytes: every id this replica assigns, and
// aaaaa-aa (the empty principal), which DFINITY's agent uses as the effective
// canister id of provisional_create_canister_with_cycles. Two ranges, so that
// a default replica has more than one shard.
const DEFAULT_RANGES = [
  [new Uint8Array(0), Uint8Array.of(0x7f, ...new Array(9).fill(0xff))],
  [Uint8Array.of(0x80, ...new Array(9).fill(0)), new Uint8Array(10).fill(0xff)],
];

export class CanisterRanges {
  // `ranges`: [[lo, hi], ...] as principal bytes; `perShard`: ranges per shard leaf.
  constructor(ranges = DEFAULT_RANGES, { perShard = 1 } = {}) {
    if (!Number.isInteger(perShard) || perShard < 1) throw new Error('ranges_per_shard must be a whole number >= 1');
    const sorted = ranges.map(([lo, hi]) => [Uint8Array.from(lo), Uint8Array.from(hi)]).sort((a, b) => compareBytes(a[0], b[0]));
    for (const [i, [lo, hi]] of sorted.entries()) {
      if (compareBytes(lo, hi) > 0) throw new Error(`range ${principalText(lo)}..${principalText(hi)} ends before it starts`);
      if (i > 0 && compareBytes(sorted[i - 1][1], lo) >= 0) throw new Error(`range ${principalText(lo)}..${principalText(hi)} overlaps the one before it`);
    }
    this.ranges = sorted;
    this.perShard = perShard;
  }

  // From the admin API's JSON: [["<lo principal>", "<hi principal>"], ...].
  static fromJson(pairs, options) {
    if (!Array.isArray(pairs) || !pairs.every((p) => Array.isArray(p) && p.length === 2)) {
      throw new Error('ranges must be a list of [low, high] principal pairs');
    }
    return new CanisterRanges(pairs.map((pair) => pair.map((text) => Principal.fromText(text).toUint8Array())), options);
  }

  toJson() {
    return this.ranges.map((pair) => pair.map(principalText));
  }

  contains(id) {
    return this.ranges.some(([lo, hi]) => compareBytes(lo, id) <= 0 && compareBytes(id, hi) <= 0);
  }

  // The legacy leaf: all ranges in one blob.
  legacyLeaf() {
    return encode(this.ranges);
  }

  // [[shard label, leaf], ...] in label order.
  shards() {
    const out = [];
    for (let i = 0; i < this.ranges.length; i += this.perShard) {
      const group = this.ranges.slice(i, i + this.perShard);
      out.push([group[0][0], encode(group)]);
    }
    return out;
  }

  // The label of the shard a client looks in for `id`: the greatest label
  // not above it (the first shard when every label is above it, so that a
  // certificate still reveals ranges that prove the id is not covered).
  shardLabelFor(id) {
    const labels = this.shards().map(([label]) => label);
    if (labels.length === 0) return null;
    let chosen = labels[0];
    for (const label of labels) if (compareBytes(label, id) <= 0) chosen = label;
    return chosen;
  }
}

const encode = (ranges) => Cbor.encode(ranges.map(([lo, hi]) => [lo, hi]));
