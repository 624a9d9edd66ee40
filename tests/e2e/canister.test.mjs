// The example satellite (examples/satellite: a C++ counter built for wasm32 with clang through
// CMake) running in the local replica, driven by its CMake targets and called with DFINITY's icp
// CLI: an upgrade keeps the data and changes the behaviour, a restore brings both back, and an
// upgrade whose post_upgrade traps leaves the running version and its data alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, run, HELPER, sha256hex } from './harness.mjs';
import { IcpCli } from '../replica/test/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = join(here, '..', '..', 'examples', 'satellite');

// examples/satellite configured against `fx`'s replica, with the prebuilt helper and a
// juno.config.json naming fx's module as the development satellite.
async function satellite(fx, version) {
  const build = mkdtempSync(join(fx.dir, 'satellite-'));
  const config = fx.writeFile('juno.config.json', JSON.stringify({ satellite: { ids: { development: fx.canister } } }));
  const configure = (defines) => run('cmake', [...Object.entries(defines).map(([k, v]) => `-D${k}=${v}`), '-S', EXAMPLE, '-B', build]);
  const r = await configure({
    JUNO_HELPER_EXECUTABLE: HELPER,
    JUNO_NETWORK: fx.url,
    JUNO_IDENTITY: fx.pem,
    JUNO_MODE: 'development',
    JUNO_CONFIG: config,
    SATELLITE_VERSION: version,
  });
  if (r.code !== 0) throw new Error(`configuring examples/satellite failed:\n${r.output}`);
  return {
    target: (name) => run('cmake', ['--build', build, '--target', name]),
    async use(next) {
      const again = await configure({ SATELLITE_VERSION: next });
      if (again.code !== 0) throw new Error(`reconfiguring failed:\n${again.output}`);
    },
    wasm: () => readFileSync(join(build, 'wasm', 'satellite.wasm')),
  };
}

// `icp canister call` as the module's owner; icp reads the Candid interface from the module's
// `candid:service` metadata, so it knows `get` and `version` are queries. Cleaned up when the test
// `t` ends.
async function icpFor(fx, t) {
  const icp = new IcpCli(fx.url);
  t.after(() => icp.cleanup());
  await icp.importIdentity('owner', fx.owner);
  const call = async (method) => {
    const { stdout } = await icp.run(['canister', 'call', fx.canister, method, '()'], { identity: 'owner' });
    return stdout.trim();
  };
  return { call };
}

const targetOk = (result, name) => assert.equal(result.code, 0, `${name} failed:\n${result.output}`);

test('upgrade keeps the data and changes the behaviour; restore brings the old version and data back', async (t) => {
  const fx = await fixture(t);
  const icp = await icpFor(fx, t);
  const sat = await satellite(fx, '1');
  targetOk(await sat.target('juno_upgrade'), 'juno_upgrade (install v1)');
  const v1 = sat.wasm();
  assert.equal((await fx.state()).module_hash, sha256hex(v1));
  assert.equal(await icp.call('increment'), '(1 : nat64)');
  assert.equal(await icp.call('version'), '("1")');

  await sat.use('2');
  const upgrade = await sat.target('juno_upgrade');
  targetOk(upgrade, 'juno_upgrade (v2)');
  assert.match(upgrade.output, /exact restore point/);
  let state = await fx.state();
  assert.equal(state.module_hash, sha256hex(sat.wasm()));
  assert.equal(state.status, 'running');
  assert.equal(state.snapshots.length, 1);
  assert.equal(await icp.call('get'), '(1 : nat64)', 'the counter survived the upgrade');
  assert.equal(await icp.call('version'), '("2")');
  assert.equal(await icp.call('increment'), '(11 : nat64)', 'v2 counts in tens');
  assert.equal(await icp.call('increment'), '(21 : nat64)');

  targetOk(await sat.target('juno_restore'), 'juno_restore');
  state = await fx.state();
  assert.equal(state.module_hash, sha256hex(v1));
  assert.equal(state.status, 'running');
  assert.equal(await icp.call('version'), '("1")');
  assert.equal(await icp.call('get'), '(1 : nat64)', 'the data from before the upgrade is back');
  assert.equal(await icp.call('increment'), '(2 : nat64)', 'and so is v1\'s behaviour');
});

test('an upgrade whose post_upgrade traps fails; the previous version runs on with its data', async (t) => {
  const fx = await fixture(t);
  const icp = await icpFor(fx, t);
  const sat = await satellite(fx, '1');
  targetOk(await sat.target('juno_upgrade'), 'juno_upgrade (install v1)');
  const v1 = sat.wasm();
  await icp.call('increment');
  assert.equal(await icp.call('increment'), '(2 : nat64)');

  await sat.use('broken');
  const upgrade = await sat.target('juno_upgrade');
  assert.notEqual(upgrade.code, 0, 'the upgrade must fail');
  assert.match(upgrade.output, /IC0503/);
  assert.match(upgrade.output, /Canister called `ic0.trap` with message: 'this build cannot read the counter saved by the previous version'/);
  assert.match(upgrade.output, /runs its previous version again/);
  assert.match(upgrade.output, /Restore point: backup 0x/);

  const state = await fx.state();
  assert.equal(state.status, 'running');
  assert.equal(state.module_hash, sha256hex(v1));
  assert.equal(state.snapshots.length, 1, 'the backup taken before the upgrade is kept');
  assert.equal(await icp.call('version'), '("1")');
  assert.equal(await icp.call('get'), '(2 : nat64)');
  assert.equal(await icp.call('increment'), '(3 : nat64)');
});
