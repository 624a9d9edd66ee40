// The `ic0` system API a canister imports: the subset simple canisters use,
// with the IC's availability rules and trap semantics. Everything a message
// changes outside the Wasm instance (stable memory, certified data, the
// timer, the response) is collected in its context and only applied by the
// executor when the message finishes without trapping.
import { reject, E } from './errors.mjs';
import { principalText, toHex, WASM_PAGE, nowNanos } from './util.mjs';

// A local cap on stable memory (the IC allows hundreds of GiB); grow
// beyond it returns -1 as the IC does when it runs out of room.
export const MAX_STABLE_PAGES = 16384; // 1 GiB
const MAX_CERTIFIED_DATA = 32;
const MAX_PRINCIPAL = 29;
const MAX_U64 = 2n ** 64n - 1n;

// Every function the IC exports under `ic0`, with its signature (interface
// spec, "System API imports"; I is i32 in a module with a 32-bit memory and
// i64 in one with a 64-bit memory). A module may import any of them, with
// that signature; importing anything else is an invalid module, as on the IC.
const IC0_SIGNATURES = {
  msg_arg_data_size: '->I', msg_arg_data_copy: 'I,I,I->', msg_caller_size: '->I', msg_caller_copy: 'I,I,I->',
  msg_reject_code: '->i32', msg_reject_msg_size: '->I', msg_reject_msg_copy: 'I,I,I->', msg_deadline: '->i64',
  msg_reply_data_append: 'I,I->', msg_reply: '->', msg_reject: 'I,I->',
  msg_cycles_available: '->i64', msg_cycles_available128: 'I->', msg_cycles_refunded: '->i64', msg_cycles_refunded128: 'I->',
  msg_cycles_accept: 'i64->i64', msg_cycles_accept128: 'i64,i64,I->', cycles_burn128: 'i64,i64,I->',
  canister_self_size: '->I', canister_self_copy: 'I,I,I->', canister_cycle_balance: '->i64', canister_cycle_balance128: 'I->',
  canister_liquid_cycle_balance128: 'I->', canister_status: '->i32', canister_version: '->i64',
  subnet_self_size: '->I', subnet_self_copy: 'I,I,I->',
  msg_method_name_size: '->I', msg_method_name_copy: 'I,I,I->', accept_message: '->',
  call_new: 'I,I,I,I,I,I,I,I->', call_on_cleanup: 'I,I->', call_data_append: 'I,I->', call_with_best_effort_response: 'i32->',
  call_cycles_add: 'i64->', call_cycles_add128: 'i64,i64->', call_perform: '->i32',
  stable_size: '->i32', stable_grow: 'i32->i32', stable_write: 'i32,i32,i32->', stable_read: 'i32,i32,i32->',
  stable64_size: '->i64', stable64_grow: 'i64->i64', stable64_write: 'i64,i64,i64->', stable64_read: 'i64,i64,i64->',
  root_key_size: '->I', root_key_copy: 'I,I,I->',
  certified_data_set: 'I,I->', data_certificate_present: '->i32', data_certificate_size: '->I', data_certificate_copy: 'I,I,I->',
  time: '->i64', global_timer_set: 'i64->i64', performance_counter: 'i32->i64', is_controller: 'I,I->i32', in_replicated_execution: '->i32',
  cost_call: 'i64,i64,I->', cost_create_canister: 'I->', cost_http_request: 'i64,i64,I->',
  cost_sign_with_ecdsa: 'I,I,i32,I->i32', cost_sign_with_schnorr: 'I,I,i32,I->i32', cost_vetkd_derive_key: 'I,I,i32,I->i32',
  env_var_count: '->I', env_var_name_size: 'I->I', env_var_name_copy: 'I,I,I,I->', env_var_value_size: 'I,I->I',
  env_var_value_copy: 'I,I,I,I,I->', env_var_name_exists: 'I,I->i32',
  debug_print: 'I,I->', trap: 'I,I->', mint_cycles: 'i64->i64', mint_cycles128: 'i64,i64,I->',
};
export const IC0_FUNCTIONS = new Set(Object.keys(IC0_SIGNATURES));

