// Modules from a real compiler: a counter built by DFINITY's Motoko compiler (npm `motoko`,
// tests/motoko) in both its persistence modes, installed, upgraded and restored by the CMake
// targets of tests/e2e/project against the local replica, and called with DFINITY's icp CLI in
// between. Enhanced orthogonal persistence keeps the count in the Wasm heap, which the upgrade
// keeps; classical persistence carries it through stable memory. An upgrade the Motoko runtime
// refuses (a stable field changes type) leaves the previous version running with its count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, project, sha256hex } from './harness.mjs';
import { IcpCli } from '../replica/test/harness.mjs';
import { compileActor, MODES, COUNTER_V1, COUNTER_V2, COUNTER_INCOMPATIBLE } from '../motoko/compile.mjs';

const compiled = new Map();
const counter = (source, mode) => {
  const key = `${mode}\n${source}`;
  if (!compiled.has(key)) compiled.set(key, compileActor(source, mode).wasm);
  return compiled.get(key);
};

// `icp canister call` as the module's owner; icp reads the interface from the module's
// candid:service metadata.
async function icpFor(fx, t) {
  const icp = new IcpCli(fx.url);
  t.after(() => icp.cleanup());
  await icp.importIdentity('owner', fx.owner);
  return async (method) => (await icp.run(['canister', 'call', fx.canister, method, '()'], { identity: 'owner' })).stdout.trim();
}

const targetOk = (result, name) => assert.equal(result.code, 0, `${name} failed:\n${result.output}`);

// The module's three versions as files, and the project building the one under test.
async function counterProject(fx, mode) {
  const files = {
    v1: fx.writeWasm('v1.wasm', counter(COUNTER_V1, mode)),
    v2: fx.writeWasm('v2.wasm', counter(COUNTER_V2, mode)),
    incompatible: fx.writeWasm('incompatible.wasm', counter(COUNTER_INCOMPATIBLE, mode)),
  };
  const p = await project(fx, { wasm: files.v1 });
  return { ...p, files, use: (name) => p.reconfigure({ E2E_WASM_SOURCE: files[name] }) };
}

for (const mode of MODES) {
  test(`${mode} persistence: juno_upgrade keeps the count; juno_restore brings back version 1 and its count`, async (t) => {
    const fx = await fixture(t);
    const call = await icpFor(fx, t);
    const p = await counterProject(fx, mode);
    targetOk(await p.target('juno_upgrade'), 'juno_upgrade (install v1)');
    assert.equal((await fx.state()).module_hash, sha256hex(counter(COUNTER_V1, mode)));
    assert.equal(await call('increment'), '(1 : nat)');
    assert.equal(await call('increment'), '(2 : nat)');

    await p.use('v2');
    const upgrade = await p.target('juno_upgrade');
    targetOk(upgrade, 'juno_upgrade (v2)');
    if (mode === 'enhanced') assert.match(upgrade.output, /enhanced orthogonal persistence: its Wasm memory is kept/);
    else assert.doesNotMatch(upgrade.output, /Wasm memory is kept/);
    let state = await fx.state();
    assert.equal(state.module_hash, sha256hex(counter(COUNTER_V2, mode)));
    assert.equal(state.snapshots.length, 1);
    assert.equal(state.snapshots[0].module_hash, sha256hex(counter(COUNTER_V1, mode)), 'the backup holds version 1');
    assert.equal(await call('get'), '(2 : nat)', 'the count survived the upgrade');
    assert.equal(await call('hello'), '("version 2")', 'version 2\'s new field');
    assert.equal(await call('increment'), '(3 : nat)');

    targetOk(await p.target('juno_restore'), 'juno_restore');
    state = await fx.state();
    assert.equal(state.module_hash, sha256hex(counter(COUNTER_V1, mode)));
    assert.equal(state.status, 'running');
    assert.equal(await call('get'), '(2 : nat)', 'version 1\'s count is back');
    assert.equal(await call('increment'), '(3 : nat)');
  });
}

test('enhanced persistence: an upgrade the Motoko runtime refuses leaves version 1 running with its count', async (t) => {
  const fx = await fixture(t);
  const call = await icpFor(fx, t);
  const p = await counterProject(fx, 'enhanced');
  targetOk(await p.target('juno_upgrade'), 'juno_upgrade (install v1)');
  await call('increment');
  assert.equal(await call('increment'), '(2 : nat)');
  const before = await fx.state();

  await p.use('incompatible');
  const upgrade = await p.target('juno_upgrade');
  assert.notEqual(upgrade.code, 0, 'the upgrade must fail');
  assert.match(upgrade.output, /IC0503/);
  // The runtime's reason, quoted; the state the module is in; the restore point; what to do.
  assert.match(upgrade.output, /'RTS error: Memory-incompatible program upgrade'/);
  assert.match(upgrade.output, /runs its previous version again/);
  assert.match(upgrade.output, /Restore point: backup 0x[0-9a-f]+ from /);
  assert.match(upgrade.output, /stable variables .* not compatible/);
  assert.doesNotMatch(upgrade.output, /JUNO_SKIP_PRE_UPGRADE/, 'skipping pre_upgrade cannot help here');

  const state = await fx.state();
  assert.equal(state.status, 'running');
  assert.equal(state.module_hash, before.module_hash);
  assert.equal(state.wasm_memory_sha256, before.wasm_memory_sha256);
  assert.equal(state.snapshots.length, 1, 'the backup taken before the upgrade is kept');
  assert.equal(await call('get'), '(2 : nat)');
  assert.equal(await call('increment'), '(3 : nat)');
});
