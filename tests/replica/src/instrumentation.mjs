// Prepares a canister module for execution the way the IC's instrumentation
// does for the parts that matter to state: the memory and every mutable
// global are exported (so they can be saved after each message and put back
// into a fresh instance), and the start function becomes an export that
// runs once at install instead of at every instantiation.
//
// Only section boundaries, imports, globals, exports and the start section
// are decoded; function bodies are copied untouched and validated by V8.

import { leb128 } from './util.mjs';

const SECTION = { custom: 0, type: 1, import: 2, function: 3, memory: 5, global: 6, export: 7, start: 8 };
// The order non-custom sections must appear in (the tag section, 13, sits
// between memory and global; data count, 12, between element and code).
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };
const VALTYPE = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

export const MEMORY_EXPORT = '__juno_memory';
export const START_EXPORT = '__juno_start';
export const globalExport = (index) => `__juno_global_${index}`;

class Reader {
  constructor(bytes, at = 0, end = bytes.length) {
    this.bytes = bytes;
    this.at = at;
    this.end = end;
  }

  byte() {
    if (this.at >= this.end) throw new Error('unexpected end of section');
    return this.bytes[this.at++];
  }

  u32() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return value;
      if (shift > 35) throw new Error('LEB128 too long');
    }
  }

  // Signed LEB128 immediates only need skipping.
  skipLeb() {
    while (this.byte() & 0x80);
  }

  skip(n) {
    if (this.at + n > this.end) throw new Error('unexpected end of section');
    this.at += n;
  }

  name() {
    const length = this.u32();
    const start = this.at;
    this.skip(length);
    return new TextDecoder().decode(this.bytes.subarray(start, this.at));
  }

  // Memory and table limits; returns whether they are 64-bit (flag 0x04:
  // memory64, table64), whose bounds are u64 LEB128.
  limits() {
    const flags = this.byte();
    this.skipLeb();
    if (flags & 1) this.skipLeb();
    return (flags & 4) !== 0;
  }

  // A constant expression (global initialisers): skip to its `end`.
  skipConstExpr() {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42) this.skipLeb(); // i32.const, i64.const
      else if (op === 0x43) this.skip(4); // f32.const
      else if (op === 0x44) this.skip(8); // f64.const
      else if (op === 0x23 || op === 0xd2) this.u32(); // global.get, ref.func
      else if (op === 0xd0) this.byte(); // ref.null
      else if (op === 0xfd) {
        this.u32(); // v128.const: prefix sub-opcode, then 16 bytes
        this.skip(16);
      } else if (op < 0x6a || op > 0x7e) throw new Error(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
      // Extended constant arithmetic (i32.add, ...) has no immediates.
    }
  }
}

const encodeName = (text) => {
  const bytes = new TextEncoder().encode(text);
  return [...leb128(bytes.length), ...bytes];
};

function splitSections(wasm) {
  const sections = [];
  const r = new Reader(wasm, 8);
  while (r.at < wasm.length) {
    const header = r.at;
    const id = r.byte();
    const size = r.u32();
    const start = r.at;
    r.skip(size);
    sections.push({ id, header, start, end: r.at, bytes: wasm.subarray(start, r.at) });
  }
  return sections;
}

// What the replica needs to know about a module: its imports, whether it
// has a memory and whether that is a 64-bit one (memory64), its globals (with mutability and type), exports, start,
// and the signature of every function by index (imported ones first), as "params->results".
export function analyse(wasm) {
  const info = { types: [], functions: [], imports: [], hasMemory: false, memory64: false, globals: [], exports: [], start: null, importedFunctions: 0, importedGlobals: 0 };
  for (const { id, bytes } of splitSections(wasm)) {
    const r = new Reader(bytes);
    if (id === SECTION.type) {
      // Function types as signatures like "i32,i64->i64" (only plain function types: the IC
      // enables no proposal that adds other type forms).
      for (let n = r.u32(); n > 0; n--) {
        const form = r.byte();
        if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)}`);
        const vec = () => Array.from({ length: r.u32() }, () => VALTYPE[r.byte()] ?? 'unknown');
        const params = vec();
        info.types.push(`${params.join(',')}->${vec().join(',')}`);
      }
    } else if (id === SECTION.import) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        let signature;
        if (kind === KIND.func) {
          signature = info.types[r.u32()];
          info.functions.push(signature);
          info.importedFunctions += 1;
        } else if (kind === KIND.table) {
          r.byte();
          r.limits();
        } else if (kind === KIND.memory) {
          info.memory64 = r.limits();
          info.hasMemory = true;
        } else if (kind === KIND.global) {
          const type = VALTYPE[r.byte()];
          info.globals.push({ index: info.globals.length, type, mutable: r.byte() === 1, imported: true });
          info.importedGlobals += 1;
        } else if (kind === KIND.tag) {
          r.byte();
          r.u32();
        } else throw new Error(`unknown import kind ${kind}`);
        info.imports.push({ module, name, kind: Object.keys(KIND).find((k) => KIND[k] === kind), signature });
      }
    } else if (id === SECTION.function) {
      for (let n = r.u32(); n > 0; n--) info.functions.push(info.types[r.u32()]);
    } else if (id === SECTION.memory) {
      if (r.u32() > 0) {
        info.hasMemory = true;
        info.memory64 = r.limits();
      }
    } else if (id === SECTION.global) {
      for (let n = r.u32(); n > 0; n--) {
        const type = VALTYPE[r.byte()];
        const mutable = r.byte() === 1;
        r.skipConstExpr();
        info.globals.push({ index: info.globals.length, type, mutable, imported: false });
      }
    } else if (id === SECTION.export) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        info.exports.push({ name, kind, index: r.u32() });
      }
    } else if (id === SECTION.start) {
      info.start = r.u32();
    }
  }
  return info;
}

// The globals whose values are part of the canister's state, in index order
// (the IC persists every mutable global it defines).
export const persistentGlobals = (info) => info.globals.filter((g) => g.mutable && !g.imported);

// Returns the instrumented module bytes: the original sections, with the
// export section extended and the start section removed.
export function instrument(wasm, info = analyse(wasm)) {
  const extra = [];
  if (info.hasMemory) extra.push([...encodeName(MEMORY_EXPORT), KIND.memory, 0]);
  for (const g of persistentGlobals(info)) extra.push([...encodeName(globalExport(g.index)), KIND.global, ...leb128(g.index)]);
  if (info.start !== null) extra.push([...encodeName(START_EXPORT), KIND.func, ...leb128(info.start)]);

  const exportSection = () => {
    const existing = info.exports.map((e) => [...encodeName(e.name), e.kind, ...leb128(e.index)]);
    const entries = [...existing, ...extra];
    const body = [...leb128(entries.length), ...entries.flat()];
    return Uint8Array.from([SECTION.export, ...leb128(body.length), ...body]);
  };

  const parts = [wasm.subarray(0, 8)];
  let exportsWritten = false;
  const rank = (id) => SECTION_ORDER.indexOf(id);
  for (const s of splitSections(wasm)) {
    if (!exportsWritten && s.id !== SECTION.custom && rank(s.id) > rank(SECTION.export)) {
      parts.push(exportSection());
      exportsWritten = true;
    }
    if (s.id === SECTION.export) {
      if (!exportsWritten) parts.push(exportSection());
      exportsWritten = true;
      continue;
    }
    if (s.id === SECTION.start) continue;
    parts.push(wasm.subarray(s.header, s.end));
  }
  if (!exportsWritten) parts.push(exportSection());
  return Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

