// Envelope checks, in the order and with the outcomes of the IC's HTTP
// handler: CBOR shape, expiry window, sender authentication, signature.
// Every failure is an HTTP 400 with a plain-text reason, as on the IC.
import { Cbor } from '@icp-sdk/core/agent';
import { requestIdOf } from './request_id.mjs';
import { createPublicKey, verify } from 'node:crypto';
import { HttpError } from './errors.mjs';
import {
  concat, utf8, fromHex, toHex, bytesEqual, nowNanos, Principal, ANONYMOUS,
} from './util.mjs';

// rs/limits: MAX_INGRESS_TTL (5 min) plus PERMITTED_DRIFT_AT_VALIDATOR (30 s).
const MAX_INGRESS_TTL_NS = 5n * 60n * 1_000_000_000n;
const PERMITTED_DRIFT_NS = 30n * 1_000_000_000n;
const REQUEST_DOMAIN = concat(Uint8Array.of(10), utf8('ic-request'));
const MAX_NONCE = 32;
const MAX_PATHS = 1000;
const MAX_PATH_LABELS = 127;

const ED25519_PREFIX = fromHex('302a300506032b6570032100');
const SECP256K1_PREFIX = fromHex('3056301006072a8648ce3d020106052b8104000a034200');
const P256_PREFIX = fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200');

const bad = (message) => new HttpError(400, message);
const isBytes = (v) => v instanceof Uint8Array;
const isNat = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n);
const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !isBytes(v);

const CONTENT_FIELDS = {
  call: { request_type: 'text', sender: 'bytes', ingress_expiry: 'nat', canister_id: 'bytes', method_name: 'text', arg: 'bytes', nonce: '?bytes', sender_info: '?map' },
  query: { request_type: 'text', sender: 'bytes', ingress_expiry: 'nat', canister_id: 'bytes', method_name: 'text', arg: 'bytes', nonce: '?bytes', sender_info: '?map' },
  read_state: { request_type: 'text', sender: 'bytes', ingress_expiry: 'nat', paths: 'paths', nonce: '?bytes' },
};

function checkField(name, type, value) {
  const optional = type.startsWith('?');
  const base = optional ? type.slice(1) : type;
  if (value === undefined) {
    if (!optional) throw bad(`Could not parse body as request: missing field \`${name}\``);
    return;
  }
  const ok = {
    text: typeof value === 'string',
    bytes: isBytes(value),
    nat: isNat(value),
    map: isMap(value),
    paths: Array.isArray(value) && value.every((p) => Array.isArray(p) && p.every(isBytes)),
  }[base];
  if (!ok) throw bad(`Could not parse body as request: invalid type for field \`${name}\`, expected ${base}`);
}

// Decodes and shape-checks a request body for `kind` ('call'|'query'|'read_state').
export function parseEnvelope(body, kind) {
  let envelope;
  try {
    envelope = Cbor.decode(body);
  } catch (err) {
    throw bad(`Could not parse body as ${kind} request: ${err.message}`);
  }
  if (!isMap(envelope) || !isMap(envelope.content)) {
    throw bad(`Could not parse body as ${kind} request: expected a map with a \`content\` map`);
  }
  for (const key of Object.keys(envelope)) {
    if (!['content', 'sender_pubkey', 'sender_sig', 'sender_delegation'].includes(key)) {
      throw bad(`Could not parse body as ${kind} request: unknown field \`${key}\``);
    }
  }
  const { content } = envelope;
  if (content.request_type !== kind) {
    throw bad(`Could not parse body as ${kind} request: request_type is ${JSON.stringify(content.request_type)}`);
  }
  const fields = CONTENT_FIELDS[kind];
  for (const [name, type] of Object.entries(fields)) checkField(name, type, content[name]);
  for (const key of Object.keys(content)) {
    if (!(key in fields)) throw bad(`Could not parse body as ${kind} request: unknown field \`${key}\``);
  }
  if (content.nonce && content.nonce.length > MAX_NONCE) {
    throw bad(`Nonce in request is too big: got ${content.nonce.length} bytes, max allowed ${MAX_NONCE}`);
  }
  if (kind === 'read_state') {
    if (content.paths.length > MAX_PATHS) throw bad(`Number of paths requested ${content.paths.length} exceeds the maximum ${MAX_PATHS}`);
    for (const p of content.paths) {
      if (p.length > MAX_PATH_LABELS) throw bad(`Path with ${p.length} labels exceeds the maximum ${MAX_PATH_LABELS}`);
    }
  }
  for (const key of ['sender_pubkey', 'sender_sig']) {
    if (envelope[key] !== undefined && !isBytes(envelope[key])) throw bad(`Could not parse body: \`${key}\` must be bytes`);
  }
  return { envelope, content, requestId: requestIdOf(content) };
}

