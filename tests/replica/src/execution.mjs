// Runs canister code: compiles modules, keeps one live instance per
// canister in step with the canister's stored state, and executes install,
// upgrade, update and query messages with the IC's all-or-nothing rule.
//
// The stored state (canister.heap, canister.globals, canister.stable, ...)
// is the truth: snapshots, loads, the admin API and --state-dir all work on
// it. A live instance is only a cache of it, valid while the canister still
// holds the very heap, globals and module objects the instance last wrote
// or read; anything else (a trap, a query, a snapshot load, an admin write)
// means the next message starts from a fresh instance loaded from the state.
import { reject, E } from './errors.mjs';
import { decodeModule, invalidWasm } from './wasm.mjs';
import { analyse, instrument, persistentGlobals, globalExport, MEMORY_EXPORT, START_EXPORT } from './instrumentation.mjs';
import { systemApi, MessageContext, newSharedState, trapToReject, IC0_FUNCTIONS, ic0Signature } from './system_api.mjs';
import { sha256, toHex, principalText, WASM_PAGE } from './util.mjs';

const compiled = new Map(); // module SHA-256 hex -> { module, info }
const COMPILED_CACHE = 32;
const live = new WeakMap(); // canister -> { instance, slot, info, heap, globals, module }

// Compiles a canister module (plain or gzipped), checking what the IC
// checks at install: a valid Wasm whose imports are all ic0 functions.
// `moduleHash`: the SHA-256 of moduleBytes when the caller already has it.
export function compile(canisterId, moduleBytes, moduleHash = sha256(moduleBytes)) {
  const key = toHex(moduleHash);
  const hit = compiled.get(key);
  if (hit) return hit;
  const wasm = decodeModule(canisterId, moduleBytes);
  let info;
  let module;
  try {
    info = analyse(wasm);
  } catch (err) {
    throw invalidWasm(canisterId, `Failed to decode wasm module: ${err.message}`);
  }
  for (const imp of info.imports) {
    if (imp.module !== 'ic0' || imp.kind !== 'func' || !IC0_FUNCTIONS.has(imp.name)) {
      throw invalidWasm(canisterId, `Wasm module has an invalid import section. Module imports ${imp.kind === 'func' ? 'function' : imp.kind} '${imp.name}' from '${imp.module}' that is not exported by the runtime.`);
    }
    const expected = ic0Signature(imp.name, info.memory64);
    if (imp.signature !== expected) {
      throw invalidWasm(canisterId, `Wasm module has an invalid import section. Module imports function '${imp.name}' from 'ic0' with the signature (${imp.signature}), not the runtime's (${expected}).`);
    }
  }
  validateEntryPoints(canisterId, info);
  try {
    module = new WebAssembly.Module(instrument(wasm, info));
  } catch (err) {
    throw invalidWasm(canisterId, `Wasmtime failed to validate wasm module: ${err.message}`);
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const entry = { module, info, exports: exported };
  compiled.set(key, entry);
  if (compiled.size > COMPILED_CACHE) compiled.delete(compiled.keys().next().value);
  return entry;
}

// The IC calls a canister's entry points (canister_init, canister_update <name>, ...) with no
// arguments and takes no results, and refuses at install a module exporting one of another type:
// rs/embedders wasm_utils/validation.rs, WasmValidationError::InvalidFunctionSignature ("Expected
// return type [] for 'canister_update f', got [I64]."), IC0505.
function validateEntryPoints(canisterId, info) {
  for (const { name, kind, index } of info.exports) {
    if (!name.startsWith('canister_') || kind !== 0) continue;
    const signature = info.functions[index];
    if (signature === undefined) continue; // an index out of range: WebAssembly.Module refuses it
    const [params, results] = signature.split('->');
    const types = (list) => `[${list.split(',').map((t) => t.toUpperCase()).join(', ')}]`;
    if (params) throw invalidWasm(canisterId, `Wasm module has an invalid function signature. Expected no parameters for '${name}', got ${types(params)}.`);
    if (results) throw invalidWasm(canisterId, `Wasm module has an invalid function signature. Expected return type [] for '${name}', got ${types(results)}.`);
  }
}

// ---- instances and state -----------------------------------------------------

function instantiate(canister, code) {
  const slot = { ctx: null, memory: null, memory64: code.info.memory64 };
  let instance;
  try {
    instance = new WebAssembly.Instance(code.module, { ic0: systemApi(slot) });
  } catch (err) {
    // Active data or element segments out of bounds fail here, as they would at install on the IC.
    // No canister code runs yet (instrument turns the start function into an export), so any
    // other error is the replica's.
    if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError) throw trapToReject(canister, err);
    throw err;
  }
  slot.memory = instance.exports[MEMORY_EXPORT] ?? null;
  return { instance, slot, code };
}

