// The replica's certified state tree and its BLS signature.
//
// The tree is built once per round from the live state (ingress.mjs); a
// witness reveals the requested paths, keeps the neighbouring labels so that
// absent paths are provably absent, and prunes everything else, as the IC's
// state manager does.
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve';
import { sha256 as sha256Hash } from '@noble/hashes/sha2';
import mcl from 'mcl-wasm';
import { Cbor } from '@icp-sdk/core/agent';
import { sha256, concat, utf8, compareBytes, fromHex } from './util.mjs';

// Signing runs on herumi's mcl (WebAssembly), about 1 ms a signature where noble-curves' BigInt
// arithmetic takes 10 to 30 ms on a loaded machine: a cost every certified answer waits for, which
// a benchmark of the client would otherwise count as the client's. Its set-up compiles mcl's
// WebAssembly (about 0.1 s) in the background; `blsReady` settles when it is done, and a round
// waits for it (ingress.mjs), so start-up does not.
// ETH serialization is the ZCash compressed form the IC uses; IRTF mapping is RFC 9380's SSWU.
export const blsReady = mcl.init(mcl.BLS12_381).then(() => {
  mcl.setETHserialization(true);
  mcl.setMapToMode(mcl.IRTF);
});

// DER prefix of an IC BLS12-381 G2 public key (ic-protocol.md §5).
const BLS_KEY_DER_PREFIX = fromHex(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100',
);
const STATE_ROOT_DOMAIN = concat(Uint8Array.of(13), utf8('ic-state-root'));
const G1_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

// The local replica's well-known development key pairs: the root key, and
// the key of the subnet the root key delegates to in delegation mode.
// Deriving a G2 public key costs noble-curves a third of a second or more,
// too slow for start-up, so the pairs are fixed; clients fetch the root key
// from /api/v2/status and learn the subnet key from the delegation.
export const DEV_ROOT_KEY = {
  secretKey: fromHex('4b292d5d150e49715a9a26f8724b06c3418be95d5eeb358ab97e32b1068987e8'),
  publicKey: fromHex(
    'a9edb7b6121aaae579c1c6c01c4a2467cd88c1f5ca263b89a5c686c8d80dd733' +
      '70259a61cd996659dfb9efb028dab9eb10be56f205b2502ef9b65f5db50ad7e0' +
      'a27d6aa0c7a01d4b2c54010231d3bc60d22e48cdc9ae4d9cbf6254cfa18c16f4',
  ),
};
export const DEV_SUBNET_KEY = {
  secretKey: fromHex('0eef1c19bd0a6f51a7876ec35c81ae86c826c310a0ad886dab33f8bf2d17bcb7'),
  publicKey: fromHex(
    'b617d5de0c2d1cc374482214e41cca5a16f0e686e3a33ab97d760f3f6d6de780' +
      '698ca3d7a1a62582ba499f5ced4e457a0f53265197e54178621bd5b266aad0a4' +
      '7df1172299c518f92a235b6190823302ee9f22247f80e9cccb8c2a762612d6e4',
  ),
};

// A BLS12-381 signing key as the IC uses them: the root key, or a subnet's.
export class BlsKey {
  constructor({ secretKey, publicKey } = DEV_ROOT_KEY) {
    this.secretKey = secretKey;
    // min-sig: the public key lives in G2 (96 bytes compressed), signatures in G1.
    this.publicKey = publicKey ?? bls.shortSignatures.getPublicKey(secretKey).toBytes(true);
    // Root and subnet keys share the one DER form (ic-protocol.md §5).
    this.der = concat(BLS_KEY_DER_PREFIX, this.publicKey);
  }

  // The signature sk·H(domain ‖ root hash) in G1, compressed (48 bytes): the bytes noble's
  // `shortSignatures.sign` gives (certification.test.mjs checks that). H is RFC 9380's
  // hash_to_curve: the message hashed to two field elements (noble), each mapped to the curve with
  // its cofactor cleared (mcl's mapToG1), and the two points added; clearing is a homomorphism, so
  // clearing each point is clearing their sum. Throws until `blsReady` has settled.
  sign(rootHash) {
    if (!this.scalar) {
      this.scalar = new mcl.Fr();
      this.scalar.setBigEndianMod(this.secretKey);
    }
    const [[u0], [u1]] = hash_to_field(concat(STATE_ROOT_DOMAIN, rootHash), 2, HASH_TO_G1);
    const point = mcl.add(fieldElement(u0).mapToG1(), fieldElement(u1).mapToG1());
    return mcl.mul(point, this.scalar).serialize();
  }
}

