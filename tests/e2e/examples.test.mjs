// The examples built from clean folders and driven through their targets against the local
// replica: examples/multi-module (one `juno_upgrade` backs up and upgrades both modules) and
// examples/motoko (a Motoko actor compiled by the build, upgraded with its state kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startReplica, makeIdentity, admin, IcpCli } from '../replica/test/harness.mjs';
import { run, HELPER, sha256hex } from './harness.mjs';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'multi-module');

test('examples/multi-module: juno_upgrade backs up and upgrades the satellite and the orbiter', async () => {
  const replica = await startReplica();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'juno-e2e-multi-'));
    const owner = makeIdentity('ed25519');
    const pem = join(dir, 'owner.pem');
    writeFileSync(pem, owner.pem);
    // The replica hands out ids in order; juno.config.json names the first two for development.
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] })).canister_id);
    assert.deepEqual(ids, ['bnz7o-iuaaa-aaaaa-qaaaa-cai', 'bkyz2-fmaaa-aaaaa-qaaaq-cai']);

    const build = join(dir, 'build');
    const configure = await run('cmake', ['-S', example, '-B', build, `-DJUNO_HELPER_EXECUTABLE=${HELPER}`,
      '-DJUNO_MODE=development', `-DJUNO_NETWORK=${replica.url}`, `-DJUNO_IDENTITY=${pem}`]);
    assert.equal(configure.code, 0, configure.output);
    const target = (name) => run('cmake', ['--build', build, '--target', name]);

    const install = await target('juno_upgrade');
    assert.equal(install.code, 0, install.output);
    const installed = await Promise.all(ids.map((id) => admin(replica.url, 'GET', `canisters/${id}`)));
    for (const s of installed) assert.ok(s.module_hash, 'both modules installed');

    const reconfigure = await run('cmake', ['-DSATELLITE_STEP=10', '-DORBITER_STEP=100', build]);
    assert.equal(reconfigure.code, 0, reconfigure.output);
    const upgrade = await target('juno_upgrade');
    assert.equal(upgrade.code, 0, upgrade.output);
    // One aggregate run backs both modules up side by side, each line labelled.
    assert.match(upgrade.output, /^satellite \| Backed up module satellite/m);
    assert.match(upgrade.output, /^orbiter   \| Backed up module orbiter/m);
    assert.match(upgrade.output, /backup: 2 of 2 modules done/);
    for (const [i, id] of ids.entries()) {
      const s = await admin(replica.url, 'GET', `canisters/${id}`);
      assert.equal(s.status, 'running');
      assert.notEqual(s.module_hash, installed[i].module_hash, 'upgraded');
      assert.equal(s.snapshots.length, 1);
      assert.equal(s.snapshots[0].module_hash, installed[i].module_hash, 'the backup holds the old module');
    }

    const list = await target('juno_backup_list');
    assert.equal(list.code, 0, list.output);
    assert.match(list.output, /Backups of module satellite/);
    assert.match(list.output, /Backups of module orbiter/);
  } finally {
    await replica.stop();
  }
});

const motokoExample = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'motoko');
// The Motoko compiler the tests install (tests/motoko), standing in for the example's own `npm ci`.
const motokoPackage = join(dirname(fileURLToPath(import.meta.url)), '..', 'motoko', 'node_modules', 'motoko');

test('examples/motoko: the build compiles the actor; juno_upgrade keeps the count, juno_restore brings back version 1', async (t) => {
  const replica = await startReplica();
  const icp = new IcpCli(replica.url);
  t.after(async () => {
    icp.cleanup();
    await replica.stop();
  });
  const dir = mkdtempSync(join(tmpdir(), 'juno-e2e-motoko-'));
  const owner = makeIdentity('ed25519');
  const pem = join(dir, 'owner.pem');
  writeFileSync(pem, owner.pem);
  await icp.importIdentity('owner', owner);
  const { canister_id: id } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
  const call = async (method) => (await icp.run(['canister', 'call', id, method, '()'], { identity: 'owner' })).stdout.trim();
  const state = () => admin(replica.url, 'GET', `canisters/${id}`);

  // A clean build folder: the module does not exist until the build compiles it.
  const build = join(dir, 'build');
  const configure = await run('cmake', ['-S', motokoExample, '-B', build, `-DJUNO_HELPER_EXECUTABLE=${HELPER}`,
    `-DCOUNTER_ID=${id}`, `-DMOTOKO_PACKAGE_DIR=${motokoPackage}`, `-DJUNO_NETWORK=${replica.url}`, `-DJUNO_IDENTITY=${pem}`]);
  assert.equal(configure.code, 0, configure.output);
  assert.equal(existsSync(join(build, 'counter.wasm')), false);
  const target = (name) => run('cmake', ['--build', build, '--target', name]);

  const install = await target('juno_upgrade');
  assert.equal(install.code, 0, install.output);
  assert.match(install.output, /Compiling counter version 1 \(enhanced persistence\) with Motoko/);
  const v1 = readFileSync(join(build, 'counter.wasm'));
  assert.equal((await state()).module_hash, sha256hex(v1));
  assert.match(readFileSync(join(build, 'counter.did'), 'utf8'), /increment: \(\) -> \(nat\);/);
  assert.equal(await call('increment'), '(1 : nat)');
  assert.equal(await call('increment'), '(2 : nat)');

  const reconfigure = await run('cmake', ['-DCOUNTER_VERSION=2', build]);
  assert.equal(reconfigure.code, 0, reconfigure.output);
  const upgrade = await target('juno_upgrade');
  assert.equal(upgrade.code, 0, upgrade.output);
  assert.match(upgrade.output, /Compiling counter version 2/);
  assert.match(upgrade.output, /its Wasm memory is kept/);
  const v2 = readFileSync(join(build, 'counter.wasm'));
  const upgraded = await state();
  assert.equal(upgraded.module_hash, sha256hex(v2));
  assert.equal(upgraded.snapshots[0].module_hash, sha256hex(v1));
  assert.equal(await call('get'), '(2 : nat)', 'the count survived the upgrade');
  assert.equal(await call('increment'), '(3 : nat)');
  assert.equal(await call('increments_since_upgrade'), '(1 : nat)', 'version 2\'s new field');

  const restore = await target('juno_restore');
  assert.equal(restore.code, 0, restore.output);
  assert.equal((await state()).module_hash, sha256hex(v1));
  assert.equal(await call('get'), '(2 : nat)', 'version 1 and its count are back');
});
