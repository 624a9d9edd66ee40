// Every kind of key a user arrives with signs calls the replica accepts: PEMs made by DFINITY's
// real `icp` (Ed25519, secp256k1, P-256), a dfx-style file, named identities from icp's and dfx's
// stores, and Juno's CI token made by the real @icp-sdk/core. Each one controls a module of its
// own; `juno-helper upgrade` and `backup` sign with it, and the replica's state shows the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, copyFileSync, writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, project, run, HELPER, admin, wasmModule, sha256hex } from './harness.mjs';
import { IcpCli, makeIdentity } from '../replica/test/harness.mjs';

const keys = join(dirname(fileURLToPath(import.meta.url)), '..', 'unit', 'data');

// A module controlled by `principal` only, with code installed and backed up by the helper
// signing as `identity` (a --identity value, or none) in `env`. Returns the module's state.
async function upgradeAndBackUp(fx, principal, { identity, env = {} }) {
  const { canister_id: canister } = await admin(fx.url, 'POST', 'canisters', { controllers: [principal] });
  const wasm = wasmModule({ owner: [...new TextEncoder().encode(principal)] });
  const base = ['--canister', canister, '--network', fx.url, ...(identity ? ['--identity', identity] : [])];
  const who = await run(HELPER, ['whoami', '--json', ...(identity ? ['--identity', identity] : [])], { env });
  assert.equal(who.code, 0, who.output);
  assert.equal(JSON.parse(who.stdout).principal, principal);
  const up = await run(HELPER, ['upgrade', ...base, '--wasm', fx.writeWasm(`${canister}.wasm`, wasm)], { env });
  assert.equal(up.code, 0, up.output);
  const backup = await run(HELPER, ['backup', ...base, '--json'], { env });
  assert.equal(backup.code, 0, backup.output);
  const state = await admin(fx.url, 'GET', `canisters/${canister}`);
  assert.equal(state.module_hash, sha256hex(wasm), 'the signed install_code was accepted');
  assert.equal(state.snapshots.length, 1, 'the signed take_canister_snapshot was accepted');
  assert.equal(state.status, 'running');
  return { canister, who: JSON.parse(who.stdout) };
}

// A Juno CI token for a fresh key.
function strangerTokenFor() {
  const Ed25519KeyIdentity = makeIdentity('ed25519').identity.constructor;
  return btoa(JSON.stringify({ token: Ed25519KeyIdentity.generate().toJSON() }));
}