// RFC 9380 §8.8.1, BLS12381G1_XMD:SHA-256_SSWU_RO_, with the IC's signature domain tag.
const HASH_TO_G1 = { DST: G1_DST, p: bls.fields.Fp.ORDER, m: 1, k: 128, expand: 'xmd', hash: sha256Hash };

function fieldElement(value) {
  const element = new mcl.Fp();
  element.setBigEndianMod(fromHex(value.toString(16).padStart(96, '0')));
  return element;
}

const domain = (name) => {
  const text = utf8(name);
  return concat(Uint8Array.of(text.length), text);
};
const EMPTY_HASH = sha256(domain('ic-hashtree-empty'));
const FORK = domain('ic-hashtree-fork');
const LABELED = domain('ic-hashtree-labeled');
const LEAF = domain('ic-hashtree-leaf');

// A state node is either a leaf (Uint8Array) or a sub-tree: an array of
// [label bytes, node] pairs. `subtree` sorts the labels as the tree requires.
export const leaf = (value) => (typeof value === 'string' ? utf8(value) : value);
export function subtree(entries) {
  return entries
    .map(([label, node]) => [typeof label === 'string' ? utf8(label) : label, node])
    .sort((a, b) => compareBytes(a[0], b[0]));
}
const isLeaf = (node) => node instanceof Uint8Array;

// A sub-tree of many labels that are hashes (request ids), laid out bucket by bucket: `buckets`
// are sorted arrays of entries, in label order, each holding the labels of one first byte. Its forks
// halve the buckets present first, then each bucket's labels, so a label added or removed changes
// one bucket's hash and the forks above the buckets; a caller that keeps a bucket's array while it
// is unchanged (ingress.mjs) has its hash computed once, however long the history grows. The
// interface spec leaves the forks' shape to the replica; a witness shows the one it hashed.
export function bucketedSubtree(buckets) {
  const entries = buckets.flat();
  const starts = [];
  let at = 0;
  for (const bucket of buckets) {
    starts.push(at);
    at += bucket.length;
  }
  entries.buckets = { starts, arrays: buckets };
  return entries;
}

