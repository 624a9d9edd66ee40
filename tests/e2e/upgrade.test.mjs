// juno_upgrade and juno_restore on a module in the local replica, run as CMake targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, project, setMemory, sha256hex, wasmModule, bigWasmModule, methodsCalled, run, HELPER } from './harness.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });

// An installed v1 module with some state, ready for an upgrade to v2.
async function installedModule(fx, cache = {}) {
  const p1 = await project(fx, { wasm: fx.writeWasm('v1.wasm', v1), cache });
  const first = await p1.target('juno_upgrade');
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /Nothing to back up: .* has no module installed yet/);
  assert.equal((await fx.state()).module_hash, sha256hex(v1));
  await setMemory(fx, { stable: 'stable state of v1', heap: 'heap state of v1' });
  return fx.state();
}

test('juno_upgrade backs up, upgrades, and juno_restore brings the old module back', async (t) => {
  const fx = await fixture(t);
  try {
    const before = await installedModule(fx);
    const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2) });
    const upgrade = await p2.target('juno_upgrade');
    assert.equal(upgrade.code, 0, upgrade.output);

    const after = await fx.state();
    assert.equal(after.status, 'running');
    assert.equal(after.module_hash, sha256hex(v2));
    assert.equal(after.stable_memory_sha256, before.stable_memory_sha256, 'stable memory survives');
    assert.equal(after.snapshots.length, 1);
    const [backup] = after.snapshots;
    assert.equal(backup.module_hash, sha256hex(v1));
    assert.equal(backup.stable_memory_sha256, before.stable_memory_sha256);
    assert.equal(backup.wasm_memory_sha256, before.wasm_memory_sha256);
    assert.match(upgrade.output, /has not changed since backup .*exact restore point/);

    const restore = await p2.target('juno_restore');
    assert.equal(restore.code, 0, restore.output);
    const restored = await fx.state();
    assert.equal(restored.status, 'running');
    assert.equal(restored.module_hash, sha256hex(v1));
    assert.equal(restored.stable_memory_sha256, before.stable_memory_sha256);
    assert.equal(restored.wasm_memory_sha256, before.wasm_memory_sha256);
    assert.match(restore.output, /Restored module satellite .* from backup 0x/);
  } finally {
    await fx.close();
  }
});

test('a change between the backup step and the upgrade step is in the restore point', async (t) => {
  const fx = await fixture(t);
  try {
    await installedModule(fx);
    const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), writeBetween: true });
    const upgrade = await p2.target('juno_upgrade');
    assert.equal(upgrade.code, 0, upgrade.output);
    assert.match(upgrade.output, /changed after backup .*backing it up again while it is stopped/);
    const after = await fx.state();
    assert.equal(after.snapshots.length, 1, 'the retaken backup replaces the backup step\'s one');
    assert.equal(after.snapshots[0].stable_memory_sha256, sha256hex(new TextEncoder().encode('written during the build')));
    assert.equal(after.module_hash, sha256hex(v2));
    assert.equal(after.status, 'running');
  } finally {
    await fx.close();
  }
});

test('a record of a backup that was since deleted is not trusted: the upgrade takes its own', async (t) => {
  const fx = await fixture(t);
  await installedModule(fx);
  const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2) });
  const backup = await p2.target('juno_backup');
  assert.equal(backup.code, 0, backup.output);
  const [taken] = (await fx.state()).snapshots;
  const deleted = await run(HELPER, ['delete', '--config', `${p2.build}/juno/satellite.json`, '--snapshot', `0x${taken.id}`]);
  assert.equal(deleted.code, 0, deleted.output);
  const before = await fx.state();
  assert.equal(before.snapshots.length, 0);
  // The helper's record says that backup holds the module's state; the list says it is gone.
  const upgrade = await run(HELPER, ['upgrade', '--config', `${p2.build}/juno/satellite.json`, '--wasm', fx.writeWasm('v2b.wasm', v2)]);
  assert.equal(upgrade.code, 0, upgrade.output);
  assert.doesNotMatch(upgrade.output, /exact restore point/);
  assert.match(upgrade.output, /taking a backup of module satellite/);
  const after = await fx.state();
  assert.equal(after.snapshots.length, 1, 'a new restore point');
  assert.equal(after.snapshots[0].module_hash, before.module_hash);
  assert.equal(after.snapshots[0].stable_memory_sha256, before.stable_memory_sha256);
  assert.match(upgrade.output, new RegExp(`Restore point: backup 0x${after.snapshots[0].id}`));
});