// Puts stored heap bytes into the instance's memory: grown to hold them,
// and zero past them, so the memory is exactly the stored heap.
function loadHeap(canister, entry, heap) {
  const { memory } = entry.slot;
  if (!memory) return;
  const pages = Math.ceil(heap.length / WASM_PAGE);
  const current = memory.buffer.byteLength / WASM_PAGE;
  if (pages > current) {
    try {
      // A 64-bit memory takes its page delta as an i64 (a BigInt).
      memory.grow(entry.slot.memory64 ? BigInt(pages - current) : pages - current);
    } catch {
      throw reject(E.CanisterTrapped, `Error from Canister ${principalText(canister.id)}: Canister trapped: heap out of bounds`);
    }
  }
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(heap);
  bytes.fill(0, heap.length);
}

// Stored globals go back by position; a value whose type does not match the
// module's global (a snapshot of another module) is left at its initial value.
function loadGlobals(entry, globals) {
  persistentGlobals(entry.code.info).forEach((g, i) => {
    const value = globals[i];
    if (!value || !(g.type in value) || g.type === 'v128') return;
    entry.instance.exports[globalExport(g.index)].value = value[g.type];
  });
}

function saveGlobals(entry) {
  return persistentGlobals(entry.code.info).map((g) => {
    // V8 cannot read v128 globals from JavaScript; they are kept as zero.
    if (g.type === 'v128') return { v128: 0n };
    return { [g.type]: entry.instance.exports[globalExport(g.index)].value };
  });
}

// The canister's live instance, created from its stored state when the
// cached one no longer matches it.
function liveInstance(canister) {
  const cached = live.get(canister);
  if (cached && cached.heap === canister.heap && cached.globals === canister.globals && cached.module === canister.module) {
    return cached;
  }
  live.delete(canister);
  return freshFromState(canister);
}

function freshFromState(canister) {
  const entry = instantiate(canister, compile(canister.id, canister.module));
  loadHeap(canister, entry, canister.heap);
  loadGlobals(entry, canister.globals);
  return entry;
}

// Writes what a successful execution produced back into the canister and
// keeps the instance as the canister's live one.
function commit(canister, entry, shared) {
  if (entry.slot.memory) canister.heap = new Uint8Array(entry.slot.memory.buffer).slice();
  canister.globals = saveGlobals(entry);
  if (shared.stable.dirty) canister.stable = shared.stable.bytes;
  if (shared.certifiedData) canister.certifiedData = shared.certifiedData;
  if (shared.globalTimer) canister.globalTimer = shared.globalTimer;
  live.set(canister, { ...entry, heap: canister.heap, globals: canister.globals, module: canister.module });
}

function invoke(canister, entry, ctx, exportName) {
  entry.slot.ctx = ctx;
  try {
    entry.instance.exports[exportName]();
  } catch (err) {
    throw trapToReject(canister, err) ?? err;
  } finally {
    entry.slot.ctx = null;
  }
}

// The installed module compiled, or null when it cannot run (a snapshot
// upload can install any bytes): such a module has no pre_upgrade to run.
function runnable(canister) {
  try {
    return compile(canister.id, canister.module);
  } catch {
    return null;
  }
}

// ---- messages ------------------------------------------------------------------

const noSuchMethod = (canister, kind, method) =>
  reject(E.CanisterMethodNotFound, `Error from Canister ${principalText(canister.id)}: Canister has no ${kind} method '${method}'.`);

// The outcome of a message that ran to completion: its reply, or the
// canister's own reject (IC0406, reject code 4), or IC0506 without either.
function outcome(canister, ctx) {
  if (ctx.response?.reply) return ctx.response.reply;
  if (ctx.response) throw reject(E.CanisterRejectedMessage, ctx.response.reject, { committed: true });
  throw reject(E.CanisterDidNotReply, `Canister ${principalText(canister.id)} did not reply to the call`, { committed: true });
}

