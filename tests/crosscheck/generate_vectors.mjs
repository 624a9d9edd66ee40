#!/usr/bin/env node
// Writes test vectors computed by DFINITY's own JS implementation (@icp-sdk/core, and the
// management canister's IDL from @icp-sdk/canisters), so that crosscheck_test.cpp can check
// that juno-helper sends byte-for-byte what a DFINITY client sends.
//
//   node generate_vectors.mjs <out.json> [seed]
//
// The seed (argument, else $JUNO_CROSSCHECK_SEED, else a fixed default) drives every random
// choice, so a failing vector can be reproduced from the seed printed here; the seed "random"
// picks a fresh one.

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

import { requestIdOf } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2';

const DEFAULT_SEED = 'juno-crosscheck-1';

// The package exports no subpath for its generated IDL factories, so load the file itself:
// it is the IDL that IcManagementCanister encodes every call with.
const { idlFactory } = await import(
  new URL(
    './declarations/ic-management/ic-management.idl.js',
    import.meta.resolve('@icp-sdk/canisters'),
  )
);
const managementMethods = new Map(idlFactory({ IDL })._fields);

// ---- seeded randomness ------------------------------------------------------------------------

// xoshiro128** seeded from SHA-256 of the seed text: small, fast, and identical on every
// platform, which Math.random is not.
class Rng {
  constructor(seed) {
    const digest = sha256(new TextEncoder().encode(seed));
    const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
    this.s = [0, 4, 8, 12].map((offset) => view.getUint32(offset, true));
  }

  u32() {
    const s = this.s;
    const rotl = (x, k) => ((x << k) | (x >>> (32 - k))) >>> 0;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    for (let i = 0; i < 4; i++) s[i] >>>= 0;
    return result;
  }

  // Uniform in [0, n), without modulo bias.
  below(n) {
    if (n <= 0) throw new Error(`below(${n})`);
    const limit = Math.floor(0x100000000 / n) * n;
    for (;;) {
      const x = this.u32();
      if (x < limit) return x % n;
    }
  }

  between(lo, hi) {
    return lo + this.below(hi - lo + 1);
  }

  chance(p) {
    return this.u32() / 0x100000000 < p;
  }

  pick(items) {
    return items[this.below(items.length)];
  }

  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.below(256);
    return out;
  }

  // A value of a random bit length, so that every LEB128 length gets exercised.
  bigBits(maxBits) {
    const bits = this.between(0, maxBits);
    let v = 0n;
    for (let i = 0; i < bits; i++) v = (v << 1n) | BigInt(this.below(2));
    if (bits > 0) v |= 1n << BigInt(bits - 1);
    return v;
  }

  shuffle(items) {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const utf8 = (text) => new TextEncoder().encode(text);
const U64_MAX = (1n << 64n) - 1n;

// Lengths cluster at LEB128 boundaries (1 -> 2 -> 3 length bytes) as well as being random.
function length(rng, max) {
  const edges = [0, 1, 2, 31, 32, 33, 127, 128, 129, 255, 256, 16383, 16384, 16385];
  const fitting = edges.filter((n) => n <= max);
  if (rng.chance(0.3)) return rng.pick(fitting);
  return rng.between(0, Math.min(max, 300));
}

function principalBytes(rng) {
  switch (rng.below(6)) {
    case 0:
      return new Uint8Array(); // the management canister
    case 1:
      return Uint8Array.of(0x04); // anonymous
    case 2:
      return Uint8Array.of(...rng.bytes(8), 0x01, 0x01); // a canister id as the IC mints them
    case 3:
      return Uint8Array.of(...rng.bytes(28), 0x02); // self-authenticating
    default:
      return rng.bytes(rng.between(0, 29));
  }
}

const principal = (rng) => Principal.fromUint8Array(principalBytes(rng));

function nat64(rng) {
  if (rng.chance(0.15)) return rng.pick([0n, 1n, 127n, 128n, (1n << 63n) - 1n, 1n << 63n, U64_MAX]);
  return rng.bigBits(64);
}

// Method names the helper sends are ASCII, but the request id must hash any UTF-8 text.
function methodName(rng) {
  const ascii = 'abcdefghijklmnopqrstuvwxyz_0123456789';
  const wide = ['é', 'ß', 'Ω', 'ж', '日本', '語', '🚀', '😀', '\u{10FFFF}', '\u0000', ' '];
  switch (rng.below(5)) {
    case 0:
      return '';
    case 1:
      return rng.pick(['canister_status', 'install_code', 'take_snapshot', 'http_request']);
    case 2: {
      let name = '';
      const n = rng.between(1, 12);
      for (let i = 0; i < n; i++) name += rng.chance(0.5) ? rng.pick(wide) : rng.pick([...ascii]);
      return name;
    }
    default: {
      let name = '';
      const n = rng.between(1, 40);
      for (let i = 0; i < n; i++) name += rng.pick([...ascii]);
      return name;
    }
  }
}

// ---- a. Candid arguments of the management canister ------------------------------------------

function encodeArg(method, value) {
  const func = managementMethods.get(method);
  if (!func) throw new Error(`the management IDL has no method ${method}`);
  return hex(IDL.encode(func.argTypes, [value]));
}

const NO_UPGRADE_OPTIONS = null;

// What the helper sends to upgrade a module with enhanced orthogonal persistence.
const KEEP_WASM_MEMORY = {
  input: { mode: 'upgrade', upgrade_options: { skip_pre_upgrade: null, wasm_memory_persistence: 'keep' } },
  idl: { upgrade: [{ skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] }] },
};

