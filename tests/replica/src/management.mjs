// The management canister (aaaaa-aa): the methods the plugin and icp-cli
// use, with the IC's checks, state changes and error codes. Which actions
// bump the canister version follows rs/execution_environment (see README).
import { IDL, methodTypes } from './idl.mjs';
import { decodeUploadChunkArg } from './chunk_arg.mjs';
import { reject, E } from './errors.mjs';
import { decodeModule, metadataSections } from './wasm.mjs';
import { installCode, compile } from './execution.mjs';
import { Trap, trapToReject } from './system_api.mjs';
import {
  newCanister, getCanister, requireController, canisterIdFromIndex, chunkStoreSize,
  DEFAULT_PROVISIONAL_CYCLES, canisterSnapshots, findSnapshot, admitNewSnapshot, storeSnapshot,
  captureSnapshot, restoreSnapshot, snapshotFromMetadata, snapshotSize,
} from './state.mjs';
import { sha256, toHex, fromHex, concat, principalText, principalBytes, Principal } from './util.mjs';

const MAX_CHUNK = 1024 * 1024; // upload_chunk, snapshot wasm_chunk
const MAX_CHUNK_STORE = 100 * 1024 * 1024;
const MAX_SLICE = 2_000_000; // read_canister_snapshot_data, rs/execution_environment
const MAX_CONTROLLERS = 10;

// Methods a user may call by ingress, and the Candid field naming their
// target canister (which must also be the effective canister id).
const TARGET_FIELD = {
  canister_status: 'canister_id',
  update_settings: 'canister_id',
  start_canister: 'canister_id',
  stop_canister: 'canister_id',
  install_code: 'canister_id',
  uninstall_code: 'canister_id',
  delete_canister: 'canister_id',
  upload_chunk: 'canister_id',
  stored_chunks: 'canister_id',
  clear_chunk_store: 'canister_id',
  install_chunked_code: 'target_canister',
  take_canister_snapshot: 'canister_id',
  load_canister_snapshot: 'canister_id',
  list_canister_snapshots: 'canister_id',
  delete_canister_snapshot: 'canister_id',
  read_canister_snapshot_metadata: 'canister_id',
  read_canister_snapshot_data: 'canister_id',
  upload_canister_snapshot_metadata: 'canister_id',
  upload_canister_snapshot_data: 'canister_id',
  provisional_create_canister_with_cycles: null,
  provisional_top_up_canister: 'canister_id',
};

export const QUERY_METHODS = new Set(['canister_status']);

const decodeArgs = (method, arg) => {
  const types = methodTypes(method);
  try {
    if (method === 'upload_chunk') {
      const args = decodeUploadChunkArg(arg);
      if (args) return args;
    }
    return IDL.decode(types.argTypes, arg)[0];
  } catch (err) {
    throw reject(E.InvalidManagementPayload, `Error decoding candid: ${err.message}`);
  }
};

// Ingress admission (non-replicated): method known, payload decodable,
// target canister exists and the sender controls it. Returns the decoded
// arguments and the target canister id (or null).
export function admit(subnet, { sender, method, arg }) {
  if (!(method in TARGET_FIELD)) {
    if (methodTypes(method)) {
      throw reject(E.CanisterRejectedMessage, `Only canisters can call ic00 method ${method}`);
    }
    throw reject(E.UnknownManagementMessage, `Management canister has no method '${method}'`);
  }
  const args = decodeArgs(method, arg);
  const field = TARGET_FIELD[method];
  if (field === null) return { args, target: null };
  const target = principalBytes(args[field]);
  const canister = getCanister(subnet, target);
  if (method !== 'provisional_top_up_canister') requireController(canister, sender);
  if (method === 'install_chunked_code' && args.store_canister.length) {
    requireController(getCanister(subnet, principalBytes(args.store_canister[0])), sender);
  }
  return { args, target };
}

// A reply a handler encoded itself.
class EncodedReply {
  constructor(bytes) {
    this.bytes = bytes;
  }
}

