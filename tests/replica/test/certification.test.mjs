// The replica's witnesses (src/certification.mjs): what a read_state reply reveals of its tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { witness, subtree, leaf, treeRootHash } from '../src/certification.mjs';

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