// What the helper sends to skip a trapping pre_upgrade (with keep for a module that needs it).
const SKIP_PRE_UPGRADE = {
  input: { mode: 'upgrade', upgrade_options: { skip_pre_upgrade: true, wasm_memory_persistence: null } },
  idl: { upgrade: [{ skip_pre_upgrade: [true], wasm_memory_persistence: [] }] },
};
const SKIP_AND_KEEP = {
  input: { mode: 'upgrade', upgrade_options: { skip_pre_upgrade: true, wasm_memory_persistence: 'keep' } },
  idl: { upgrade: [{ skip_pre_upgrade: [true], wasm_memory_persistence: [{ keep: null }] }] },
};

// The first vectors of each kind are the helper's own upgrade options, so that they are always
// checked.
function installMode(rng, index) {
  if (index === 0) return KEEP_WASM_MEMORY;
  if (index === 1) return SKIP_PRE_UPGRADE;
  if (index === 2) return SKIP_AND_KEEP;
  const mode = rng.pick(['install', 'reinstall', 'upgrade', 'upgrade', 'upgrade']);
  if (mode !== 'upgrade') {
    return { input: { mode, upgrade_options: NO_UPGRADE_OPTIONS }, idl: { [mode]: null } };
  }
  if (rng.chance(0.4)) {
    return { input: { mode, upgrade_options: NO_UPGRADE_OPTIONS }, idl: { upgrade: [] } };
  }
  const skip = rng.pick([null, true, false]);
  const persistence = rng.pick([null, 'keep', 'replace']);
  return {
    input: {
      mode,
      upgrade_options: { skip_pre_upgrade: skip, wasm_memory_persistence: persistence },
    },
    idl: {
      upgrade: [
        {
          skip_pre_upgrade: skip === null ? [] : [skip],
          wasm_memory_persistence: persistence === null ? [] : [{ [persistence]: null }],
        },
      ],
    },
  };
}

// Every canister_settings field a DFINITY client sends, unset ones as null (as
// IcManagementCanister's toCanisterSettings does): the helper only ever sets controllers.
function settingsWithControllers(controllers) {
  return {
    controllers: [controllers],
    compute_allocation: [],
    memory_allocation: [],
    freezing_threshold: [],
    reserved_cycles_limit: [],
    log_visibility: [],
    snapshot_visibility: [],
    wasm_memory_limit: [],
    wasm_memory_threshold: [],
    environment_variables: [],
  };
}

