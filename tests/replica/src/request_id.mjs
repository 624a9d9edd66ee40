// The request id: the representation-independent hash of a request's content (interface spec,
// "Request ids"), through node:crypto. @icp-sdk/core's requestIdOf hashes in JavaScript, which
// for a 2 MB argument (a snapshot slice upload) costs the replica tens of milliseconds a call;
// OpenSSL takes about one.
import { createHash } from 'node:crypto';
import { leb128 } from './util.mjs';

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

// The spec's request id hashes a natural number as its unsigned LEB128.
function uleb128(value) {
  if (BigInt(value) < 0n) throw new Error('request id: a negative number has no hash');
  return leb128(value);
}

function hashValue(value) {
  if (value instanceof Uint8Array) return sha256(value);
  if (value instanceof ArrayBuffer) return sha256(new Uint8Array(value));
  if (typeof value === 'string') return sha256(Buffer.from(value, 'utf8'));
  if (typeof value === 'number' || typeof value === 'bigint') return sha256(uleb128(value));
  if (Array.isArray(value)) return sha256(...value.map(hashValue));
  if (value && typeof value === 'object' && typeof value.toUint8Array === 'function') return sha256(value.toUint8Array());
  if (value && typeof value === 'object') return hashMap(value);
  throw new Error(`request id: cannot hash a value of type ${typeof value}`);
}

function hashMap(map) {
  const pairs = Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => Buffer.concat([sha256(Buffer.from(k, 'utf8')), hashValue(v)]))
    .sort(Buffer.compare);
  return sha256(...pairs);
}

// The request id of `content` (a decoded CBOR map) as 32 bytes.
export const requestIdOf = (content) => new Uint8Array(hashMap(content));
