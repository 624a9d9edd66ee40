// juno-helper status against the local replica: what `juno-helper status` prints, with every
// identity format and in JSON, and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, run, HELPER, admin, wasmModule, sha256hex } from './harness.mjs';

const keys = join(dirname(fileURLToPath(import.meta.url)), '..', 'unit', 'data');

test('status prints the module hash, version and controllers', async (t) => {
  const fx = await fixture(t);
  try {
    const base = ['--canister', fx.canister, '--network', fx.url, '--identity', fx.pem];
    const wasm = wasmModule({ v: [7] });
    const up = await run(HELPER, ['upgrade', ...base, '--wasm', fx.writeWasm('m.wasm', wasm)]);
    assert.equal(up.code, 0, up.output);
    const json = await run(HELPER, ['status', ...base, '--json']);
    assert.equal(json.code, 0, json.output);
    const status = JSON.parse(json.stdout);
    const state = await fx.state();
    assert.equal(status.canister_id, fx.canister);
    assert.equal(status.status, 'running');
    assert.equal(status.module_hash, sha256hex(wasm));
    assert.equal(status.version, state.version);
    assert.deepEqual(status.controllers, [fx.owner.principal]);
    assert.equal(status.cycles, state.cycles);

    const text = await run(HELPER, ['status', ...base, '--root-key', 'fetch']);
    assert.equal(text.code, 0, text.output);
    assert.match(text.stdout, new RegExp(`module hash\\s+${sha256hex(wasm)}`));
    assert.match(text.stdout, /status\s+running/);
  } finally {
    await fx.close();
  }
});

test('status works with every PEM layout dfx and icp-cli write', async (t) => {
  const fx = await fixture(t);
  try {
    for (const file of ['ed25519.pem', 'secp256k1_sec1.pem', 'secp256k1_sec1_params.pem', 'secp256k1_sec1_crlf.pem', 'secp256k1_pkcs8.pem']) {
      const pem = join(keys, file);
      const who = await run(HELPER, ['whoami', '--identity', pem]);
      assert.equal(who.code, 0, who.output);
      const principal = who.stdout.trim();
      const { canister_id } = await admin(fx.url, 'POST', 'canisters', { controllers: [principal] });
      const r = await run(HELPER, ['status', '--canister', canister_id, '--network', fx.url, '--identity', pem, '--json']);
      assert.equal(r.code, 0, `${file}: ${r.output}`);
      assert.deepEqual(JSON.parse(r.stdout).controllers, [principal]);
    }
  } finally {
    await fx.close();
  }
});

test('status errors: not a controller, anonymous, unknown canister, unreachable network', async (t) => {
  const fx = await fixture(t);
  try {
    const stranger = await run(HELPER, ['status', '--canister', fx.canister, '--network', fx.url, '--identity', join(keys, 'ed25519.pem'), '--json']);
    assert.equal(stranger.code, 3);
    const error = JSON.parse(stranger.stdout).error;
    assert.equal(error.kind, 'rejected');
    assert.equal(error.error_code, 'IC0512');

    const anonymous = await run(HELPER, ['status', '--canister', fx.canister, '--network', fx.url]);
    assert.equal(anonymous.code, 3);
    assert.match(anonymous.stderr, /IC0512/);

    const missing = await run(HELPER, ['status', '--canister', 'ryjl3-tyaaa-aaaaa-aaaba-cai', '--network', fx.url, '--identity', fx.pem]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /IC0301/);

    await fx.replica.stop();
    const down = await run(HELPER, ['status', '--canister', fx.canister, '--network', fx.url, '--identity', fx.pem, '--timeout', '5']);
    assert.equal(down.code, 4);
    assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    await fx.close();
  }
});

test('a skewed clock: the replica refuses the expiry, the helper resynchronises from /time', async (t) => {
  const fx = await fixture(t);
  try {
    // faketime shifts the helper's clock; the replica keeps the true time.
    for (const shift of ['-10m', '+20m']) {
      const r = await run('faketime', ['-f', shift, HELPER, 'status', '--canister', fx.canister, '--network', fx.url,
        '--identity', fx.pem, '--json']);
      assert.equal(r.code, 0, `${shift}: ${r.output}`);
      assert.match(r.stderr, /synchronised the request clock with the replica \(offset -?\d+ ms\)/);
      assert.equal(JSON.parse(r.stdout).status, 'running');
    }
    const log = await fx.log();
    assert.ok(log.some((e) => e.endpoint === 'read_state' && e.sender === '2vxsx-fae'),
      'the clock is read anonymously, which the expiry window does not bind');
  } finally {
    await fx.close();
  }
});