function candidVectors(rng, perKind) {
  const vectors = [];
  const add = (kind, method, input, value) =>
    vectors.push({ kind, method, input, hex: encodeArg(method, value) });

  for (const method of [
    'canister_status',
    'stop_canister',
    'start_canister',
    'stored_chunks',
    'clear_chunk_store',
    'list_canister_snapshots',
  ]) {
    for (let i = 0; i < perKind; i++) {
      const canister = principal(rng);
      add('canister_id', method, { canister_id: canister.toText() }, { canister_id: canister });
    }
  }

  for (let i = 0; i < perKind * 2; i++) {
    const canister = principal(rng);
    const mode = installMode(rng, i);
    const wasm = rng.bytes(length(rng, 20000));
    const arg = rng.bytes(length(rng, 400));
    add(
      'install_code',
      'install_code',
      { ...mode.input, canister_id: canister.toText(), wasm_module: hex(wasm), arg: hex(arg) },
      {
        mode: mode.idl,
        canister_id: canister,
        wasm_module: wasm,
        arg,
        sender_canister_version: [],
      },
    );
  }

  for (let i = 0; i < perKind; i++) {
    const canister = principal(rng);
    const chunk = rng.bytes(length(rng, 20000));
    add(
      'upload_chunk',
      'upload_chunk',
      { canister_id: canister.toText(), chunk: hex(chunk) },
      { canister_id: canister, chunk },
    );
  }

  for (let i = 0; i < perKind * 2; i++) {
    const target = principal(rng);
    const mode = installMode(rng, i);
    const hashes = Array.from({ length: rng.pick([0, 1, 2, rng.between(3, 40)]) }, () =>
      rng.bytes(32),
    );
    const moduleHash = rng.bytes(32);
    const arg = rng.bytes(length(rng, 400));
    add(
      'install_chunked_code',
      'install_chunked_code',
      {
        ...mode.input,
        target_canister: target.toText(),
        chunk_hashes: hashes.map(hex),
        wasm_module_hash: hex(moduleHash),
        arg: hex(arg),
      },
      {
        mode: mode.idl,
        target_canister: target,
        store_canister: [],
        chunk_hashes_list: hashes.map((hash) => ({ hash })),
        wasm_module_hash: moduleHash,
        arg,
        sender_canister_version: [],
      },
    );
  }

  const snapshotId = (rng) =>
    rng.chance(0.7)
      ? Uint8Array.of(...rng.bytes(8), ...principalBytes(rng)) // u64 local id || canister id
      : rng.bytes(length(rng, 200));

  for (let i = 0; i < perKind; i++) {
    const canister = principal(rng);
    const replace = rng.chance(0.5) ? snapshotId(rng) : null;
    add(
      'take_canister_snapshot',
      'take_canister_snapshot',
      { canister_id: canister.toText(), replace_snapshot: replace === null ? null : hex(replace) },
      {
        canister_id: canister,
        replace_snapshot: replace === null ? [] : [replace],
        uninstall_code: [],
        sender_canister_version: [],
      },
    );
  }

  for (let i = 0; i < perKind; i++) {
    const canister = principal(rng);
    const id = snapshotId(rng);
    add(
      'load_canister_snapshot',
      'load_canister_snapshot',
      { canister_id: canister.toText(), snapshot_id: hex(id) },
      { canister_id: canister, snapshot_id: id, sender_canister_version: [] },
    );
  }

  for (let i = 0; i < perKind; i++) {
    const canister = principal(rng);
    const id = snapshotId(rng);
    add(
      'delete_canister_snapshot',
      'delete_canister_snapshot',
      { canister_id: canister.toText(), snapshot_id: hex(id) },
      { canister_id: canister, snapshot_id: id },
    );
  }

  const controllers = (rng) => Array.from({ length: rng.between(0, 10) }, () => principal(rng));

  for (let i = 0; i < perKind; i++) {
    const amount = rng.chance(0.25) ? null : nat64(rng);
    // The helper sends settings only when it has controllers to set.
    const owners = rng.chance(0.25) ? [] : controllers(rng);
    add(
      'provisional_create_canister_with_cycles',
      'provisional_create_canister_with_cycles',
      {
        amount: amount === null ? null : amount.toString(),
        controllers: owners.map((p) => p.toText()),
      },
      {
        amount: amount === null ? [] : [amount],
        settings: owners.length === 0 ? [] : [settingsWithControllers(owners)],
        specified_id: [],
        sender_canister_version: [],
      },
    );
  }

  for (let i = 0; i < perKind; i++) {
    const canister = principal(rng);
    const owners = controllers(rng);
    add(
      'update_settings',
      'update_settings',
      { canister_id: canister.toText(), controllers: owners.map((p) => p.toText()) },
      {
        canister_id: canister,
        settings: settingsWithControllers(owners),
        sender_canister_version: [],
      },
    );
  }

  return vectors;
}