// The signature a module with a 32-bit (or, `memory64`, 64-bit) memory must
// import `name` with, as "params->results".
export const ic0Signature = (name, memory64) => IC0_SIGNATURES[name].replace(/I/g, memory64 ? 'i64' : 'i32');

// The functions whose result is of the spec's type I (a size: i32, or i64
// for a module with a 64-bit memory); every other result has a fixed type.
const SIZE_RESULTS = [
  'msg_arg_data_size', 'msg_caller_size', 'msg_reject_msg_size', 'msg_method_name_size',
  'canister_self_size', 'subnet_self_size', 'root_key_size', 'data_certificate_size',
  'env_var_count', 'env_var_name_size', 'env_var_value_size',
];

// What a message is, in the IC's words for error messages.
const MODE_NAMES = {
  start: 'start',
  init: 'init',
  pre_upgrade: 'pre_upgrade',
  post_upgrade: 'post_upgrade',
  update: 'update',
  replicated_query: 'replicated query',
  query: 'non-replicated query',
};
const REPLYING = new Set(['update', 'replicated_query', 'query']);
const WITH_CALLER = new Set(Object.keys(MODE_NAMES).filter((m) => m !== 'start'));
const WITH_ARG = new Set(['init', 'post_upgrade', 'update', 'replicated_query', 'query']);
const STATEFUL = new Set(['init', 'pre_upgrade', 'post_upgrade', 'update']);

// A trap raised by the system API; the executor turns it into the IC's error.
export class Trap extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind; // 'called' (ic0.trap), 'trapped' (a trap code), 'contract' (API misuse)
  }
}
const contract = (message) => new Trap('contract', message);

// Stable memory as seen by one execution (possibly several messages, as in
// pre_upgrade then post_upgrade): copied on the first write so that a trap
// leaves the canister's bytes untouched.
export class StableMemory {
  constructor(bytes) {
    this.bytes = bytes;
    this.dirty = false;
  }

  get pages() {
    return Math.ceil(this.bytes.length / WASM_PAGE);
  }

  own(length = this.pages * WASM_PAGE) {
    if (this.dirty && this.bytes.length === length) return;
    const copy = new Uint8Array(length);
    copy.set(this.bytes);
    this.bytes = copy;
    this.dirty = true;
  }

  grow(pages, limit) {
    const old = this.pages;
    if (old + pages > limit) return -1;
    if (pages > 0) this.own((old + pages) * WASM_PAGE);
    return old;
  }

  check(offset, size) {
    if (offset + size > this.pages * WASM_PAGE) throw new Trap('trapped', 'stable memory out of bounds');
  }

  read(offset, size) {
    this.check(offset, size);
    // Bytes past a length that is not a whole page (set through the admin API) read as zeros.
    const out = new Uint8Array(size);
    out.set(this.bytes.subarray(offset, Math.min(offset + size, this.bytes.length)));
    return out;
  }

  write(offset, data) {
    this.check(offset, data.length);
    this.own();
    this.bytes.set(data, offset);
  }
}

// The state of one message: its inputs, its response, and the changes it
// makes outside the instance. `shared` carries stable memory, certified data
// and the timer across the messages of one install or upgrade.
export class MessageContext {
  constructor({ mode, canister, caller = new Uint8Array(0), arg = new Uint8Array(0), method = '', subnetId = new Uint8Array(0), shared }) {
    this.mode = mode;
    this.canister = canister;
    this.caller = caller;
    this.arg = arg;
    this.method = method;
    this.subnetId = subnetId;
    this.shared = shared;
    this.time = nowNanos();
    this.replyData = [];
    this.response = null; // {reply: bytes} | {reject: text}
  }
}

export const newSharedState = (canister, { stable = canister.stable } = {}) => ({
  stable: new StableMemory(stable),
  certifiedData: null, // set by certified_data_set
  globalTimer: null, // set by global_timer_set
});

