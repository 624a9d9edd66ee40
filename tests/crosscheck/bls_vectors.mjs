#!/usr/bin/env node
// Writes BLS12-381 test vectors made by @noble/curves, an implementation nobody here wrote, for
// bls_crosscheck_test.cpp: signatures by random keys on random messages (min-sig scheme, as the
// IC signs certificates: signature in G1, 48 bytes; public key in G2, 96 bytes; DST
// BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_), which the helper must accept, and forgeries it
// must refuse, each with the reason it must give:
//   a flipped bit in the signature, the message or the key; a signature or key that is not on
//   the curve, that is on the curve but outside the prime-order subgroup, that is the point at
//   infinity, that lacks the compression flag or whose x is not below p; a signature made with
//   another domain separation tag; a valid signature presented for another key.
// Each message also carries noble's hash to G1, compared with the helper's.
//
//   node bls_vectors.mjs <out.json> [seed]
//
// The seed (argument, else $JUNO_CROSSCHECK_SEED, else a fixed default) drives every random
// choice; "random" picks a fresh one, printed so that a failure can be reproduced.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { sha256 } from '@noble/hashes/sha2';

const DEFAULT_SEED = 'juno-bls-1';
const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
const OTHER_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_'; // the proof-of-possession scheme
const KEYS = 6;
const MESSAGES_PER_KEY = 3;

const { Fp, Fp2, Fr } = bls.fields;
const P = Fp.ORDER;
const short = bls.shortSignatures;

// ---- seeded bytes -----------------------------------------------------------------------------

// SHA-256 in counter mode over the seed: reproducible on every platform.
class Stream {
  constructor(seed) {
    this.seed = new TextEncoder().encode(seed);
    this.counter = 0;
  }

  bytes(n) {
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n; filled += 32) {
      const block = new Uint8Array(this.seed.length + 4);
      block.set(this.seed);
      new DataView(block.buffer).setUint32(this.seed.length, this.counter++);
      out.set(sha256(block).subarray(0, Math.min(32, n - filled)), filled);
    }
    return out;
  }

  below(n) {
    return Number(this.bigint(6) % BigInt(n));
  }

  bigint(nBytes) {
    return BigInt(`0x${hex(this.bytes(nBytes))}`);
  }
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};
const toBytes48 = (value) => {
  const out = new Uint8Array(48);
  for (let i = 47, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
};
const flipBit = (bytes, bit) => {
  const out = Uint8Array.from(bytes);
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
};

// ---- ZCash encodings of arbitrary curve points ------------------------------------------------
// noble refuses to serialise points outside the subgroup, so the forgeries are encoded here.

const COMPRESSED = 0x80;
const INFINITY = 0x40;
const SIGN = 0x20;
const larger = (y) => y > (P - 1n) / 2n;

function encodeG1(x, y) {
  const out = toBytes48(x);
  out[0] |= COMPRESSED | (larger(y) ? SIGN : 0);
  return out;
}

function encodeG2(x, y) {
  const out = concat(toBytes48(x.c1), toBytes48(x.c0));
  const sign = y.c1 !== 0n ? larger(y.c1) : larger(y.c0);
  out[0] |= COMPRESSED | (sign ? SIGN : 0);
  return out;
}

const B1 = 4n;
const B2 = Fp2.fromBigTuple([4n, 4n]);

// A point of E (y^2 = x^3 + 4) outside G1, or with onCurve = false an x with no y at all.
function g1Forgery(stream, onCurve) {
  for (;;) {
    const x = stream.bigint(48) % P;
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), B1);
    const square = Fp.pow(rhs, (P - 1n) / 2n) === 1n;
    if (!onCurve) {
      if (!square) return encodeG1(x, 0n);
      continue;
    }
    if (!square) continue;
    const y = Fp.sqrt(rhs);
    if (!bls.G1.Point.fromAffine({ x, y }).isTorsionFree()) return encodeG1(x, y);
  }
}

function g2Forgery(stream, onCurve) {
  for (;;) {
    const x = Fp2.fromBigTuple([stream.bigint(48) % P, stream.bigint(48) % P]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      y = undefined;
    }
    if (y !== undefined && !Fp2.eql(Fp2.sqr(y), rhs)) y = undefined;
    if (!onCurve) {
      if (y === undefined) return encodeG2(x, Fp2.ZERO);
      continue;
    }
    if (y === undefined) continue;
    const point = bls.G2.Point.fromAffine({ x, y });
    if (!point.isTorsionFree()) return encodeG2(x, y);
  }
}

const infinity = (size) => {
  const out = new Uint8Array(size);
  out[0] = COMPRESSED | INFINITY;
  return out;
};

// x >= p with the compression flag: x = p itself.
const notBelowP = (size) => {
  const out = new Uint8Array(size);
  out.set(toBytes48(P));
  out[0] |= COMPRESSED;
  return out;
};

// ---- vectors ----------------------------------------------------------------------------------