// ---- b. request ids ---------------------------------------------------------------------------

// Each field is recorded with its CBOR type, so the C++ side can rebuild the exact map.
const typed = {
  blob: (bytes) => ({ blob: hex(bytes) }),
  text: (text) => ({ text }),
  nat: (n) => ({ nat: n.toString() }),
  array: (items) => ({ array: items }),
};

function expiry(rng) {
  if (rng.chance(0.5)) {
    // What agents send: about now, in nanoseconds, rounded to the minute.
    const minutes = BigInt(rng.between(28_000_000, 30_000_000));
    return minutes * 60n * 1_000_000_000n;
  }
  return rng.chance(0.1) ? rng.pick([0n, 1n << 63n, U64_MAX]) : rng.bigBits(64);
}

function statePath(rng) {
  switch (rng.below(5)) {
    case 0:
      return [utf8('time')];
    case 1:
      return [
        utf8('request_status'),
        rng.bytes(32),
        utf8(rng.pick(['status', 'reply', 'reject_code'])),
      ];
    case 2:
      return [utf8('canister'), principalBytes(rng), utf8('module_hash')];
    case 3:
      return [];
    default:
      return Array.from({ length: rng.between(1, 5) }, () => rng.bytes(length(rng, 40)));
  }
}

function requestIdVectors(rng, count) {
  const vectors = [];
  for (let i = 0; i < count; i++) {
    const requestType = rng.pick(['call', 'query', 'read_state']);
    const sender = rng.chance(0.2) ? Principal.anonymous() : principal(rng);
    const ingressExpiry = expiry(rng);
    // js: what the agent hashes (principals as Principal objects, as HttpAgent builds them);
    // json: the same map with explicit types for the C++ side.
    const js = { request_type: requestType, sender, ingress_expiry: ingressExpiry };
    const json = {
      request_type: typed.text(requestType),
      sender: typed.blob(sender.toUint8Array()),
      ingress_expiry: typed.nat(ingressExpiry),
    };
    if (rng.chance(0.6)) {
      const nonce = rng.bytes(rng.pick([16, 16, rng.between(0, 32)]));
      js.nonce = nonce;
      json.nonce = typed.blob(nonce);
    }
    if (requestType === 'read_state') {
      const paths = Array.from({ length: rng.pick([0, 1, 1, 2, rng.between(3, 6)]) }, () =>
        statePath(rng),
      );
      js.paths = paths;
      json.paths = typed.array(paths.map((path) => typed.array(path.map(typed.blob))));
    } else {
      const canister = principal(rng);
      const method = methodName(rng);
      const arg = rng.chance(0.3) ? rng.bytes(length(rng, 2000)) : utf8(`DIDL\x00\x01\x71\x00`);
      Object.assign(js, { canister_id: canister, method_name: method, arg });
      Object.assign(json, {
        canister_id: typed.blob(canister.toUint8Array()),
        method_name: typed.text(method),
        arg: typed.blob(arg),
      });
    }
    // The field order of the C++ map is shuffled: the hash must not depend on it.
    vectors.push({
      content: rng.shuffle(Object.entries(json)),
      request_id: hex(requestIdOf(js)),
    });
  }
  return vectors;
}

// ---- c. principals ----------------------------------------------------------------------------

