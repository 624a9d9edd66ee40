// The replica's witnesses (src/certification.mjs): what a read_state reply reveals of its tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { witness, subtree, leaf, treeRootHash, BlsKey, blsReady, DEV_ROOT_KEY, DEV_SUBNET_KEY } from '../src/certification.mjs';

const utf8 = (s) => new TextEncoder().encode(s);
const labels = (tree) => {
  // The labels a witness reveals with their leaves, as "a/b" paths.
  const out = [];
  const walk = (t, prefix) => {
    if (t[0] === 1) { walk(t[1], prefix); walk(t[2], prefix); }
    if (t[0] === 2) walk(t[2], [...prefix, new TextDecoder().decode(t[1])]);
    if (t[0] === 3) out.push(prefix.join('/'));
  };
  walk(tree, []);
  return out;
};

test('one read_state for a path that is absent and one beside it that is present reveals the present one', () => {
  // "b" is the neighbour kept to prove "a" absent, and is asked for itself: both orders.
  const tree = subtree([['b', leaf('B')], ['c', leaf('C')]]);
  for (const paths of [[['a'], ['b']], [['b'], ['a']]]) {
    const w = witness(tree, paths.map((p) => p.map(utf8)));
    assert.deepEqual(labels(w), ['b']);
    assert.deepEqual(treeRootHash(w), treeRootHash(witness(tree, [[]])), 'the witness has the tree\'s root hash');
  }
});

test('a state signature is the one noble-curves signs, and verifies under the key the replica serves', async () => {
  // BlsKey signs with mcl; a client checks with its own hash-to-curve and pairing (noble here,
  // the helper's in the unit tests), so a wrong domain tag, map or encoding fails every answer.
  await blsReady;
  const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
  const domain = new Uint8Array([13, ...utf8('ic-state-root')]);
  for (const keys of [DEV_ROOT_KEY, DEV_SUBNET_KEY, { secretKey: bls.utils.randomPrivateKey() }]) {
    const key = new BlsKey(keys);
    for (let i = 0; i < 4; i++) {
      const rootHash = i === 0 ? new Uint8Array(32) : randomBytes(32);
      const message = bls.shortSignatures.hash(new Uint8Array([...domain, ...rootHash]), DST);
      const signature = key.sign(rootHash);
      assert.equal(signature.length, 48);
      assert.deepEqual(Buffer.from(signature), Buffer.from(bls.shortSignatures.sign(message, key.secretKey).toBytes(true)));
      assert.ok(bls.shortSignatures.verify(signature, message, key.publicKey));
      const other = new Uint8Array(rootHash);
      other[31] ^= 1;
      assert.ok(!bls.shortSignatures.verify(signature, bls.shortSignatures.hash(new Uint8Array([...domain, ...other]), DST), key.publicKey));
    }
  }
});
