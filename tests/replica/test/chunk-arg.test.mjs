// upload_chunk's fast argument decoding (src/chunk_arg.mjs): the same value as IDL.decode gives,
// for the encodings it takes; the others are left to IDL.decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Principal } from '@icp-sdk/core/principal';
import { IDL, methodTypes } from '../src/idl.mjs';
import { decodeUploadChunkArg } from '../src/chunk_arg.mjs';
import { fromHex, concat } from '../src/util.mjs';

const types = methodTypes('upload_chunk').argTypes;
const canister = Principal.fromText('bnz7o-iuaaa-aaaaa-qaaaa-cai');
const plain = (value) => ({ canister_id: value.canister_id.toText(), chunk: Buffer.from(value.chunk).toString('hex') });

// The same value with the record's table entry first, as another encoder may order the table.
function recordFirst(encoded) {
  const header = fromHex('4449444c026d7b6c02ed8c8bae0400b3c4b1f204680101');
  assert.deepEqual(encoded.subarray(0, header.length), header);
  return concat(fromHex('4449444c026c02ed8c8bae0401b3c4b1f204686d7b0100'), encoded.subarray(header.length));
}

test('decodes what IDL.decode decodes, whichever way the table is ordered', () => {
  for (const size of [0, 1, 127, 128, 16_384, 1024 * 1024]) {
    const value = { canister_id: canister, chunk: randomBytes(size) };
    const encoded = IDL.encode(types, [value]);
    for (const arg of [encoded, recordFirst(encoded)]) {
      const fast = decodeUploadChunkArg(arg);
      assert.ok(fast, `size ${size}: the fast path took it`);
      assert.deepEqual(plain(fast), plain(IDL.decode(types, arg)[0]));
    }
  }
});

test('leaves other encodings to IDL.decode, and refuses what IDL.decode refuses', () => {
  const encoded = IDL.encode(types, [{ canister_id: canister, chunk: Uint8Array.of(1, 2, 3) }]);
  // Another type altogether, and a message cut inside the chunk.
  assert.equal(decodeUploadChunkArg(IDL.encode([IDL.Nat], [5n])), null);
  assert.equal(decodeUploadChunkArg(encoded.subarray(0, encoded.length - 13)), null);
  // A byte after the principal, and a principal cut short.
  assert.throws(() => decodeUploadChunkArg(concat(encoded, Uint8Array.of(0))));
  assert.throws(() => IDL.decode(types, concat(encoded, Uint8Array.of(0))));
  assert.throws(() => decodeUploadChunkArg(encoded.subarray(0, encoded.length - 1)));
});
