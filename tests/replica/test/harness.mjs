// Shared test plumbing: a replica per test file, DFINITY's icp CLI in a
// private ICP_HOME, identities usable both by icp (PEM) and by
// @icp-sdk/core (for crafted envelopes), and the admin API.
import { spawn, execFile } from 'node:child_process';
import { generateKeyPairSync, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cbor, HttpAgent, requestIdOf } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { IcManagementCanister } from '@icp-sdk/canisters/ic-management';
import { leb128 } from '../src/util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const REPLICA = join(here, '..', 'replica.mjs');
export const ICP = join(here, '..', 'node_modules', '@icp-sdk', 'icp-cli-linux-x64', 'bin', 'icp');
if (!existsSync(ICP)) {
  throw new Error(`icp CLI not found at ${ICP}: run \`npm ci\` in tests/replica first`);
}

export const sha256hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

// `delegation`: start in delegation mode (certificates signed by a subnet key the root key vouches for).
//
// The replica cannot outlive the process that started it, and never keeps that process alive: its
// stdin is a pipe it watches (--exit-with-stdin), and once it listens, its handles are unref'd. So
// a test that fails before its clean-up, or a fixture that throws half-way through its set-up, ends
// with its replica instead of hanging the test run until CTest's timeout.
//
// A replica bug answers HTTP 500 and is logged as `replica: BUG: ...` (http.mjs): stop() then throws
// with those lines, so that no test passes over one, unless the test provokes them on purpose
// (`internalErrors: 'expected'`).
export async function startReplica({ stateDir, delegation = false, internalErrors = 'fail' } = {}) {
  const args = [REPLICA, '--port', '0', '--exit-with-stdin', ...(stateDir ? ['--state-dir', stateDir] : []), ...(delegation ? ['--delegation'] : [])];
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        m ? resolve(m[1]) : reject(new Error(`unexpected first line: ${line}`));
      }
    });
    proc.on('exit', (code) => reject(new Error(`replica exited with ${code}: ${stderr}`)));
  });
  for (const handle of [proc, proc.stdin, proc.stdout, proc.stderr]) handle.unref();
  return {
    url,
    proc,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.on('exit', r));
      proc.ref(); // held until it has exited, so that the caller's await completes
      proc.kill('SIGTERM');
      await exited;
      const bugs = stderr.split('\n').filter((line) => line.startsWith('replica: BUG: '));
      if (bugs.length && internalErrors !== 'expected') throw new Error(`the replica answered HTTP 500 for ${bugs.length} bug(s) of its own:\n${bugs.join('\n')}\n${stderr}`);
    },
  };
}

// ---- admin API -------------------------------------------------------------

export async function admin(url, method, path, body) {
  const init = { method };
  if (body instanceof Uint8Array) init.body = body;
  else if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${url}/_/admin/${path}`, init);
  const type = res.headers.get('content-type') ?? '';
  const payload = type.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${JSON.stringify(payload)}`);
  return payload;
}
export const canisterState = (url, id) => admin(url, 'GET', `canisters/${id}`);

// ---- identities --------------------------------------------------------------

export function makeIdentity(kind = 'ed25519') {
  const { privateKey } =
    kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const d = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
  const identity = kind === 'ed25519' ? Ed25519KeyIdentity.fromSecretKey(d) : Secp256k1KeyIdentity.fromSecretKey(d);
  return { kind, pem, identity, principal: identity.getPrincipal().toText() };
}

// ---- icp CLI -----------------------------------------------------------------

export class IcpCli {
  constructor(url) {
    this.url = url;
    this.home = mkdtempSync(join(tmpdir(), 'juno-replica-icp-'));
  }

  async importIdentity(name, { pem }) {
    const file = join(this.home, `${name}.pem`);
    writeFileSync(file, pem);
    await this.run(['identity', 'import', name, '--from-pem', file, '--storage', 'plaintext'], { network: false });
  }