export function checkExpiry(content, { anonymousExempt }) {
  // Anonymous queries and read_state may carry any expiry (spec 0.29.0).
  if (anonymousExempt && bytesEqual(content.sender, ANONYMOUS)) return;
  const now = nowNanos();
  const expiry = BigInt(content.ingress_expiry);
  const min = now;
  const max = now + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS;
  if (expiry < min || expiry > max) {
    throw bad(
      `Invalid request expiry: Specified ingress_expiry not within expected range: ` +
        `Minimum allowed expiry: ${nsToIso(min)}, Maximum allowed expiry: ${nsToIso(max)}, ` +
        `Provided expiry:        ${nsToIso(expiry)}`,
    );
  }
}

const nsToIso = (ns) => {
  try {
    return new Date(Number(ns / 1_000_000n)).toISOString();
  } catch {
    return `${ns} ns`;
  }
};

export function authenticate({ envelope, content, requestId }) {
  const sender = content.sender;
  const { sender_pubkey: pubkey, sender_sig: sig, sender_delegation: delegation } = envelope;
  const id = toHex(requestId);
  if (bytesEqual(sender, ANONYMOUS)) {
    if (pubkey !== undefined || sig !== undefined || delegation !== undefined) {
      throw bad(`Failed to authenticate request 0x${id} due to: the anonymous sender must not carry a public key, signature or delegation`);
    }
    return;
  }
  if (pubkey === undefined || sig === undefined) {
    throw bad(`Failed to authenticate request 0x${id} due to: missing signature or public key for sender ${principalOf(sender)}`);
  }
  if (delegation !== undefined) {
    throw bad(`Failed to authenticate request 0x${id} due to: delegations are not supported by this local replica`);
  }
  const derived = Principal.selfAuthenticating(pubkey).toUint8Array();
  if (!bytesEqual(derived, sender)) {
    throw bad(
      `Failed to authenticate request 0x${id} due to: The user's public key is not consistent with the sender: ` +
        `sender ${principalOf(sender)} but the public key belongs to ${principalOf(derived)}`,
    );
  }
  const message = concat(REQUEST_DOMAIN, requestId);
  if (!verifySignature(pubkey, sig, message)) {
    throw bad(`Failed to authenticate request 0x${id} due to: Invalid signature: Invalid basic signature: ${keyKind(pubkey)} signature could not be verified: public key ${toHex(pubkey)}, signature ${toHex(sig)}`);
  }
}

const principalOf = (bytes) => {
  try {
    return Principal.fromUint8Array(bytes).toText();
  } catch {
    return `0x${toHex(bytes)}`;
  }
};

const startsWith = (bytes, prefix) => bytes.length > prefix.length && bytesEqual(bytes.subarray(0, prefix.length), prefix);

function keyKind(der) {
  if (startsWith(der, ED25519_PREFIX)) return 'Ed25519';
  if (startsWith(der, SECP256K1_PREFIX)) return 'ECDSA secp256k1';
  if (startsWith(der, P256_PREFIX)) return 'ECDSA P-256';
  return 'unsupported';
}

// Through OpenSSL (node:crypto), which reads the sender's DER key as it comes (an X.509
// SubjectPublicKeyInfo) and is several times faster than a JS implementation on every call.
function verifySignature(der, sig, message) {
  try {
    if (startsWith(der, ED25519_PREFIX) && der.length === 44) {
      return verify(null, message, publicKey(der), sig);
    }
    // ECDSA keys: r||s over SHA-256(message); the IC accepts high-S, and so does OpenSSL.
    for (const prefix of [SECP256K1_PREFIX, P256_PREFIX]) {
      if (startsWith(der, prefix) && der.length === prefix.length + 65) {
        if (sig.length !== 64) return false;
        return verify('sha256', message, { key: publicKey(der), dsaEncoding: 'ieee-p1363' }, sig);
      }
    }
  } catch {
    return false;
  }
  throw bad(`Failed to authenticate request: unsupported public key ${toHex(der)}`);
}

// A sender signs every call with the same key: its parsed form is kept (a few hundred at most).
const publicKeys = new Map();
function publicKey(der) {
  const id = toHex(der);
  let key = publicKeys.get(id);
  if (!key) {
    if (publicKeys.size >= 512) publicKeys.clear();
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
    publicKeys.set(id, key);
  }
  return key;
}
