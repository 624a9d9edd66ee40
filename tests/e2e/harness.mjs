// Plumbing for the end-to-end tests: a replica with one module owned by a fresh identity, and a
// CMake build of tests/e2e/project against it whose targets the tests run as users would.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReplica, makeIdentity, admin, canisterState } from '../replica/test/harness.mjs';

export { admin, canisterState, sha256hex, wasmModule, bigWasmModule, managementFor, Principal } from '../replica/test/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE_DIR = join(here, '..', '..');
export const HELPER = process.env.JUNO_HELPER;
if (!HELPER) throw new Error('set JUNO_HELPER to the juno-helper to test (CTest does)');

export function run(command, args, { env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, output: stdout + stderr }));
  });
}

// Starts `juno-helper <args>` and returns at once: { child, exited, output() }, where `exited`
// resolves with { code, signal, output } and output() is what it printed so far (both streams).
export function startHelper(args) {
  const child = spawn(HELPER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output })));
  return { child, exited, output: () => output };
}

// A replica, an identity that controls one empty module, and a scratch folder. Given the test's
// context `t`, the fixture is closed when the test ends, whatever happens in it; a set-up that
// fails half-way closes what it had opened before it throws.
export async function fixture(t) {
  const replica = await startReplica();
  const dir = mkdtempSync(join(tmpdir(), 'juno-e2e-'));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await replica.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  t?.after(close);
  let owner, pem, canister;
  try {
    owner = makeIdentity('ed25519');
    pem = join(dir, 'owner.pem');
    writeFileSync(pem, owner.pem);
    ({ canister_id: canister } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] }));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    replica,
    url: replica.url,
    dir,
    pem,
    owner,
    canister,
    state: () => canisterState(replica.url, canister),
    log: () => admin(replica.url, 'GET', 'log'),
    clearLog: () => admin(replica.url, 'DELETE', 'log'),
    faults: (spec) => admin(replica.url, 'POST', 'faults', spec),
    writeWasm(name, bytes) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      return file;
    },
    writeFile(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    close,
  };
}

// Configures tests/e2e/project for `fx` in a build folder of its own; `wasm` is the module file the
// build "produces"; `cache` holds -D options (JUNO_* cache variables).
export async function project(fx, { wasm, cache = {}, identity = fx.pem, writeBetween = false, generator = 'Unix Makefiles' }) {
  const build = mkdtempSync(join(fx.dir, 'build-'));
  const defines = {
    JUNO_SOURCE_DIR: SOURCE_DIR,
    JUNO_HELPER_EXECUTABLE: HELPER,
    JUNO_NETWORK: fx.url,
    JUNO_IDENTITY: identity,
    E2E_CANISTER: fx.canister,
    E2E_WASM_SOURCE: wasm,
    E2E_WRITE_URL: writeBetween ? `${fx.url}/_/admin/canisters/${fx.canister}/stable_memory` : '',
    ...cache,
  };
  const args = ['-S', join(here, 'project'), '-B', build, '-G', generator];
  for (const [k, v] of Object.entries(defines)) args.push(`-D${k}=${v}`);
  const result = await run('cmake', args);
  if (result.code !== 0) throw new Error(`configure failed:\n${result.output}`);
  return {
    build,
    // Runs a target the way a user would (`cmake --build <dir> --target <t>`, i.e. make <t>).
    target: (name) => run('cmake', ['--build', build, '--target', name]),
    reconfigure: async (more) => {
      const extra = Object.entries(more).map(([k, v]) => `-D${k}=${v}`);
      const r = await run('cmake', [...extra, build]);
      if (r.code !== 0) throw new Error(`reconfigure failed:\n${r.output}`);
    },
  };
}

// Sets a module's memories through the admin API (what a running module would have written).
export async function setMemory(fx, { stable, heap }) {
  const enc = (s) => new TextEncoder().encode(s);
  if (stable !== undefined) await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, enc(stable));
  if (heap !== undefined) await admin(fx.url, 'PUT', `canisters/${fx.canister}/wasm_memory`, enc(heap));
}

export const methodsCalled = (log, method) => log.filter((e) => e.method === method);

// A key that controls nothing.
export const makeOtherIdentity = () => makeIdentity('secp256k1');
