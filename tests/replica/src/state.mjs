// The replicated state of the one local subnet: canisters, their snapshots,
// and the ingress history. Plain data (Uint8Array, bigint, Map), so that
// node:v8 can persist it as is.
import { sha256, toHex, u64be, concat, nowNanos, principalText, resized } from './util.mjs';
import { reject, E } from './errors.mjs';

export const MAX_SNAPSHOTS_PER_CANISTER = 10; // rs/config execution_environment.rs
export const DEFAULT_PROVISIONAL_CYCLES = 100_000_000_000_000n;
// Local canister ids count up from the range dfx and PocketIC use (first: bnz7o-iuaaa-aaaaa-qaaaa-cai).
const FIRST_CANISTER_INDEX = 0x8000000000100000n;

export function newSubnet() {
  return {
    canisters: new Map(), // principal hex -> canister
    snapshots: new Map(), // snapshot id hex -> snapshot
    requests: new Map(), // request id hex -> ingress status record
    nextCanisterIndex: FIRST_CANISTER_INDEX,
  };
}

// Opaque canister ids: u64 big-endian index || 0x01 0x01 (IC CanisterId::from_u64).
export const canisterIdFromIndex = (index) => concat(u64be(index), Uint8Array.of(1, 1));

export function newCanister(id, { controllers, cycles }) {
  return {
    id,
    controllers, // array of principal bytes
    status: 'running',
    version: 0n,
    cycles,
    module: null, // installed module bytes, exactly as given (maybe gzipped)
    moduleHash: null,
    heap: new Uint8Array(0), // Wasm (main) memory
    stable: new Uint8Array(0),
    certifiedData: new Uint8Array(0),
    globals: [], // candid-shaped: {i32: n} | {i64: n} | ...
    globalTimer: { inactive: null },
    lowWasmMemoryHook: { condition_not_satisfied: null },
    chunks: new Map(), // sha256 hex -> chunk bytes
    settings: {
      compute_allocation: 0n,
      memory_allocation: 0n,
      freezing_threshold: 2_592_000n,
      reserved_cycles_limit: 5_000_000_000_000n,
      wasm_memory_limit: 3_221_225_472n,
      wasm_memory_threshold: 0n,
      log_visibility: { controllers: null },
      snapshot_visibility: { controllers: null },
      environment_variables: [],
    },
    nextSnapshotLocalId: 0n,
  };
}

export function getCanister(subnet, id) {
  const canister = subnet.canisters.get(toHex(id));
  if (!canister) throw reject(E.CanisterNotFound, `Canister ${principalText(id)} not found.`);
  settleStopping(canister);
  return canister;
}

// A canister kept `stopping` (fault stop_delay_ms) is stopped once its time is up.
export function settleStopping(canister) {
  if (canister.status === 'stopping' && canister.stoppingUntil !== undefined && Date.now() >= canister.stoppingUntil) {
    canister.status = 'stopped';
    delete canister.stoppingUntil;
  }
}

export const isController = (canister, principal) => canister.controllers.some((c) => toHex(c) === toHex(principal));

export function requireController(canister, sender) {
  if (!isController(canister, sender)) {
    throw reject(
      E.CanisterInvalidController,
      `Only the controllers of the canister ${principalText(canister.id)} can control it.\n` +
        `Canister's controllers: ${canister.controllers.map(principalText).join(' ')}\n` +
        `Sender's ID: ${principalText(sender)}`,
    );
  }
}

export const chunkStoreSize = (canister) => [...canister.chunks.values()].reduce((n, c) => n + c.length, 0);

// ---- snapshots -------------------------------------------------------------

// Snapshot ids: u64 big-endian canister-local counter || canister id bytes
// (IC SnapshotId::from((CanisterId, u64))).
export const snapshotId = (canister, localId) => concat(u64be(localId), canister.id);
export const snapshotText = (snapshot) => `${snapshot.localId}-${principalText(snapshot.canisterId)}`;

export const snapshotSize = (s) =>
  BigInt(
    (s.module?.length ?? 0) + s.heap.length + s.stable.length + s.certifiedData.length +
      [...s.chunks.values()].reduce((n, c) => n + c.length, 0) + s.globals.length * 8,
  );

export const canisterSnapshots = (subnet, canister) =>
  [...subnet.snapshots.values()].filter((s) => toHex(s.canisterId) === toHex(canister.id));

export function findSnapshot(subnet, canister, id) {
  const snapshot = subnet.snapshots.get(toHex(id));
  if (!snapshot) {
    // The IC names the snapshot by its local id and canister when it can parse it.
    const label = id.length > 8 ? `${BigInt('0x' + (toHex(id.subarray(0, 8)) || '0'))}-${safeText(id.subarray(8))}` : toHex(id);
    throw reject(E.CanisterSnapshotNotFound, `Could not find the snapshot ID ${label} for canister ${principalText(canister.id)}.`);
  }
  if (toHex(snapshot.canisterId) !== toHex(canister.id)) {
    throw reject(E.CanisterRejectedMessage, `The snapshot ${snapshotText(snapshot)} does not belong to canister ${principalText(canister.id)}.`);
  }
  return snapshot;
}