function principalVectors(rng, count) {
  const roundTrips = [];
  // Every length once, then random ones.
  for (let n = 0; n <= 29; n++) roundTrips.push(rng.bytes(n));
  while (roundTrips.length < count) roundTrips.push(principalBytes(rng));
  const texts = roundTrips.map((bytes) => {
    const text = Principal.fromUint8Array(bytes).toText();
    if (hex(Principal.fromText(text).toUint8Array()) !== hex(bytes)) {
      throw new Error(`@icp-sdk/core does not round-trip ${hex(bytes)}`);
    }
    return { bytes: hex(bytes), text };
  });

  // Texts one edit away from a valid one that DFINITY's parser rejects (checksum, dashes,
  // stray padding bits): the helper must reject them too.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const invalid = [];
  for (const { text } of texts) {
    const at = rng.below(text.length);
    let mutated;
    switch (rng.below(4)) {
      case 0:
        mutated = text.slice(0, at) + rng.pick([...alphabet]) + text.slice(at + 1);
        break;
      case 1:
        mutated = text.slice(0, at) + text.slice(at + 1);
        break;
      case 2:
        mutated = text.slice(0, at) + rng.pick([...alphabet, '-']) + text.slice(at);
        break;
      default:
        // Only the padding bits of the last character differ.
        mutated = text.slice(0, -1) + alphabet[alphabet.indexOf(text.at(-1)) ^ 1];
    }
    let rejected = false;
    try {
      Principal.fromText(mutated);
    } catch {
      rejected = true;
    }
    if (rejected && mutated.length > 0) invalid.push(mutated);
  }

  // Keys from seeds drawn from the rng, so the set is reproducible.
  const selfAuthenticating = [];
  for (let i = 0; i < 20; i++) {
    for (const [algorithm, Identity] of [
      ['ed25519', Ed25519KeyIdentity],
      ['secp256k1', Secp256k1KeyIdentity],
    ]) {
      const der = Identity.generate(rng.bytes(32)).getPublicKey().toDer();
      selfAuthenticating.push({
        algorithm,
        public_key_der: hex(der),
        text: Principal.selfAuthenticating(new Uint8Array(der)).toText(),
      });
    }
  }
  return { round_trips: texts, invalid_texts: invalid, self_authenticating: selfAuthenticating };
}

// ---- checks that we drive the libraries the way the spec means ------------------------------

function selfCheck() {
  const specRequest = {
    request_type: 'call',
    sender: Uint8Array.of(0x04),
    ingress_expiry: 1685570400000000000n,
    canister_id: Uint8Array.from(Buffer.from('00000000000004D2', 'hex')),
    method_name: 'hello',
    arg: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0x00, 0xfd, 0x2a), // "DIDL\x00\xFD*" as bytes
  };
  const id = hex(requestIdOf(specRequest));
  if (id !== '1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101') {
    throw new Error(`requestIdOf disagrees with the interface spec's example: ${id}`);
  }
  const status = encodeArg('canister_status', {
    canister_id: Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai'),
  });
  if (status !== '4449444c016c01b3c4b1f204680100010a00000000000000020101') {
    throw new Error(`IDL.encode disagrees with the Candid worked example: ${status}`);
  }
}

// ---- main -------------------------------------------------------------------------------------

const [outPath, seedArgument] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node generate_vectors.mjs <out.json> [seed]');
  process.exit(2);
}
let seed = seedArgument ?? process.env.JUNO_CROSSCHECK_SEED ?? DEFAULT_SEED;
if (seed === '') seed = DEFAULT_SEED;
if (seed === 'random') seed = randomBytes(8).toString('hex');

selfCheck();
const rng = new Rng(seed);
const vectors = {
  seed,
  generator: 'tests/crosscheck/generate_vectors.mjs',
  candid: candidVectors(rng, 25),
  request_ids: requestIdVectors(rng, 300),
  principals: principalVectors(rng, 200),
};
writeFileSync(outPath, `${JSON.stringify(vectors, null, 1)}\n`);
console.log(
  `seed ${seed}: ${vectors.candid.length} Candid arguments, ` +
    `${vectors.request_ids.length} request ids, ` +
    `${vectors.principals.round_trips.length} principal round trips, ` +
    `${vectors.principals.invalid_texts.length} rejected texts, ` +
    `${vectors.principals.self_authenticating.length} self-authenticating principals -> ${outPath}`,
);
console.log(`reproduce with: JUNO_CROSSCHECK_SEED=${seed} ctest -R crosscheck`);