// An ingress update call. Returns the reply bytes or throws an IcReject.
// A trap leaves the canister as it was; anything else commits, and the
// canister version counts the executed message.
export function executeUpdate(canister, { method, arg, caller, subnetId }) {
  const code = compile(canister.id, canister.module);
  const updateExport = `canister_update ${method}`;
  if (!code.exports.has(updateExport)) {
    // A query method called through the update path runs replicated, and its changes are discarded as in a query.
    if (code.exports.has(`canister_query ${method}`)) return runQuery(canister, code, { method, arg, caller, subnetId, mode: 'replicated_query' });
    throw noSuchMethod(canister, 'update', method);
  }
  const entry = liveInstance(canister);
  const shared = newSharedState(canister);
  const ctx = new MessageContext({ mode: 'update', canister, caller, arg, method, subnetId, shared });
  try {
    invoke(canister, entry, ctx, updateExport);
  } catch (err) {
    live.delete(canister);
    throw err;
  }
  commit(canister, entry, shared);
  canister.version += 1n;
  return outcome(canister, ctx);
}

// A query (non-replicated): runs on a throwaway instance of the current state.
export function executeQuery(canister, { method, arg, caller, subnetId }) {
  const code = compile(canister.id, canister.module);
  return runQuery(canister, code, { method, arg, caller, subnetId, mode: 'query' });
}

function runQuery(canister, code, { method, arg, caller, subnetId, mode }) {
  const name = [`canister_query ${method}`, `canister_composite_query ${method}`].find((n) => code.exports.has(n));
  if (!name) throw noSuchMethod(canister, 'query', method);
  const entry = freshFromState(canister);
  const ctx = new MessageContext({ mode, canister, caller, arg, method, subnetId, shared: newSharedState(canister) });
  invoke(canister, entry, ctx, name);
  return outcome(canister, ctx);
}

// install_code's execution part. `kind` is install, reinstall or upgrade;
// `keepHeap` is an upgrade with wasm_memory_persistence = keep;
// `skipPreUpgrade` one with skip_pre_upgrade = opt true. Runs pre_upgrade (old
// module, unless skipped), then the new module's start function and
// canister_init or canister_post_upgrade. A trap in any of them rejects and
// leaves module, memories, globals and certified data as they were.
export function installCode(canister, { kind, module, moduleHash = sha256(module), arg, caller, subnetId, keepHeap = false, skipPreUpgrade = false }) {
  const code = compile(canister.id, module, moduleHash);
  const upgrading = kind === 'upgrade';
  const shared = newSharedState(canister, { stable: upgrading ? canister.stable : new Uint8Array(0) });
  // The Wasm memory a kept-memory upgrade hands to the new module: as the
  // old module's pre_upgrade left it (enhanced orthogonal persistence
  // writes its upgrade marks there), not as it was before.
  let keptHeap = canister.heap;

  if (upgrading && skipPreUpgrade) {
    live.delete(canister); // the stored heap is what the new module starts from
  } else if (upgrading && runnable(canister)?.exports.has('canister_pre_upgrade')) {
    const old = liveInstance(canister);
    const ctx = new MessageContext({ mode: 'pre_upgrade', canister, caller, subnetId, shared });
    try {
      invoke(canister, old, ctx, 'canister_pre_upgrade');
      if (old.slot.memory) keptHeap = new Uint8Array(old.slot.memory.buffer).slice();
    } finally {
      // Either way the old instance's memory has moved on from the stored heap.
      live.delete(canister);
    }
  }

  const entry = instantiate(canister, code);
  if (keepHeap) loadHeap(canister, entry, keptHeap);
  if (code.exports.has(START_EXPORT)) invoke(canister, entry, new MessageContext({ mode: 'start', canister, subnetId, shared }), START_EXPORT);
  const hook = upgrading ? 'canister_post_upgrade' : 'canister_init';
  if (code.exports.has(hook)) {
    invoke(canister, entry, new MessageContext({ mode: upgrading ? 'post_upgrade' : 'init', canister, caller, arg, subnetId, shared }), hook);
  }

  // Everything ran: the new module and what it made of the state take over.
  canister.module = Uint8Array.from(module);
  canister.moduleHash = moduleHash;
  if (!upgrading) {
    canister.certifiedData = new Uint8Array(0);
    canister.stable = new Uint8Array(0);
  }
  if (!entry.slot.memory) canister.heap = keepHeap ? keptHeap : new Uint8Array(0);
  canister.globalTimer = { inactive: null };
  commit(canister, entry, shared);
}