// read_canister_snapshot_data's reply, record { chunk : blob }: Candid's header (IDL.encode's own,
// of an empty chunk, without its length byte) and the chunk's length and bytes, copied once.
// IDL.encode copies a 2 MB slice three times over, a fifth of the replica's time per slice read.
let chunkReplyHeader;
export function encodeChunkReply(chunk) {
  if (!chunkReplyHeader) {
    const empty = IDL.encode(methodTypes('read_canister_snapshot_data').retTypes, [{ chunk: new Uint8Array(0) }]);
    chunkReplyHeader = empty.subarray(0, empty.length - 1);
  }
  const length = [];
  let n = chunk.length;
  do {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return concat(chunkReplyHeader, Uint8Array.from(length), chunk);
}
const chunkReply = (chunk) => new EncodedReply(encodeChunkReply(chunk));

// Executes an admitted call; returns the Candid-encoded reply or throws.
export function execute(subnet, { sender, method, args }, context) {
  const result = handlers[method](subnet, sender, args, context);
  if (result instanceof EncodedReply) return result.bytes;
  return IDL.encode(methodTypes(method).retTypes, result === undefined ? [] : [result]);
}

const canisterOf = (subnet, sender, principal) => {
  const canister = getCanister(subnet, principalBytes(principal));
  requireController(canister, sender);
  return canister;
};

function applySettings(canister, settings) {
  if (!settings) return;
  const opt = (v) => (v && v.length ? v[0] : undefined);
  const controllers = opt(settings.controllers);
  if (controllers !== undefined) {
    if (controllers.length > MAX_CONTROLLERS) {
      throw reject(E.CanisterContractViolation, `Could not validate the settings: Invalid settings: At most ${MAX_CONTROLLERS} controllers are allowed.`);
    }
    canister.controllers = controllers.map(principalBytes);
  }
  for (const key of Object.keys(canister.settings)) {
    const value = opt(settings[key]);
    if (value !== undefined) canister.settings[key] = value;
  }
}

const statusTag = (canister) => ({ [canister.status]: null });

function canisterStatus(subnet, canister) {
  const snapshotsSize = canisterSnapshots(subnet, canister).reduce((n, s) => n + snapshotSize(s), 0n);
  const wasm = BigInt(canister.module?.length ?? 0);
  const heap = BigInt(canister.heap.length);
  const stable = BigInt(canister.stable.length);
  const chunks = BigInt(chunkStoreSize(canister));
  const globals = BigInt(canister.globals.length * 8);
  return {
    status: statusTag(canister),
    ready_for_migration: false,
    version: canister.version,
    settings: {
      controllers: canister.controllers.map((c) => Principal.fromUint8Array(c)),
      compute_allocation: canister.settings.compute_allocation,
      memory_allocation: canister.settings.memory_allocation,
      freezing_threshold: canister.settings.freezing_threshold,
      reserved_cycles_limit: canister.settings.reserved_cycles_limit,
      minimum_incoming_canister_call_cycles: 0n,
      log_memory_limit: 4096n,
      log_visibility: canister.settings.log_visibility,
      snapshot_visibility: canister.settings.snapshot_visibility,
      status_visibility: { controllers: null },
      wasm_memory_limit: canister.settings.wasm_memory_limit,
      wasm_memory_threshold: canister.settings.wasm_memory_threshold,
      environment_variables: canister.settings.environment_variables,
    },
    module_hash: canister.moduleHash ? [canister.moduleHash] : [],
    memory_size: wasm + heap + stable + chunks + globals + snapshotsSize,
    memory_metrics: {
      wasm_memory_size: heap,
      stable_memory_size: stable,
      global_memory_size: globals,
      wasm_binary_size: wasm,
      custom_sections_size: 0n,
      canister_history_size: 0n,
      wasm_chunk_store_size: chunks,
      snapshots_size: snapshotsSize,
      log_memory_store_size: 0n,
    },
    cycles: canister.cycles,
    reserved_cycles: 0n,
    idle_cycles_burned_per_day: 0n,
    query_stats: {
      num_calls_total: 0n,
      num_instructions_total: 0n,
      request_payload_bytes_total: 0n,
      response_payload_bytes_total: 0n,
    },
  };
}

const EOP = 'enhanced-orthogonal-persistence';
const usesEop = (module) => (module ? metadataSections(decodeModule(new Uint8Array(0), module)).has(EOP) : false);

// `moduleHash`: the module's SHA-256 when the caller has checked it (install_chunked_code).
function installModule(canister, { mode, module, moduleHash, arg, sender }, context) {
  const id = principalText(canister.id);
  if (context.faults?.take('fail_install_code')) {
    // As if the new module's post_upgrade (or init) had called ic0.trap.
    throw trapToReject(canister, new Trap('called', 'injected install_code failure (local replica fault)'));
  }
  const wasm = decodeModule(canister.id, module);
  const [kind] = Object.keys(mode);
  if (kind === 'install' && canister.module) {
    throw reject(E.CanisterNonEmpty, `Canister ${id} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`);
  }
  let keepHeap = false;
  let skipPreUpgrade = false;
  if (kind === 'upgrade') {
    if (!canister.module) {
      throw reject(E.CanisterWasmModuleNotFound, `Error from Canister ${id}: Attempted to upgrade a canister that has no Wasm module installed.`);
    }
    const options = mode.upgrade[0];
    // skip_pre_upgrade = opt true: the installed module's pre_upgrade is not run (interface spec).
    skipPreUpgrade = options?.skip_pre_upgrade?.[0] === true;
    const persistence = options?.wasm_memory_persistence?.[0];
    keepHeap = persistence !== undefined && 'keep' in persistence;
    const newEop = metadataSections(wasm).has(EOP);
    if (keepHeap && !newEop) {
      throw reject(E.CanisterContractViolation, `Invalid upgrade option: The \`wasm_memory_persistence: opt Keep\` upgrade option requires that the new canister module supports enhanced orthogonal persistence.`);
    }
    if (!keepHeap && persistence === undefined && usesEop(canister.module)) {
      throw reject(E.CanisterContractViolation, `Missing upgrade option: Enhanced orthogonal persistence requires the \`wasm_memory_persistence\` upgrade option.`);
    }
  }
  // Runs pre_upgrade / start / init or post_upgrade; a trap rejects and changes nothing.
  installCode(canister, { kind, module, moduleHash, arg: Uint8Array.from(arg ?? []), caller: sender, keepHeap, skipPreUpgrade, subnetId: context.subnetId });
  canister.version += 1n;
}

function validateChunk(chunk) {
  if (chunk.length > MAX_CHUNK) {
    throw reject(E.CanisterContractViolation, `Error from Wasm chunk store: Wasm chunk size ${chunk.length} exceeds the maximum chunk size of ${MAX_CHUNK}.`);
  }
}

function sliceOf(bytes, offset, size) {
  if (size > BigInt(MAX_SLICE)) {
    throw reject(E.InvalidManagementPayload, `Requested slice too large: ${size} > ${MAX_SLICE}`);
  }
  if (offset + size > BigInt(bytes.length)) {
    throw reject(E.InvalidManagementPayload, `Invalid subslice into wasm module / main memory / stable memory: offset: ${offset}, size: ${size}`);
  }
  // A view: chunkReply copies it into the reply, which is all that outlives the call.
  return bytes.subarray(Number(offset), Number(offset + size));
}

// Writes in place (a copy would cost the whole memory per slice), after checking the bounds, and
// hands `undo` (context.undo, Replica.call's checkpoint) the bytes it overwrote, so that a call
// failing later still changes nothing.
function writeInto(bytes, offset, chunk, undo) {
  if (offset + BigInt(chunk.length) > BigInt(bytes.length)) {
    throw reject(E.InvalidManagementPayload, `Invalid subslice into wasm module / main memory / stable memory: offset: ${offset}, size: ${chunk.length}`);
  }
  const at = Number(offset);
  if (undo) {
    const overwritten = bytes.slice(at, at + chunk.length);
    undo(() => bytes.set(overwritten, at));
  }
  bytes.set(chunk, at);
}

const snapshotRecord = (s) => ({ id: s.id, taken_at_timestamp: s.takenAt, total_size: snapshotSize(s) });

const handlers = {
  provisional_create_canister_with_cycles(subnet, sender, args) {
    let id;
    if (args.specified_id.length) {
      id = principalBytes(args.specified_id[0]);
      if (subnet.canisters.has(toHex(id))) {
        throw reject(E.CanisterRejectedMessage, `Canister ${principalText(id)} is already installed.`);
      }
    } else {
      do id = canisterIdFromIndex(subnet.nextCanisterIndex++);
      while (subnet.canisters.has(toHex(id)));
    }
    const canister = newCanister(id, {
      controllers: [sender],
      cycles: args.amount.length ? BigInt(args.amount[0]) : DEFAULT_PROVISIONAL_CYCLES,
    });
    applySettings(canister, args.settings[0]);
    subnet.canisters.set(toHex(id), canister);
    return { canister_id: Principal.fromUint8Array(id) };
  },

  provisional_top_up_canister(subnet, sender, args) {
    getCanister(subnet, principalBytes(args.canister_id)).cycles += BigInt(args.amount);
  },

  canister_status(subnet, sender, args) {
    return canisterStatus(subnet, canisterOf(subnet, sender, args.canister_id));
  },

  update_settings(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    applySettings(canister, args.settings);
    canister.version += 1n;
  },

  // Starting a stopping canister cancels the stop, as on the IC.
  start_canister(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    canister.status = 'running';
    delete canister.stoppingUntil;
    canister.version += 1n;
  },

  // No call contexts are ever open here, so stopping completes at once, unless the fault
  // stop_delay_ms keeps the canister `stopping` that long: then the call answers IC0206, as the
  // IC's does when its stop times out, and the canister goes on stopping.
  stop_canister(subnet, sender, args, context) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const delay = context.faults?.stop_delay_ms ?? 0;
    if (canister.status === 'stopping' || (delay > 0 && canister.status === 'running')) {
      if (canister.status === 'running') {
        canister.status = 'stopping';
        canister.stoppingUntil = Date.now() + delay;
        canister.version += 1n;
      }
      throw reject(E.StopCanisterRequestTimeout, 'Stop canister request timed out', { committed: true });
    }
    canister.status = 'stopped';
    canister.version += 1n;
  },

  install_code(subnet, sender, args, context) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    installModule(canister, { mode: args.mode, module: args.wasm_module, arg: args.arg, sender }, context);
  },

  uninstall_code(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    uninstall(canister);
  },

  delete_canister(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    if (canister.status !== 'stopped') {
      throw reject(E.CanisterNotStopped, `Canister ${principalText(canister.id)} must be stopped before it is deleted.`);
    }
    for (const s of canisterSnapshots(subnet, canister)) subnet.snapshots.delete(toHex(s.id));
    subnet.canisters.delete(toHex(canister.id));
  },

  upload_chunk(subnet, sender, args, context) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    validateChunk(args.chunk);
    const hash = sha256(args.chunk);
    const capacity = context.faults?.chunk_store_capacity || MAX_CHUNK_STORE;
    if (!canister.chunks.has(toHex(hash)) && chunkStoreSize(canister) + args.chunk.length > capacity) {
      throw reject(E.CanisterContractViolation, `Error from Wasm chunk store: Wasm chunk store has already reached its maximum size.`);
    }
    canister.chunks.set(toHex(hash), Uint8Array.from(args.chunk));
    return { hash };
  },

  stored_chunks(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    return [...canister.chunks.keys()].map((h) => ({ hash: fromHex(h) }));
  },

  clear_chunk_store(subnet, sender, args) {
    canisterOf(subnet, sender, args.canister_id).chunks = new Map();
  },

  install_chunked_code(subnet, sender, args, context) {
    const target = canisterOf(subnet, sender, args.target_canister);
    const store = args.store_canister.length ? canisterOf(subnet, sender, args.store_canister[0]) : target;
    const parts = args.chunk_hashes_list.map(({ hash }) => {
      const chunk = store.chunks.get(toHex(hash));
      if (!chunk) {
        throw reject(E.CanisterContractViolation, `Error from Wasm chunk store: Chunk ${toHex(hash)} not found in the store of canister ${principalText(store.id)}.`);
      }
      return chunk;
    });
    const module = concat(...parts);
    const actual = sha256(module);
    if (toHex(actual) !== toHex(args.wasm_module_hash)) {
      throw reject(E.CanisterContractViolation, `Error from Wasm chunk store: Wasm module hash ${toHex(actual)} does not match given hash ${toHex(args.wasm_module_hash)}.`);
    }
    installModule(target, { mode: args.mode, module, moduleHash: actual, arg: args.arg, sender }, context);
  },

  take_canister_snapshot(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const replace = args.replace_snapshot[0];
    admitNewSnapshot(subnet, canister, replace);
    if (!canister.module) {
      throw reject(E.CanisterRejectedMessage, `Failed to create snapshot for empty canister ${principalText(canister.id)}:`);
    }
    const snapshot = storeSnapshot(subnet, canister, captureSnapshot(canister), replace);
    if (args.uninstall_code[0] === true) uninstall(canister);
    return snapshotRecord(snapshot);
  },

  load_canister_snapshot(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const id = Uint8Array.from(args.snapshot_id);
    let snapshot = subnet.snapshots.get(toHex(id));
    if (snapshot && toHex(snapshot.canisterId) !== toHex(canister.id)) {
      // Loading another canister's snapshot needs control of both (spec 0.50.0).
      const owner = getCanister(subnet, snapshot.canisterId);
      if (!owner.controllers.some((c) => toHex(c) === toHex(sender))) {
        throw reject(E.CanisterRejectedMessage, `Only a controller of the canister that snapshot ${snapshot.localId}-${principalText(snapshot.canisterId)} belongs to can load it on canister ${principalText(canister.id)}. Sender: ${principalText(sender)}.`);
      }
    } else {
      snapshot = findSnapshot(subnet, canister, id);
    }
    // An uploaded snapshot can hold any bytes as its module. The IC validates the module before
    // loading it and refuses an invalid one (IC0505, reject code 5); the canister stays as it was.
    if (snapshot.module) compile(canister.id, snapshot.module);
    restoreSnapshot(canister, snapshot);
    snapshot.loaded = true;
    canister.version += 1n;
  },

  list_canister_snapshots(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    return canisterSnapshots(subnet, canister).map(snapshotRecord);
  },

  delete_canister_snapshot(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const snapshot = findSnapshot(subnet, canister, Uint8Array.from(args.snapshot_id));
    subnet.snapshots.delete(toHex(snapshot.id));
  },

  read_canister_snapshot_metadata(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const s = findSnapshot(subnet, canister, Uint8Array.from(args.snapshot_id));
    return {
      source: { [s.source]: null },
      taken_at_timestamp: s.takenAt,
      wasm_module_size: BigInt(s.module?.length ?? 0),
      globals: s.globals,
      wasm_memory_size: BigInt(s.heap.length),
      stable_memory_size: BigInt(s.stable.length),
      wasm_chunk_store: [...s.chunks.keys()].map((h) => ({ hash: fromHex(h) })),
      canister_version: s.canisterVersion,
      certified_data: s.certifiedData,
      global_timer: [s.globalTimer],
      on_low_wasm_memory_hook_status: [s.lowWasmMemoryHook],
    };
  },

  read_canister_snapshot_data(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const s = findSnapshot(subnet, canister, Uint8Array.from(args.snapshot_id));
    const [kind] = Object.keys(args.kind);
    const k = args.kind[kind];
    if (kind === 'wasm_chunk') {
      const chunk = s.chunks.get(toHex(k.hash));
      if (!chunk) throw reject(E.InvalidManagementPayload, `Chunk with hash ${toHex(k.hash)} not found in the snapshot's Wasm chunk store.`);
      return chunkReply(chunk);
    }
    const source = { wasm_module: s.module ?? new Uint8Array(0), wasm_memory: s.heap, stable_memory: s.stable }[kind];
    return chunkReply(sliceOf(source, k.offset, k.size));
  },

  upload_canister_snapshot_metadata(subnet, sender, args) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const replace = args.replace_snapshot[0];
    admitNewSnapshot(subnet, canister, replace);
    const snapshot = storeSnapshot(subnet, canister, snapshotFromMetadata(args), replace);
    snapshot.canisterVersion = canister.version;
    return { snapshot_id: snapshot.id };
  },

  upload_canister_snapshot_data(subnet, sender, args, context) {
    const canister = canisterOf(subnet, sender, args.canister_id);
    const s = findSnapshot(subnet, canister, Uint8Array.from(args.snapshot_id));
    // Only uploaded snapshots are writable, and only until loaded (dfinity/ic #11029).
    if (s.source !== 'metadata_upload' || s.loaded) {
      throw reject(E.CanisterSnapshotImmutable, 'Only canister snapshots created by metadata upload can be mutated.');
    }
    const [kind] = Object.keys(args.kind);
    if (kind === 'wasm_chunk') {
      validateChunk(args.chunk);
      s.chunks.set(toHex(sha256(args.chunk)), Uint8Array.from(args.chunk));
      return;
    }
    const target = { wasm_module: s.module, wasm_memory: s.heap, stable_memory: s.stable }[kind];
    writeInto(target, BigInt(args.kind[kind].offset), args.chunk, context.undo);
    if (kind === 'wasm_module') s.moduleHash = sha256(s.module);
  },
};

function uninstall(canister) {
  canister.module = null;
  canister.moduleHash = null;
  canister.heap = new Uint8Array(0);
  canister.stable = new Uint8Array(0);
  canister.certifiedData = new Uint8Array(0);
  canister.globals = [];
  canister.chunks = new Map();
  canister.version += 1n;
}

