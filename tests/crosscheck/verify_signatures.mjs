#!/usr/bin/env node
// Verifies signatures that juno-helper's ic::Identity made (written by crosscheck_test's
// SignForNode test) with independent code: @noble/curves for the signatures, @icp-sdk/core for
// the DER keys and the sender principals. Exits non-zero naming every signature that fails.
//
//   node verify_signatures.mjs <signatures.json>
//
// Input: [{ algorithm: "ed25519" | "secp256k1", public_key_der, message, signature: hex,
//           sender: principal text, source: where the key came from }]

import { readFileSync } from 'node:fs';

import { Ed25519PublicKey } from '@icp-sdk/core/identity';
import { Secp256k1PublicKey } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';
import { ed25519 } from '@noble/curves/ed25519';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 } from '@noble/hashes/sha2';

// The exact SubjectPublicKeyInfo prefixes the IC expects (interface spec, "Signatures").
const DER_PREFIX = {
  ed25519: '302a300506032b6570032100',
  secp256k1: '3056301006072a8648ce3d020106052b8104000a034200',
};
const SECP256K1_HALF_ORDER = secp256k1.CURVE.n >> 1n;

const fromHex = (text) => {
  if (typeof text !== 'string' || !/^([0-9a-f]{2})*$/.test(text)) {
    throw new Error(`not lowercase hex: ${JSON.stringify(text)}`);
  }
  return Uint8Array.from(Buffer.from(text, 'hex'));
};

// Returns a list of problems; empty when the signature checks out.
function check(entry) {
  const problems = [];
  const { algorithm } = entry;
  const der = fromHex(entry.public_key_der);
  const message = fromHex(entry.message);
  const signature = fromHex(entry.signature);

  if (!(algorithm in DER_PREFIX)) return [`unknown algorithm ${JSON.stringify(algorithm)}`];
  if (!entry.public_key_der.startsWith(DER_PREFIX[algorithm])) {
    problems.push(`public key DER does not start with ${DER_PREFIX[algorithm]}`);
  }
  if (signature.length !== 64) problems.push(`signature is ${signature.length} bytes, not 64`);

  // DFINITY's own DER parsers: what @icp-sdk/core accepts as a sender_pubkey.
  let raw;
  try {
    raw = (algorithm === 'ed25519' ? Ed25519PublicKey : Secp256k1PublicKey).fromDer(der).toRaw();
  } catch (error) {
    problems.push(`@icp-sdk/core rejects the DER public key: ${error.message}`);
    return problems;
  }

  const expectedSender = Principal.selfAuthenticating(der).toText();
  if (entry.sender !== expectedSender) {
    problems.push(`sender is ${entry.sender}, but the key's principal is ${expectedSender}`);
  }
  if (signature.length !== 64) return problems;

  const verify = (msg) =>
    algorithm === 'ed25519'
      ? // zip215: false is RFC 8032's strict check; OpenSSL's signatures always pass it.
        ed25519.verify(signature, msg, raw, { zip215: false })
      : secp256k1.verify(signature, sha256(msg), raw, {
          prehash: false,
          lowS: true,
          format: 'compact',
        });

  if (algorithm === 'secp256k1') {
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
    if (s > SECP256K1_HALF_ORDER) problems.push('s is in the upper half of the order (high-S)');
  }
  if (!verify(message)) {
    problems.push('the signature does not verify');
  } else {
    // A verifier that accepts everything would make this whole check vacuous.
    const tampered = Uint8Array.from(message.length > 0 ? message : [0]);
    tampered[0] ^= 1;
    if (message.length > 0 && verify(tampered)) {
      problems.push('the signature also verifies a different message: the check is broken');
    }
  }
  return problems;
}

const [path] = process.argv.slice(2);
if (!path) {
  console.error('usage: node verify_signatures.mjs <signatures.json>');
  process.exit(2);
}

let entries;
try {
  entries = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.error(`cannot read signatures from ${path}: ${error.message}`);
  process.exit(1);
}
if (!Array.isArray(entries)) {
  console.error(`${path}: expected a JSON array of signatures`);
  process.exit(1);
}

const failures = [];
const counts = { ed25519: 0, secp256k1: 0 };
entries.forEach((entry, index) => {
  let problems;
  try {
    problems = check(entry);
  } catch (error) {
    problems = [error.message];
  }
  if (entry?.algorithm in counts) counts[entry.algorithm]++;
  if (problems.length > 0) {
    const where = `#${index} (${entry?.algorithm}, ${entry?.source ?? 'unknown key'}, ` +
      `${(entry?.message?.length ?? 0) / 2}-byte message)`;
    failures.push(`${where}:\n    ${problems.join('\n    ')}`);
  }
});

// An empty or one-sided file would pass vacuously: both algorithms must have been exercised.
for (const [algorithm, count] of Object.entries(counts)) {
  if (count === 0) failures.push(`no ${algorithm} signature in ${path}`);
}

if (failures.length > 0) {
  console.error(
    `juno-helper's signatures FAILED the cross-check (${entries.length} read from ${path}):`,
  );
  for (const failure of failures) console.error(`  ${failure}`);
  process.exit(1);
}
console.log(
  `${entries.length} signatures from juno-helper verified by @noble/curves ` +
    `(${counts.ed25519} Ed25519, ${counts.secp256k1} secp256k1, low-S); ` +
    'senders match @icp-sdk/core',
);
