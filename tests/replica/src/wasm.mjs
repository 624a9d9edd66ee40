// What the replica needs to know about a Wasm module before running it:
// whether it is one (magic bytes, gzip) and its `icp:*` metadata sections.
import { gunzipSync } from 'node:zlib';
import { reject, E } from './errors.mjs';
import { principalText, hasPrefix, readLeb128 } from './util.mjs';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const GZIP_MAGIC = [0x1f, 0x8b, 0x08];
const MAX_WASM = 100 * 1024 * 1024; // WASM_MAX_SIZE, rs/config embedders.rs

// IC0505, as the IC words it for a module it cannot decode or validate.
export const invalidWasm = (canisterId, why) =>
  reject(E.CanisterInvalidWasm, `Error from Canister ${principalText(canisterId)}: Canister's Wasm module is not valid: ${why}`);

// Returns the uncompressed module, or rejects with IC0505 as the IC does.
export function decodeModule(canisterId, bytes) {
  const invalid = (why) => invalidWasm(canisterId, why);
  let wasm = bytes;
  if (hasPrefix(bytes, GZIP_MAGIC)) {
    try {
      wasm = new Uint8Array(gunzipSync(bytes, { maxOutputLength: MAX_WASM + 1 }));
    } catch (err) {
      throw invalid(`Failed to decode wasm module: ${err.message}`);
    }
    if (wasm.length > MAX_WASM) throw invalid(`Wasm module size exceeds the maximum of ${MAX_WASM} bytes`);
  }
  if (!hasPrefix(wasm, WASM_MAGIC)) {
    throw invalid('Failed to decode wasm module: unsupported canister module format: the module does not start with the Wasm (00 61 73 6d) or gzip (1f 8b 08) magic bytes.');
  }
  return wasm;
}

// Custom sections named `icp:public <name>` / `icp:private <name>`, as the
// IC exposes them under /canister/<id>/metadata/<name>.
export function metadataSections(wasm) {
  const out = new Map();
  try {
    let at = 8;
    while (at < wasm.length) {
      const id = wasm[at++];
      let size;
      [size, at] = readLeb128(wasm, at);
      const end = at + size;
      if (id === 0) {
        let nameLen;
        let p;
        [nameLen, p] = readLeb128(wasm, at);
        const name = new TextDecoder().decode(wasm.subarray(p, p + nameLen));
        const m = /^icp:(public|private) (.+)$/.exec(name);
        if (m) out.set(m[2], { visibility: m[1], content: wasm.slice(p + nameLen, end) });
      }
      at = end;
    }
  } catch {
    // A malformed module simply has no readable metadata.
  }
  return out;
}
