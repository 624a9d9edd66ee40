// Compiles Motoko actors for the tests with DFINITY's Motoko compiler from
// npm (`motoko`, pinned in this folder's package-lock.json), in either of its
// persistence modes:
//   'enhanced'  enhanced orthogonal persistence (moc 0.14+'s default): a
//               64-bit (memory64) module whose heap the IC keeps across an
//               upgrade with wasm_memory_persistence = keep;
//   'classical' classical persistence (moc --legacy-persistence): a 32-bit
//               module that moves its stable variables through stable memory.
// Set-up: `npm ci` in tests/motoko (tests/setup-debian.sh does it).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const MODES = ['enhanced', 'classical'];

let motoko;
function compiler() {
  if (!motoko) {
    try {
      motoko = require('motoko');
    } catch (err) {
      throw new Error(`the Motoko compiler is not installed: run tests/setup-debian.sh (npm ci in tests/motoko): ${err.message}`);
    }
  }
  return motoko;
}

// Returns { wasm: Uint8Array, candid: string (the service's .did) } for the
// actor `source`, or throws with the compiler's diagnostics.
export function compileActor(source, mode = 'enhanced') {
  if (!MODES.includes(mode)) throw new Error(`compileActor: mode is one of ${MODES.join(', ')}, not '${mode}'`);
  const mo = compiler();
  // moc.js takes the persistence mode through gcFlags, not command-line flags.
  mo.compiler.gcFlags(mode === 'enhanced' ? 'enhancedOP' : 'classicOP');
  mo.write('Main.mo', source);
  const { wasm, candid } = mo.wasm('Main.mo', 'ic');
  return { wasm: Uint8Array.from(wasm), candid };
}

// The counter of the tests and examples/motoko: version 1, version 2 (adds
// a field to the actor's state), and an incompatible version: the same
// Candid interface, but its stable `count` changes type (Nat to Text),
// which the runtime's compatibility check refuses.
export const COUNTER_V1 = `persistent actor Counter {
  var count : Nat = 0;
  public func increment() : async Nat { count += 1; count };
  public query func get() : async Nat { count };
};
`;

export const COUNTER_V2 = `persistent actor Counter {
  var count : Nat = 0;
  var greeting : Text = "version 2";
  public func increment() : async Nat { count += 1; count };
  public query func get() : async Nat { count };
  public query func hello() : async Text { greeting };
};
`;

export const COUNTER_INCOMPATIBLE = `persistent actor Counter {
  var count : Text = "";
  public func increment() : async Nat { count #= "+"; count.size() };
  public query func get() : async Nat { count.size() };
};
`;