  // Runs `icp <args> -n <url> -k fetch [--identity <id>]`; rejects on a non-zero exit unless `allowFailure`.
  async run(args, { identity, network = true, allowFailure = false } = {}) {
    const full = [...args];
    if (network) full.push('-n', this.url, '-k', 'fetch');
    if (identity) full.push('--identity', identity);
    const env = { ...process.env, ICP_HOME: this.home, DO_NOT_TRACK: '1', NO_COLOR: '1', RUST_BACKTRACE: '0' };
    try {
      const { stdout, stderr } = await promisify(execFile)(ICP, full, { env, maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      if (!allowFailure) throw new Error(`icp ${full.join(' ')} failed (${err.code}):\n${err.stdout}\n${err.stderr}`);
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  cleanup() {
    rmSync(this.home, { recursive: true, force: true });
  }
}

// ---- agents and crafted envelopes ----------------------------------------------

export const agentFor = (url, identity) => HttpAgent.create({ host: url, identity, shouldFetchRootKey: true });

// DFINITY's own client of the management canister, acting as `identity` (an @icp-sdk/core identity).
export const managementFor = async (url, identity) => IcManagementCanister.create({ agent: await agentFor(url, identity) });

export const nowExpiry = (offsetMs = 3 * 60_000) => BigInt(Date.now() + offsetMs) * 1_000_000n;

// A signed call envelope built by hand, so tests can break one thing at a time.
export async function envelope(identity, content, { tamper } = {}) {
  const full = {
    request_type: 'call',
    sender: identity ? identity.getPrincipal().toUint8Array() : Uint8Array.of(4),
    ingress_expiry: nowExpiry(),
    ...(content.request_type === 'read_state' ? {} : { nonce: crypto.getRandomValues(new Uint8Array(16)) }),
    ...content,
  };
  const requestId = requestIdOf(full);
  const body = { content: full };
  if (identity) {
    body.sender_pubkey = new Uint8Array(identity.getPublicKey().toDer());
    const message = new Uint8Array([10, ...new TextEncoder().encode('ic-request'), ...requestId]);
    body.sender_sig = new Uint8Array(await identity.sign(message));
    if (tamper === 'signature') body.sender_sig[5] ^= 0xff;
  }
  return { body: Cbor.encode(body), requestId };
}

export async function post(url, path, cborBody) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: cborBody });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, text: type.startsWith('text/') ? new TextDecoder().decode(bytes) : '', cbor: type === 'application/cbor' ? Cbor.decode(bytes) : undefined };
}

export const managementCall = (identity, method, argTypes, args) =>
  envelope(identity, { canister_id: new Uint8Array(0), method_name: method, arg: new Uint8Array(IDL.encode(argTypes, args)) });

export const canisterIdArg = [IDL.Record({ canister_id: IDL.Principal })];

// ---- Wasm fixtures ---------------------------------------------------------------

function customSection(name, payload) {
  const nameBytes = [...new TextEncoder().encode(name)];
  const body = [...leb128(nameBytes.length), ...nameBytes, ...payload];
  return [0, ...leb128(body.length), ...body];
}
// A valid, empty Wasm module with custom sections ({name: bytes}).
export function wasmModule(sections = {}) {
  const bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const [name, payload] of Object.entries(sections)) bytes.push(...customSection(name, payload));
  return Uint8Array.from(bytes);
}
// A module of about `size` bytes: one incompressible custom section.
export function bigWasmModule(size) {
  const payload = randomBytes(size);
  const name = new TextEncoder().encode('pad');
  const body = Buffer.concat([Buffer.from(leb128(name.length)), name, payload]);
  return new Uint8Array(Buffer.concat([Buffer.from(wasmModule()), Buffer.from([0, ...leb128(body.length)]), body]));
}

export function writeTemp(dir, name, bytes) {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

// A replica, icp with an imported `owner` identity, and a canister created
// through provisional_create_canister_with_cycles. icp cannot create one on
// a bare URL (it goes through the cycles ledger), so a DFINITY agent does.
export async function icpFixture({ delegation = false } = {}) {
  const replica = await startReplica({ delegation });
  const icp = new IcpCli(replica.url);
  const owner = makeIdentity('secp256k1'); // icp's own default key type
  const dir = mkdtempSync(join(tmpdir(), 'juno-replica-wasm-'));
  let canister;
  try {
    await icp.importIdentity('owner', owner);
    const agent = await agentFor(replica.url, owner.identity);
    canister = (await IcManagementCanister.create({ agent }).provisionalCreateCanisterWithCycles()).toText();
  } catch (err) {
    // No teardown will run for a fixture that was never returned: leave no replica behind.
    await replica.stop();
    icp.cleanup();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    replica,
    icp,
    owner,
    dir,
    canister,
    cli: (args, opts = {}) => icp.run(args, { identity: 'owner', ...opts }),
    state: () => canisterState(replica.url, canister),
    log: async () => (await admin(replica.url, 'GET', 'log')).map((e) => e.method ?? e.endpoint),
    clearLog: () => admin(replica.url, 'DELETE', 'log'),
    async teardown() {
      await replica.stop();
      icp.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { Principal, IDL, Cbor, requestIdOf };