const safeText = (bytes) => {
  try {
    return principalText(bytes);
  } catch {
    return toHex(bytes);
  }
};

// Reserves the id of a new snapshot, after the replace/limit checks the IC
// makes before taking or creating one.
export function admitNewSnapshot(subnet, canister, replaceSnapshot) {
  if (replaceSnapshot) {
    findSnapshot(subnet, canister, replaceSnapshot);
  } else if (canisterSnapshots(subnet, canister).length >= MAX_SNAPSHOTS_PER_CANISTER) {
    throw reject(
      E.CanisterRejectedMessage,
      `Canister ${principalText(canister.id)} has reached the maximum number of snapshots allowed: ${MAX_SNAPSHOTS_PER_CANISTER}.`,
    );
  }
}

export function storeSnapshot(subnet, canister, snapshot, replaceSnapshot) {
  if (replaceSnapshot) subnet.snapshots.delete(toHex(replaceSnapshot));
  const localId = canister.nextSnapshotLocalId++;
  const id = snapshotId(canister, localId);
  Object.assign(snapshot, { id, localId, canisterId: canister.id });
  subnet.snapshots.set(toHex(id), snapshot);
  return snapshot;
}

export function captureSnapshot(canister) {
  return {
    source: 'taken_from_canister',
    takenAt: nowNanos(),
    canisterVersion: canister.version,
    module: canister.module,
    moduleHash: canister.moduleHash,
    heap: canister.heap.slice(),
    stable: canister.stable.slice(),
    certifiedData: canister.certifiedData.slice(),
    globals: structuredClone(canister.globals),
    globalTimer: structuredClone(canister.globalTimer),
    lowWasmMemoryHook: structuredClone(canister.lowWasmMemoryHook),
    chunks: new Map([...canister.chunks].map(([k, v]) => [k, v.slice()])),
    loaded: false,
  };
}

export function restoreSnapshot(canister, snapshot) {
  canister.module = snapshot.module;
  canister.moduleHash = snapshot.module ? sha256(snapshot.module) : null;
  canister.heap = snapshot.heap.slice();
  canister.stable = snapshot.stable.slice();
  canister.certifiedData = snapshot.certifiedData.slice();
  canister.globals = structuredClone(snapshot.globals);
  canister.globalTimer = structuredClone(snapshot.globalTimer);
  canister.lowWasmMemoryHook = structuredClone(snapshot.lowWasmMemoryHook);
  canister.chunks = new Map([...snapshot.chunks].map(([k, v]) => [k, v.slice()]));
}

// An empty snapshot shaped by uploaded metadata, filled by data uploads.
export function snapshotFromMetadata(meta) {
  return {
    source: 'metadata_upload',
    takenAt: nowNanos(),
    canisterVersion: 0n,
    module: new Uint8Array(Number(meta.wasm_module_size)),
    moduleHash: null,
    heap: resized(new Uint8Array(0), Number(meta.wasm_memory_size)),
    stable: resized(new Uint8Array(0), Number(meta.stable_memory_size)),
    certifiedData: Uint8Array.from(meta.certified_data),
    globals: meta.globals,
    globalTimer: meta.global_timer[0] ?? { inactive: null },
    lowWasmMemoryHook: meta.on_low_wasm_memory_hook_status[0] ?? { condition_not_satisfied: null },
    chunks: new Map(),
    loaded: false,
  };
}

// ---- checkpoints -----------------------------------------------------------------

// What a call may change, kept so that a failed call changes nothing (Replica.call). Shallow:
// every change to a canister or snapshot replaces its fields (memories, module, maps of chunks,
// settings are copied here, as they are edited in place), except an upload's writes into a
// snapshot's bytes, which copying would make cost the whole snapshot per slice: those note how to
// undo themselves (`undo`, management.mjs writeInto). Canister and snapshot objects keep their
// identity on a rollback, as the execution cache (execution.mjs) and the certification cache
// (ingress.mjs) key on them.
export function checkpoint(subnet) {
  const fields = (o) => {
    const copy = { ...o, chunks: new Map(o.chunks) };
    if (o.settings) copy.settings = { ...o.settings };
    return copy;
  };
  const canisters = new Map(subnet.canisters);
  const snapshots = new Map(subnet.snapshots);
  const saved = new Map([...canisters.values(), ...snapshots.values()].map((o) => [o, fields(o)]));
  const { nextCanisterIndex } = subnet;
  const undos = [];
  const undo = (fn) => undos.push(fn);
  const rollback = () => {
    for (const fn of undos.reverse()) fn();
    for (const [o, before] of saved) {
      for (const key of Object.keys(o)) if (!(key in before)) delete o[key];
      Object.assign(o, before);
    }
    for (const [map, before] of [[subnet.canisters, canisters], [subnet.snapshots, snapshots]]) {
      map.clear();
      for (const [key, value] of before) map.set(key, value);
    }
    subnet.nextCanisterIndex = nextCanisterIndex;
  };
  return { rollback, undo };
}