const utf8 = (bytes) => new TextDecoder('utf-8', { fatal: false }).decode(bytes);

// The import object's `ic0` functions. `slot` holds the running message's
// context and the instance's exported memory; it is filled in per message,
// so one instance serves many messages.
export function systemApi(slot) {
  const ctx = () => slot.ctx;

  const only = (name, allowed) => {
    if (!allowed.has(ctx().mode)) throw contract(`"ic0_${name}" cannot be executed in ${MODE_NAMES[ctx().mode]} mode`);
  };

  const heap = () => {
    if (!slot.memory) return new Uint8Array(0);
    return new Uint8Array(slot.memory.buffer);
  };
  const heapRead = (src, size) => {
    const h = heap();
    if (src + size > h.length) throw new Trap('trapped', 'heap out of bounds');
    return h.slice(src, src + size);
  };
  const heapWrite = (dst, data) => {
    const h = heap();
    if (dst + data.length > h.length) throw new Trap('trapped', 'heap out of bounds');
    h.set(data, dst);
  };
  // The *_copy calls: copy `size` bytes from `offset` of `source` into the heap at `dst`.
  const copyOut = (name, source, dst, offset, size) => {
    if (offset + size > source.length) {
      throw contract(`${name} failed because offset + size is out of bounds. Found offset ${offset} and size ${size} when the length is ${source.length}`);
    }
    heapWrite(dst, source.subarray(offset, offset + size));
  };
  const u64 = (n) => {
    const v = BigInt.asUintN(64, n);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Trap('trapped', 'heap out of bounds');
    return Number(v);
  };
  // A pointer or size (the spec's type I): i32 for a 32-bit module, i64
  // (a BigInt here) for a module with a 64-bit memory.
  const addr = (n) => (typeof n === 'bigint' ? u64(n) : n >>> 0);
  const notReplied = (name) => {
    if (ctx().response) throw contract(`${name}: the call is already replied`);
  };

  const stable = () => ctx().shared.stable;

  const api = {
    msg_arg_data_size() {
      only('msg_arg_data_size', WITH_ARG);
      return ctx().arg.length;
    },
    msg_arg_data_copy(dst, offset, size) {
      only('msg_arg_data_copy', WITH_ARG);
      copyOut('ic0.msg_arg_data_copy', ctx().arg, addr(dst), addr(offset), addr(size));
    },
    msg_caller_size() {
      only('msg_caller_size', WITH_CALLER);
      return ctx().caller.length;
    },
    msg_caller_copy(dst, offset, size) {
      only('msg_caller_copy', WITH_CALLER);
      copyOut('ic0.msg_caller_copy', ctx().caller, addr(dst), addr(offset), addr(size));
    },
    msg_reply_data_append(src, size) {
      only('msg_reply_data_append', REPLYING);
      notReplied('ic0.msg_reply_data_append');
      ctx().replyData.push(heapRead(addr(src), addr(size)));
    },
    msg_reply() {
      only('msg_reply', REPLYING);
      notReplied('ic0.msg_reply');
      ctx().response = { reply: Uint8Array.from(Buffer.concat(ctx().replyData)) };
    },
    msg_reject(src, size) {
      only('msg_reject', REPLYING);
      notReplied('ic0.msg_reject');
      ctx().response = { reject: utf8(heapRead(addr(src), addr(size))) };
    },
    msg_method_name_size() {
      only('msg_method_name_size', REPLYING);
      return new TextEncoder().encode(ctx().method).length;
    },
    msg_method_name_copy(dst, offset, size) {
      only('msg_method_name_copy', REPLYING);
      copyOut('ic0.msg_method_name_copy', new TextEncoder().encode(ctx().method), addr(dst), addr(offset), addr(size));
    },
    msg_cycles_available: () => 0n,
    msg_cycles_available128: (dst) => heapWrite(addr(dst), new Uint8Array(16)),
    msg_cycles_refunded: () => 0n,
    msg_cycles_refunded128: (dst) => heapWrite(addr(dst), new Uint8Array(16)),
    msg_cycles_accept: () => 0n,
    msg_cycles_accept128: (high, low, dst) => heapWrite(addr(dst), new Uint8Array(16)),

    canister_self_size: () => ctx().canister.id.length,
    canister_self_copy(dst, offset, size) {
      copyOut('ic0.canister_self_copy', ctx().canister.id, addr(dst), addr(offset), addr(size));
    },
    subnet_self_size: () => ctx().subnetId.length,
    subnet_self_copy(dst, offset, size) {
      copyOut('ic0.subnet_self_copy', ctx().subnetId, addr(dst), addr(offset), addr(size));
    },
    canister_cycle_balance() {
      const { cycles } = ctx().canister;
      return cycles > MAX_U64 ? MAX_U64 : cycles;
    },
    canister_cycle_balance128(dst) {
      const out = new Uint8Array(16);
      const view = new DataView(out.buffer);
      view.setBigUint64(0, BigInt.asUintN(64, ctx().canister.cycles), true);
      view.setBigUint64(8, BigInt.asUintN(64, ctx().canister.cycles >> 64n), true);
      heapWrite(addr(dst), out);
    },
    canister_status: () => ({ running: 1, stopping: 2, stopped: 3 })[ctx().canister.status],
    canister_version: () => ctx().canister.version,

    stable_size() {
      return stable().pages;
    },
    stable_grow(pages) {
      // The 32-bit API addresses at most 4 GiB (65536 pages).
      return stable().grow(addr(pages), Math.min(MAX_STABLE_PAGES, 65536));
    },
    stable_read(dst, offset, size) {
      heapWrite(addr(dst), stable().read(addr(offset), addr(size)));
    },
    stable_write(offset, src, size) {
      stable().write(addr(offset), heapRead(addr(src), addr(size)));
    },
    stable64_size: () => BigInt(stable().pages),
    stable64_grow(pages) {
      const n = BigInt.asUintN(64, pages);
      return BigInt(n > BigInt(MAX_STABLE_PAGES) ? -1 : stable().grow(Number(n), MAX_STABLE_PAGES));
    },
    stable64_read(dst, offset, size) {
      const [d, o, s] = [u64(dst), BigInt.asUintN(64, offset), u64(size)];
      if (o + BigInt(s) > BigInt(stable().pages * WASM_PAGE)) throw new Trap('trapped', 'stable memory out of bounds');
      heapWrite(d, stable().read(Number(o), s));
    },
    stable64_write(offset, src, size) {
      const [o, sr, s] = [BigInt.asUintN(64, offset), u64(src), u64(size)];
      if (o + BigInt(s) > BigInt(stable().pages * WASM_PAGE)) throw new Trap('trapped', 'stable memory out of bounds');
      stable().write(Number(o), heapRead(sr, s));
    },

    certified_data_set(src, size) {
      only('certified_data_set', STATEFUL);
      if (addr(size) > MAX_CERTIFIED_DATA) {
        throw contract(`ic0_certified_data_set failed because the passed data must be no larger than ${MAX_CERTIFIED_DATA} bytes. Found ${addr(size)} bytes.`);
      }
      ctx().shared.certifiedData = heapRead(addr(src), addr(size));
    },
    // Queries get no certificate here (see README, known differences).
    data_certificate_present: () => 0,
    data_certificate_size() {
      throw contract('ic0_data_certificate_size failed because no certificate is present.');
    },
    data_certificate_copy() {
      throw contract('ic0_data_certificate_copy failed because no certificate is present.');
    },

    time: () => ctx().time,
    global_timer_set(timestamp) {
      only('global_timer_set', STATEFUL);
      const shared = ctx().shared;
      const current = shared.globalTimer ?? ctx().canister.globalTimer;
      const previous = current.active ?? 0n;
      const next = BigInt.asUintN(64, timestamp);
      shared.globalTimer = next === 0n ? { inactive: null } : { active: next };
      return previous;
    },
    performance_counter: () => BigInt(Math.round(performance.now() * 1000)),
    in_replicated_execution: () => (ctx().mode === 'query' ? 0 : 1),
    is_controller(src, size) {
      if (addr(size) > MAX_PRINCIPAL) throw contract(`ic0_is_controller failed because the principal is longer than ${MAX_PRINCIPAL} bytes.`);
      const principal = toHex(heapRead(addr(src), addr(size)));
      return ctx().canister.controllers.some((c) => toHex(c) === principal) ? 1 : 0;
    },

    debug_print(src, size) {
      const text = utf8(heapRead(addr(src), addr(size)));
      process.stderr.write(`[Canister ${principalText(ctx().canister.id)}] ${text}\n`);
    },
    trap(src, size) {
      throw new Trap('called', utf8(heapRead(addr(src), addr(size))));
    },
  };

  // A result of type I is an i64 for a module with a 64-bit memory.
  for (const name of SIZE_RESULTS) {
    const size = api[name];
    if (size) api[name] = (...args) => (slot.memory64 ? BigInt(size(...args)) : size(...args));
  }

  // The rest of ic0 (inter-canister calls, cycles minting, cost queries,
  // environment variables, ...) links, but traps when called.
  for (const name of IC0_FUNCTIONS) {
    api[name] ??= () => {
      throw contract(`ic0.${name} is not supported by the local replica`);
    };
  }
  // What the replica's own code throws is told apart from what the canister's does (trapToReject):
  // a Trap is the canister's doing, and so is a RangeError (an allocation the canister asked for
  // that failed); anything else thrown here is a replica bug.
  for (const name of IC0_FUNCTIONS) {
    const fn = api[name];
    api[name] = (...args) => {
      try {
        return fn(...args);
      } catch (err) {
        if (!(err instanceof Trap || err instanceof RangeError) && err instanceof Object) replicaErrors.add(err);
        throw err;
      }
    };
  }
  return api;
}