function secretKey(stream) {
  for (;;) {
    const k = stream.bigint(48) % Fr.ORDER;
    if (k !== 0n) return Fr.toBytes(k);
  }
}

function message(stream, i) {
  switch (i % 3) {
    case 0: // what the IC signs: "\x0Dic-state-root" || a root hash
      return concat(Uint8Array.of(13), new TextEncoder().encode('ic-state-root'), stream.bytes(32));
    case 1:
      return new Uint8Array(0);
    default:
      return stream.bytes(1 + stream.below(300));
  }
}

const [outPath, seedArgument] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node bls_vectors.mjs <out.json> [seed]');
  process.exit(2);
}
let seed = seedArgument ?? process.env.JUNO_CROSSCHECK_SEED ?? DEFAULT_SEED;
if (seed === '') seed = DEFAULT_SEED;
if (seed === 'random') seed = randomBytes(8).toString('hex');
const stream = new Stream(`bls/${seed}`);

const valid = [];
const invalid = [];
const hashes = [];
const refuse = (base, change, reason) => invalid.push({ ...base, ...change, reason });

const keys = [];
for (let k = 0; k < KEYS; k++) {
  const sk = secretKey(stream);
  keys.push({ sk, pk: short.getPublicKey(sk).toBytes(true) });
}

for (const [k, { sk, pk }] of keys.entries()) {
  for (let m = 0; m < MESSAGES_PER_KEY; m++) {
    const msg = message(stream, k * MESSAGES_PER_KEY + m);
    const hashed = short.hash(msg, DST);
    const sig = short.sign(hashed, sk).toBytes(true);
    if (!short.verify(sig, hashed, pk)) throw new Error('noble refused its own signature');
    const base = { public_key: hex(pk), signature: hex(sig), message: hex(msg) };
    valid.push(base);
    hashes.push({ message: hex(msg), dst: DST, point: hex(hashed.toBytes(true)) });

    // One of each forgery per signature, the flipped bits chosen at random. Flipping one of
    // the three flag bits of a point is a different failure (caught by the flags), so the
    // signature and key flips stay within the coordinate bits but may hit anything there.
    refuse(base, { signature: hex(flipBit(sig, 3 + stream.below(48 * 8 - 3))) }, 'any');
    refuse(base, { public_key: hex(flipBit(pk, 3 + stream.below(96 * 8 - 3))) }, 'any');
    if (msg.length > 0) {
      refuse(base, { message: hex(flipBit(msg, stream.below(msg.length * 8))) }, 'mismatch');
    }
    refuse(base, { message: hex(concat(msg, Uint8Array.of(0))) }, 'mismatch');
    const otherDst = short.sign(short.hash(msg, OTHER_DST), sk).toBytes(true);
    refuse(base, { signature: hex(otherDst) }, 'mismatch');
    const otherKey = keys[(k + 1) % KEYS].pk;
    refuse(base, { public_key: hex(otherKey) }, 'mismatch');
  }
}

// Malformed points, each against a valid signature, message and key.
const base = valid[0];
for (let i = 0; i < 3; i++) {
  refuse(base, { signature: hex(g1Forgery(stream, false)) }, 'signature off curve');
  refuse(base, { signature: hex(g1Forgery(stream, true)) }, 'signature outside group');
  refuse(base, { public_key: hex(g2Forgery(stream, false)) }, 'key off curve');
  refuse(base, { public_key: hex(g2Forgery(stream, true)) }, 'key outside group');
}
refuse(base, { signature: hex(infinity(48)) }, 'signature infinity');
refuse(base, { public_key: hex(infinity(96)) }, 'key infinity');
refuse(base, { signature: hex(flipBit(Buffer.from(base.signature, 'hex'), 7)) }, 'signature uncompressed');
refuse(base, { public_key: hex(flipBit(Buffer.from(base.public_key, 'hex'), 7)) }, 'key uncompressed');
refuse(base, { signature: hex(notBelowP(48)) }, 'signature x too large');
refuse(base, { public_key: hex(notBelowP(96)) }, 'key x too large');
refuse(base, { signature: base.signature.slice(0, 94) }, 'signature length');

// noble must agree that every forgery is one (else the vector, not the helper, is wrong).
for (const v of invalid) {
  let ok = false;
  try {
    ok = short.verify(v.signature, short.hash(Buffer.from(v.message, 'hex'), DST), v.public_key);
  } catch {
    ok = false;
  }
  if (ok) throw new Error(`noble accepts the forgery ${JSON.stringify(v)}`);
}

writeFileSync(outPath, `${JSON.stringify({ seed, dst: DST, valid, invalid, hashes }, null, 1)}\n`);
console.log(
  `seed ${seed}: ${valid.length} valid signatures, ${invalid.length} forgeries, ` +
    `${hashes.length} hashes to G1 -> ${outPath}`,
);
console.log(`reproduce with: JUNO_CROSSCHECK_SEED=${seed} ctest -R crosscheck.bls`);