test('JUNO_UPGRADE_BACKUP=OFF upgrades without a backup', async (t) => {
  const fx = await fixture(t);
  try {
    await installedModule(fx);
    const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
    await fx.clearLog();
    const upgrade = await p2.target('juno_upgrade');
    assert.equal(upgrade.code, 0, upgrade.output);
    const after = await fx.state();
    assert.equal(after.module_hash, sha256hex(v2));
    assert.equal(after.snapshots.length, 0);
    assert.equal(methodsCalled(await fx.log(), 'take_canister_snapshot').length, 0);
  } finally {
    await fx.close();
  }
});

test('a module with enhanced orthogonal persistence keeps its Wasm memory across the upgrade', async (t) => {
  const fx = await fixture(t);
  try {
    // Motoko marks such modules with a private metadata section; the IC then requires the
    // upgrade to say `wasm_memory_persistence = opt keep`.
    const eop = (v) => wasmModule({ 'icp:private enhanced-orthogonal-persistence': [], version: [v] });
    const p1 = await project(fx, { wasm: fx.writeWasm('eop1.wasm', eop(1)) });
    assert.equal((await p1.target('juno_upgrade')).code, 0);
    await setMemory(fx, { heap: 'orthogonal heap', stable: 'stable too' });
    const before = await fx.state();
    const p2 = await project(fx, { wasm: fx.writeWasm('eop2.wasm', eop(2)) });
    const r = await p2.target('juno_upgrade');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /enhanced orthogonal persistence: its Wasm memory is kept/);
    const after = await fx.state();
    assert.equal(after.module_hash, sha256hex(eop(2)));
    assert.equal(after.wasm_memory_sha256, before.wasm_memory_sha256, 'the heap survives');
    assert.equal(after.snapshots.length, 1);
  } finally {
    await fx.close();
  }
});

test('the same Wasm twice: the second upgrade changes nothing', async (t) => {
  const fx = await fixture(t);
  try {
    await installedModule(fx);
    const p1 = await project(fx, { wasm: fx.writeWasm('v1.wasm', v1), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
    const before = await fx.state();
    const again = await p1.target('juno_upgrade_satellite');
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /already runs module [0-9a-f]{64}; nothing to upgrade/);
    assert.equal((await fx.state()).version, before.version, 'the module was not touched');
  } finally {
    await fx.close();
  }
});

test('a module over 2 MB goes through chunks, and a retry reuses the chunks already stored', async (t) => {
  const fx = await fixture(t);
  try {
    await installedModule(fx);
    const big = bigWasmModule(2_600_000);
    const p2 = await project(fx, { wasm: fx.writeWasm('big.wasm', big) });
    await fx.faults({ fail_install_code: 1 });
    await fx.clearLog();
    const failed = await p2.target('juno_upgrade');
    assert.notEqual(failed.code, 0);
    assert.equal(methodsCalled(await fx.log(), 'upload_chunk').length, 3);
    let state = await fx.state();
    assert.equal(state.status, 'running', 'a failed upgrade leaves the module running');
    assert.equal(state.module_hash, sha256hex(v1));
    assert.equal(state.chunk_hashes.length, 3, 'the uploaded chunks stay for the retry');
    assert.match(failed.output, /runs its previous version again/);
    assert.match(failed.output, /Restore point: backup 0x/);
    assert.match(failed.output, /run the upgrade again: cmake --build .* --target juno_upgrade_satellite/);

    await fx.clearLog();
    const retry = await p2.target('juno_upgrade');
    assert.equal(retry.code, 0, retry.output);
    const log = await fx.log();
    assert.equal(methodsCalled(log, 'upload_chunk').length, 0, 'no chunk is uploaded twice');
    assert.equal(methodsCalled(log, 'install_chunked_code').length, 1);
    state = await fx.state();
    assert.equal(state.module_hash, sha256hex(big));
    assert.equal(state.chunk_hashes.length, 0, 'the chunk store is cleared afterwards');
    assert.match(retry.output, /already holds 3 of 3 chunks/);
  } finally {
    await fx.close();
  }
});