// The bucket holding entry `i` of a bucketed sub-tree.
function bucketAt(layout, i) {
  let lo = 0;
  let hi = layout.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.starts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Where the range [lo, hi) of a sub-tree forks (hi - lo >= 2).
function split(entries, lo, hi) {
  const layout = entries.buckets;
  if (layout) {
    const first = bucketAt(layout, lo);
    const last = bucketAt(layout, hi - 1);
    if (first !== last) return layout.starts[first + Math.ceil((last - first + 1) / 2)];
  }
  return lo + Math.ceil((hi - lo) / 2);
}

// Hashes of sub-trees and of their ranges of labels, by the sub-tree's identity: a node is never
// changed once built, and the state tree reuses the nodes of what did not change (ingress.mjs), so
// a round hashes only what is new, and its witnesses (which show the hashes of ranges they prune)
// hash nothing again.
const cache = new WeakMap(); // sub-tree -> Map(range key -> hash)
const labeledHashes = new WeakMap(); // [label, node] -> hash
function nodeHash(node) {
  if (isLeaf(node)) return sha256(concat(LEAF, node));
  return rangeHash(node, 0, node.length);
}
const labeledHash = (label, node) => sha256(concat(LABELED, label, nodeHash(node)));

// Labels of one level are laid out as a balanced binary tree of forks (see split).
function rangeHash(entries, lo, hi) {
  if (hi - lo === 0) return EMPTY_HASH;
  const layout = entries.buckets;
  if (layout) {
    // Inside one bucket: hashed (and kept) by the bucket's own array.
    const b = bucketAt(layout, lo);
    const start = layout.starts[b];
    if (hi <= start + layout.arrays[b].length) return rangeHash(layout.arrays[b], lo - start, hi - start);
  }
  let ranges = cache.get(entries);
  if (!ranges) cache.set(entries, (ranges = new Map()));
  const key = lo * (entries.length + 1) + hi;
  let hash = ranges.get(key);
  if (hash) return hash;
  if (hi - lo === 1) {
    // By the [label, node] pair too: a sub-tree rebuilt around unchanged entries hashes only its forks.
    hash = labeledHashes.get(entries[lo]);
    if (!hash) labeledHashes.set(entries[lo], (hash = labeledHash(...entries[lo])));
  } else {
    const mid = split(entries, lo, hi);
    hash = sha256(concat(FORK, rangeHash(entries, lo, mid), rangeHash(entries, mid, hi)));
  }
  ranges.set(key, hash);
  return hash;
}

// Witness of `node` revealing `paths` (arrays of label bytes).
// Returns the CBOR-ready hash tree ([0] empty, [1] fork, [2] labeled, [3] leaf, [4] pruned).
export function witness(node, paths) {
  if (paths.some((p) => p.length === 0)) return reveal(node);
  if (isLeaf(node)) return [3, node]; // the path goes deeper than the tree: show the leaf
  const keep = new Map(); // index -> sub-paths
  for (const path of paths) {
    const [head, ...rest] = path;
    const i = lowerBound(node, head);
    if (i < node.length && compareBytes(node[i][0], head) === 0) {
      // A neighbour kept to prove another path absent (null) is revealed all the same.
      if (!keep.get(i)) keep.set(i, []);
      keep.get(i).push(rest);
    } else {
      // Absent: keep both neighbours (label only) to prove it.
      for (const j of [i - 1, i]) if (j >= 0 && j < node.length && !keep.has(j)) keep.set(j, null);
    }
  }
  return rangeWitness(node, 0, node.length, keep);
}

function rangeWitness(entries, lo, hi, keep) {
  if (hi - lo === 0) return [0];
  let any = false;
  for (const i of keep.keys()) if (i >= lo && i < hi) any = true;
  if (!any) return [4, rangeHash(entries, lo, hi)];
  if (hi - lo === 1) {
    const [label, child] = entries[lo];
    const sub = keep.get(lo);
    return [2, label, sub === null ? [4, nodeHash(child)] : witness(child, sub)];
  }
  const mid = split(entries, lo, hi);
  return [1, rangeWitness(entries, lo, mid, keep), rangeWitness(entries, mid, hi, keep)];
}

function reveal(node) {
  if (isLeaf(node)) return [3, node];
  const all = new Map(node.map((_, i) => [i, [[]]]));
  return rangeWitness(node, 0, node.length, all);
}

function lowerBound(entries, label) {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareBytes(entries[mid][0], label) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function treeRootHash(tree) {
  switch (tree[0]) {
    case 0: return EMPTY_HASH;
    case 1: return sha256(concat(FORK, treeRootHash(tree[1]), treeRootHash(tree[2])));
    case 2: return sha256(concat(LABELED, tree[1], treeRootHash(tree[2])));
    case 3: return sha256(concat(LEAF, tree[1]));
    case 4: return tree[1];
    default: throw new Error(`bad hash tree node ${tree[0]}`);
  }
}

// A CBOR certificate over the witness of `paths` in `state`, signed by
// `key`; `delegation` ({subnet_id, certificate}) says why a subnet key may sign.
export function certify(key, state, paths, delegation) {
  return certifyMany(key, state, [{ paths, delegation }])[0];
}

// Certificates for several readers of one state, under one signature: every witness of a tree has
// the tree's root hash, so the IC signs each certified state once however many read it.
export function certifyMany(key, state, requests) {
  if (requests.length === 0) return [];
  const signature = key.sign(nodeHash(state));
  return requests.map(({ paths, delegation }) => {
    const tree = witness(state, paths);
    return Cbor.encode(delegation ? { tree, signature, delegation } : { tree, signature });
  });
}
