// Small byte, number and principal helpers shared by the replica's modules.
import { createHash } from 'node:crypto';
import { Principal } from '@icp-sdk/core/principal';

export { Principal };

// SHA-256 of `bytes` as a Uint8Array (OpenSSL's, through node:crypto: the replica hashes every
// module, chunk and state-tree node it certifies, and a JS implementation is several times slower).
export const sha256 = (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest());

// A Buffer over the same memory (Buffer.from of a Uint8Array copies it): the comparisons below run
// for every label of every state tree, and some bytes they see are megabytes long.
export const bufferView = (bytes) => (ArrayBuffer.isView(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes));
export const toHex = (bytes) => bufferView(bytes).toString('hex');
export const fromHex = (hex) => new Uint8Array(Buffer.from(hex, 'hex'));
export const utf8 = (text) => new TextEncoder().encode(text);

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function bytesEqual(a, b) {
  return a.length === b.length && Buffer.compare(bufferView(a), bufferView(b)) === 0;
}

export function compareBytes(a, b) {
  return Buffer.compare(bufferView(a), bufferView(b));
}

export const hasPrefix = (bytes, prefix) => prefix.every((b, i) => bytes[i] === b);

// The unsigned LEB128 at `at`: [value, the offset after it]. Throws when the bytes end first.
export function readLeb128(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('truncated LEB128');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, at];
  }
}

export function leb128(value) {
  let n = BigInt(value);
  const out = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) byte |= 0x80;
    out.push(byte);
  } while (n !== 0n);
  return new Uint8Array(out);
}

export function u64be(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

export { nowNanos } from './clock.mjs';

export const principalText = (bytes) => Principal.fromUint8Array(Uint8Array.from(bytes)).toText();
export const principalBytes = (principal) => Uint8Array.from(principal.toUint8Array());

export const ANONYMOUS = Uint8Array.of(0x04);
export const MANAGEMENT = new Uint8Array(0);

// A u8 array of `length` bytes, zero-filled past `bytes` (grows or truncates).
export function resized(bytes, length) {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, Math.min(bytes.length, length)));
  return out;
}

export const WASM_PAGE = 65536;
export const roundUpToPage = (n) => Math.ceil(n / WASM_PAGE) * WASM_PAGE;