test('keys from icp, dfx and Juno sign calls the replica accepts', async (t) => {
  const fx = await fixture(t);
  const icp = new IcpCli(fx.url);
  t.after(() => icp.cleanup());
  const icpRun = (args) => icp.run(args, { network: false });
  // Keys as `icp` makes them: `identity new` (secp256k1), seed imports for the other curves.
  await icpRun(['identity', 'new', 'icp-secp256k1', '--storage', 'plaintext', '--output-seed', join(icp.home, 'seed')]);
  for (const curve of ['ed25519', 'prime256v1']) {
    await icpRun(['identity', 'import', `icp-${curve}`, '--from-seed-file', join(icp.home, 'seed'), '--seed-curve', curve, '--storage', 'plaintext']);
  }
  const principalOf = async (name) => (await icpRun(['identity', 'principal', '--identity', name])).stdout.trim();
  // Empty stores for file-based runs: a name must not be what makes them work.
  const noStores = { ICP_HOME: join(fx.dir, 'no-icp'), HOME: join(fx.dir, 'no-home') };

  for (const curve of ['secp256k1', 'ed25519', 'prime256v1']) {
    await t.test(`icp identity export of a ${curve} identity`, async () => {
      const name = `icp-${curve}`;
      const pem = join(fx.dir, `${name}.pem`);
      writeFileSync(pem, (await icpRun(['identity', 'export', name])).stdout);
      const principal = await principalOf(name);
      const { canister, who } = await upgradeAndBackUp(fx, principal, { identity: pem, env: noStores });
      assert.equal(who.algorithm, curve === 'prime256v1' ? 'prime256v1' : curve === 'ed25519' ? 'Ed25519' : 'secp256k1');
      assert.equal(who.source, `file ${pem}`);
      // icp itself signs with the same key against the same replica and module.
      const status = await icp.run(['canister', 'status', canister], { identity: name });
      assert.match(status.stdout + status.stderr, new RegExp(principal));
    });
  }

  await t.test('a dfx-style SEC1 secp256k1 file with CRLF line ends', async () => {
    const pem = join(keys, 'dfx_secp256k1.pem');
    await icpRun(['identity', 'import', 'dfx-style', '--from-pem', pem, '--storage', 'plaintext']);
    await upgradeAndBackUp(fx, await principalOf('dfx-style'), { identity: pem, env: noStores });
  });

  await t.test('a named identity from icp\'s store (ICP_HOME)', async () => {
    const principal = await principalOf('icp-prime256v1');
    const { who } = await upgradeAndBackUp(fx, principal, { identity: 'icp-prime256v1', env: { ICP_HOME: icp.home } });
    assert.equal(who.source, `icp identity 'icp-prime256v1' (${join(icp.home, 'identity', 'keys', 'icp-prime256v1.pem')})`);
  });

  await t.test('a named identity from dfx\'s store (HOME)', async () => {
    const home = join(fx.dir, 'dfx-home');
    const folder = join(home, '.config', 'dfx', 'identity', 'deployer');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(keys, 'dfx_ed25519.pem'), join(folder, 'identity.pem'));
    const principal = '6im66-nwwmn-lo2ga-cp2h5-xmz72-otxsk-ajq5p-ia2ma-kfnta-4mebw-yae'; // icp's, see tests/unit/data/README.md
    const { who } = await upgradeAndBackUp(fx, principal, { identity: 'deployer', env: { HOME: home, ICP_HOME: join(fx.dir, 'no-icp') } });
    assert.equal(who.source, `dfx identity 'deployer' (${join(folder, 'identity.pem')})`);
  });

  await t.test('JUNO_TOKEN made by @icp-sdk/core as Juno builds it, with no identity given', async () => {
    const Ed25519KeyIdentity = makeIdentity('ed25519').identity.constructor;
    const key = Ed25519KeyIdentity.generate();
    const token = btoa(JSON.stringify({ token: key.toJSON() }));
    const { who } = await upgradeAndBackUp(fx, key.getPrincipal().toText(), { env: { ...noStores, JUNO_TOKEN: token } });
    assert.equal(who.source, 'JUNO_TOKEN');
  });

  // What a CMake user does: the name (or nothing, with JUNO_TOKEN in CI) in the cache, the key
  // found by the helper when the target runs; the cache never holds the key or the token.
  await t.test('through CMake: JUNO_IDENTITY=<icp identity name>, and JUNO_TOKEN with it unset', async () => {
    const named = await principalOf('icp-ed25519');
    const Ed25519KeyIdentity = makeIdentity('ed25519').identity.constructor;
    const ci = Ed25519KeyIdentity.generate();
    const token = btoa(JSON.stringify({ token: ci.toJSON() }));
    await admin(fx.url, 'POST', `canisters/${fx.canister}/state`, { controllers: [named, ci.getPrincipal().toText()] });
    const cases = [
      { identity: 'icp-ed25519', env: { ICP_HOME: icp.home }, wasm: wasmModule({ v: [1] }) },
      { identity: '', env: { ...noStores, JUNO_TOKEN: token }, wasm: wasmModule({ v: [2] }) },
    ];
    for (const { identity, env, wasm } of cases) {
      const p = await project(fx, { wasm: fx.writeWasm(`cmake-${identity || 'token'}.wasm`, wasm), identity });
      const cache = readFileSync(join(p.build, 'CMakeCache.txt'), 'utf8');
      assert.match(cache, new RegExp(`^JUNO_IDENTITY:STRING=${identity}$`, 'm'), 'the name is kept as given');
      assert.ok(!cache.includes(token), 'the token never reaches the cache');
      const r = await run('cmake', ['--build', p.build, '--target', 'juno_upgrade'], { env });
      assert.equal(r.code, 0, r.output);
      const state = await fx.state();
      assert.equal(state.module_hash, sha256hex(wasm));
      assert.equal(state.status, 'running');
      assert.ok(!r.output.includes(token), 'the token is never printed');
    }
  });

  await t.test('refusals name the way out and leave the module alone', async () => {
    const { canister_id: canister } = await admin(fx.url, 'POST', 'canisters', { controllers: [await principalOf('icp-ed25519')] });
    const before = await admin(fx.url, 'GET', `canisters/${canister}`);
    const base = ['backup', '--canister', canister, '--network', fx.url];
    const missing = await run(HELPER, [...base, '--identity', 'nobody'], { env: { ICP_HOME: icp.home } });
    assert.equal(missing.code, 2, missing.output);
    assert.match(missing.stderr, /'nobody' is neither a file nor a named identity/);
    assert.match(missing.stderr, /Nothing was done: the module was not contacted/);
    await icpRun(['identity', 'import', 'locked', '--from-seed-file', join(icp.home, 'seed'), '--storage', 'password', '--storage-password-file', join(icp.home, 'seed')]);
    const locked = await run(HELPER, [...base, '--identity', 'locked'], { env: { ICP_HOME: icp.home } });
    assert.equal(locked.code, 2, locked.output);
    assert.match(locked.stderr, /password-protected.*icp identity export locked > locked\.pem/s);
    const badToken = 'eyJ0b2tlbiI6WyJ4eHh4Il19';
    const token = await run(HELPER, base, { env: { ...noStores, JUNO_TOKEN: badToken } });
    assert.equal(token.code, 2, token.output);
    assert.match(token.stderr, /JUNO_TOKEN/);
    assert.ok(!token.output.includes(badToken), 'the token is not echoed');
    // The token pasted where the identity belongs is refused without being printed.
    const pasted = await run(HELPER, [...base, '--identity', strangerTokenFor()], { env: noStores });
    assert.equal(pasted.code, 2, pasted.output);
    assert.match(pasted.stderr, /looks like the key itself, so it is not shown/);
    assert.ok(!pasted.output.includes('eyJ0b2tl'), 'the token is not echoed');
    // A key that controls nothing: the controller hint names where it came from.
    const Ed25519KeyIdentity = makeIdentity('ed25519').identity.constructor;
    const stranger = Ed25519KeyIdentity.generate();
    const strangerToken = btoa(JSON.stringify({ token: stranger.toJSON() }));
    const refused = await run(HELPER, base, { env: { ...noStores, JUNO_TOKEN: strangerToken } });
    assert.notEqual(refused.code, 0, refused.output);
    assert.match(refused.stderr, new RegExp(`The identity ${stranger.getPrincipal().toText()} \\(from JUNO_TOKEN\\) is not allowed to do this: it is not a controller`));
    assert.ok(!refused.output.includes(strangerToken), 'the token is not echoed');
    const named = await run(HELPER, [...base, '--identity', 'icp-secp256k1'], { env: { ICP_HOME: icp.home } });
    assert.notEqual(named.code, 0, named.output);
    assert.match(named.stderr, /\(from icp identity 'icp-secp256k1' \(.*icp-secp256k1\.pem\)\) is not allowed to do this: it is not a controller/);
    assert.deepEqual(await admin(fx.url, 'GET', `canisters/${canister}`), before);
  });
});