// Errors the system API's own code threw (a bug of the replica's, not a canister's failure).
const replicaErrors = new WeakSet();

// The IC's user-facing error for a failed execution of `canister`.
export function trapToReject(canister, err) {
  const prefix = `Error from Canister ${principalText(canister.id)}: `;
  if (err instanceof Trap) {
    if (err.kind === 'called') {
      return reject(
        E.CanisterCalledTrap,
        `${prefix}Canister called \`ic0.trap\` with message: '${err.message}'.\n` +
          'Consider gracefully handling failures from this canister or altering the canister to handle exceptions. ' +
          'See documentation: https://internetcomputer.org/docs/current/references/execution-errors#trapped-explicitly',
      );
    }
    if (err.kind === 'trapped') return reject(E.CanisterTrapped, `${prefix}Canister trapped: ${err.message}`);
    return reject(E.CanisterContractViolation, `${prefix}Canister violated contract: ${err.message}`);
  }
  if (replicaErrors.has(err)) return null;
  if (err instanceof WebAssembly.RuntimeError || err instanceof RangeError) {
    return reject(E.CanisterTrapped, `${prefix}Canister trapped: ${trapCode(err)}`);
  }
  // Anything else the canister's code raised (a Wasm exception it threw and did not catch, a
  // value V8 refused at the boundary): on the IC every failure of a canister's execution that is
  // not an explicit ic0.trap (IC0503) or a contract violation (IC0504) is IC0502, "Canister
  // trapped" (rs/types/error_types, ErrorCode::CanisterTrapped = 502, reject code 5,
  // CANISTER_ERROR); it rejects the call and leaves the canister as it was.
  return reject(E.CanisterTrapped, `${prefix}Canister trapped: ${err?.message ?? String(err)}`);
}

// V8's trap messages mapped onto the IC's TrapCode names.
function trapCode(err) {
  const m = err.message;
  if (err instanceof RangeError && /call stack/i.test(m)) return 'stack overflow';
  if (/unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'heap out of bounds';
  if (/divide by zero|remainder by zero/.test(m)) return 'integer division by 0';
  if (/table index|table/.test(m)) return 'table out of bounds';
  return 'unknown';
}
