// Every way a module can get stuck has a way out that works as printed: a permission refusal
// whatever its code, an emptied module, an unchanged Wasm with a new argument, a pre_upgrade that
// traps, a chunk store full of leftovers, a backup the IC cannot load yet. Each case asserts the
// replica's state afterwards through its admin API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  fixture, project, setMemory, sha256hex, wasmModule, bigWasmModule, makeOtherIdentity, managementFor,
  methodsCalled, run, HELPER, Principal,
} from './harness.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });

// Runs `make <target>` with extra environment variables (what a user types as VAR=1 make ...).
const targetWith = (p, name, env) => run('cmake', ['--build', p.build, '--target', name], { env });
const moduleConfig = (p) => `${p.build}/juno/satellite.json`;

async function installed(fx, wasm = v1, cache = {}) {
  const p = await project(fx, { wasm: fx.writeWasm(`installed-${sha256hex(wasm).slice(0, 8)}.wasm`, wasm), cache });
  const r = await p.target('juno_upgrade');
  assert.equal(r.code, 0, r.output);
  return p;
}

// What must hold after any refusal: the module runs what it ran, with the same backups and data.
async function assertUntouched(fx, before, output) {
  const after = await fx.state();
  assert.equal(after.status, 'running', output);
  assert.equal(after.module_hash, before.module_hash, output);
  assert.equal(after.stable_memory_sha256, before.stable_memory_sha256, output);
  assert.deepEqual(after.snapshots.map((s) => s.id), before.snapshots.map((s) => s.id), output);
}

// ---- permission refusals, whatever their code --------------------------------------------------

test('a non-controller gets the controller hint and a command that works as printed (IC0512)', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  const other = makeOtherIdentity();
  const pem = fx.writeFile('other.pem', other.pem);
  const p = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), identity: pem });
  const before = await fx.state();
  const r = await p.target('juno_backup');
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /IC0512/);
  assert.match(r.output, new RegExp(`The identity ${other.principal} \\(from file \\S+other\\.pem\\) is not allowed to do this`));
  assert.match(r.output, new RegExp(`--add-controller ${other.principal}\\), then run: cmake --build \\S+ --target juno_backup_satellite`));
  assert.doesNotMatch(r.output, /Run it again with/, 'repeating it cannot help');
  await assertUntouched(fx, before, r.output);
});

for (const [name, rule, pattern] of [
  ['IC0406 (the IC refusing a read by a non-controller)',
    { method: 'canister_status', action: 'reject', code: 406, message: 'Only controllers of canister CANISTER can call ic00 method canister_status' },
    /IC0406/],
  ['reject code 3 saying "not authorized"',
    { method: 'canister_status', action: 'reject', code: 302, message: 'Caller is not authorized to call canister_status on CANISTER' },
    /IC0302/],
  ['HTTP 403 from the boundary',
    { method: 'canister_status', action: 'error', status: 403 },
    /HTTP 403/],
]) {
  test(`the controller hint also follows ${name}`, async (t) => {
    const fx = await fixture(t);
    const p = await installed(fx);
    await setMemory(fx, { stable: 'kept' });
    const before = await fx.state();
    if (rule.message) rule.message = rule.message.replace('CANISTER', fx.canister);
    await fx.faults({ method: [{ ...rule, count: -1 }] });
    // The backup target, and the upgrade's own refusal (the upgrade target would stop at its
    // backup step first).
    const attempts = {
      backup: () => p.target('juno_backup'),
      upgrade: () => run(HELPER, ['upgrade', '--config', moduleConfig(p), '--wasm', fx.writeWasm('v2.wasm', v2), '--no-backup']),
    };
    for (const [command, attempt] of Object.entries(attempts)) {
      const r = await attempt();
      assert.notEqual(r.code, 0, r.output);
      assert.match(r.output, pattern, r.output);
      assert.match(r.output, /is not allowed to do this: it is not a controller of module satellite/, r.output);
      assert.match(r.output, new RegExp(`then run: cmake --build \\S+ --target juno_${command}_satellite`), r.output);
      assert.doesNotMatch(r.output, /Run it again with/, r.output);
    }
    await fx.faults({ method: [] });
    await assertUntouched(fx, before, 'after the refusals');
  });
}

test('an ordinary rejection gets no controller hint', async (t) => {
  const fx = await fixture(t);
  const p = await installed(fx);
  await fx.faults({ method: [{ method: 'canister_status', action: 'reject', code: 201, message: 'Canister queue is full', count: -1 }] });
  const r = await p.target('juno_backup');
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /IC0201/);
  assert.doesNotMatch(r.output, /not allowed to do this/);
  assert.match(r.output, /Run it again with: cmake --build \S+ --target juno_backup_satellite/);
});

// ---- a module emptied of its code --------------------------------------------------------------

test('an emptied module keeps its backups: backup skips with the real count, upgrade refuses to install', async (t) => {
  const fx = await fixture(t);
  const p1 = await installed(fx);
  await setMemory(fx, { stable: 'before the uninstall' });
  assert.equal((await p1.target('juno_backup')).code, 0);
  const backedUp = await fx.state();
  assert.equal(backedUp.snapshots.length, 1);
  await (await managementFor(fx.url, fx.owner.identity)).uninstallCode({ canisterId: Principal.fromText(fx.canister) });
  const emptied = await fx.state();
  assert.equal(emptied.module_hash, null);

  const backup = await run(HELPER, ['backup', '--config', moduleConfig(p1), '--json']);
  assert.equal(backup.code, 0, backup.output);
  const doc = JSON.parse(backup.stdout);
  assert.equal(doc.outcome, 'skipped');
  assert.equal(doc.count, 1, 'the backup it holds is counted');

  const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2) });
  const r = await p2.target('juno_upgrade');
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /Its 1 backup\(s\) are kept/);
  assert.match(r.output, /upgrade refused: module satellite \(\S+\) has no code installed but holds 1 backup\(s\)/);
  assert.match(r.output, /To bring back the backed-up state, run: cmake --build \S+ --target juno_restore_satellite/);
  let s = await fx.state();
  assert.equal(s.module_hash, null, 'nothing was installed');
  assert.deepEqual(s.snapshots, emptied.snapshots, 'the backup is unchanged');

  // The way back works as printed.
  const restored = await p2.target('juno_restore');
  assert.equal(restored.code, 0, restored.output);
  s = await fx.state();
  assert.equal(s.module_hash, sha256hex(v1));
  assert.equal(s.stable_memory_sha256, backedUp.snapshots[0].stable_memory_sha256);

  // And a fresh install is one explicit choice away.
  await (await managementFor(fx.url, fx.owner.identity)).uninstallCode({ canisterId: Principal.fromText(fx.canister) });
  const fresh = await targetWith(p2, 'juno_upgrade', { JUNO_FRESH_INSTALL: '1' });
  assert.equal(fresh.code, 0, fresh.output);
  s = await fx.state();
  assert.equal(s.module_hash, sha256hex(v2));
  assert.equal(s.snapshots.length, 1, 'the backup of the state before the uninstall is still there');
});

test('a module that never had code installs as before', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  assert.equal((await fx.state()).module_hash, sha256hex(v1));
});

// ---- an unchanged Wasm with a new install argument ---------------------------------------------

test('an unchanged Wasm upgrades when its install argument changed, or when forced', async (t) => {
  const fx = await fixture(t);
  const p = await installed(fx, v1, { JUNO_UPGRADE_BACKUP: 'OFF' });
  const wasm = fx.writeWasm('v2.wasm', v2);
  const upgrade = (arg, ...more) => run(HELPER, ['upgrade', '--config', moduleConfig(p), '--wasm', wasm, '--no-backup', '--arg-file', arg, ...more]);
  const a1 = fx.writeFile('a1.bin', 'DIDL\x00\x00');
  const a2 = fx.writeFile('a2.bin', 'DIDL\x00\x01\x71\x02hi');

  let r = await upgrade(a1);
  assert.equal(r.code, 0, r.output);
  const first = await fx.state();
  assert.equal(first.module_hash, sha256hex(v2));

  r = await upgrade(a1);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /nothing to upgrade/);
  assert.equal((await fx.state()).version, first.version, 'the same Wasm and argument: nothing done');

  r = await upgrade(a2);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /the install argument changed since it was installed/);
  const second = await fx.state();
  assert.ok(second.version > first.version, 'upgraded to pass the new argument');
  assert.equal(second.status, 'running');

  r = await upgrade(a2, '--force');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /upgrading it anyway, as asked/);
  const third = await fx.state();
  assert.ok(third.version > second.version, 'forced');

  r = await run(HELPER, ['upgrade', '--config', moduleConfig(p), '--wasm', wasm, '--no-backup'], { env: { JUNO_FORCE_UPGRADE: 'maybe' } });
  assert.equal(r.code, 2, r.output);
  assert.match(r.output, /JUNO_FORCE_UPGRADE is 'maybe'/);
  assert.equal((await fx.state()).version, third.version, 'a typo does nothing');
});

// ---- a pre_upgrade that traps ------------------------------------------------------------------

// A module whose canister_pre_upgrade is `unreachable`: no upgrade gets past it.
function trappingPreUpgrade(tag) {
  const name = [...Buffer.from('canister_pre_upgrade')];
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types = [0x01, 0x04, 0x01, 0x60, 0x00, 0x00];
  const funcs = [0x03, 0x02, 0x01, 0x00];
  const exports = [0x07, 1 + 1 + name.length + 2, 0x01, name.length, ...name, 0x00, 0x00];
  const code = [0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b];
  const custom = Buffer.from(wasmModule({ tag: [...Buffer.from(tag)] })).subarray(8);
  return Uint8Array.from([...head, ...types, ...funcs, ...exports, ...code, ...custom]);
}

test('a trapping pre_upgrade: the error names the way out, which works only after the backup', async (t) => {
  const fx = await fixture(t);
  const stuck = trappingPreUpgrade('v1');
  await installed(fx, stuck);
  await setMemory(fx, { stable: 'state of the stuck module' });
  const p = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2) });
  const before = await fx.state();

  let r = await p.target('juno_upgrade');
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /Canister trapped: unreachable/);
  assert.match(r.output, /runs its previous version again/);
  assert.match(r.output, /fix the build and run the upgrade again: cmake --build \S+ --target juno_upgrade_satellite/);
  assert.match(r.output, /no new build can fix it; the upgrade can skip it with: JUNO_SKIP_PRE_UPGRADE=1 cmake --build \S+ --target juno_upgrade_satellite/);
  assert.match(r.output, /state held only in the heap is lost/);
  let s = await fx.state();
  assert.equal(s.module_hash, sha256hex(stuck));
  assert.equal(s.status, 'running');

  // Without the backup step the risk is refused outright, before anything is touched.
  r = await run(HELPER, ['upgrade', '--config', moduleConfig(p), '--skip-pre-upgrade', '--no-backup']);
  assert.equal(r.code, 2, r.output);
  assert.match(r.output, /only done after the backup step/);
  s = await fx.state();
  assert.equal(s.module_hash, sha256hex(stuck));
  assert.equal(s.snapshots.length, 1);

  // As printed: the variable on the make command line.
  await fx.clearLog();
  r = await targetWith(p, 'juno_upgrade_satellite', { JUNO_SKIP_PRE_UPGRADE: '1' });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /pre_upgrade is skipped, as asked; backup 0x[0-9a-f]+ holds its state/);
  s = await fx.state();
  assert.equal(s.module_hash, sha256hex(v2));
  assert.equal(s.status, 'running');
  assert.equal(s.stable_memory_sha256, before.stable_memory_sha256, 'stable memory carries over');
  assert.equal(s.snapshots.length, 1);
  assert.equal(s.snapshots[0].module_hash, sha256hex(stuck), 'the restore point holds the stuck module');
  assert.equal(s.snapshots[0].stable_memory_sha256, before.stable_memory_sha256);
  const install = methodsCalled(await fx.log(), 'install_code');
  assert.equal(install.length, 1);
});

// ---- a chunk store full of leftovers -----------------------------------------------------------

test('a chunk store full of another upload\'s chunks is cleared, and the upgrade goes through', async (t) => {
  const fx = await fixture(t);
  const p1 = await installed(fx);
  const capacity = 4 * 1024 * 1024;
  await fx.faults({ chunk_store_capacity: capacity });
  const management = await managementFor(fx.url, fx.owner.identity);
  for (let i = 0; i < 2; i += 1) await management.uploadChunk({ canisterId: Principal.fromText(fx.canister), chunk: randomBytes(1024 * 1024) });
  assert.equal((await fx.state()).chunk_hashes.length, 2);

  const big = bigWasmModule(3 * 1024 * 1024 - 4096); // 3 chunks: with the leftovers, over capacity
  const p = await project(fx, { wasm: fx.writeWasm('big.wasm', big) });
  const r = await p.target('juno_upgrade');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /the chunk store is full; it holds 2 chunk\(s\) of an earlier upload that are not part of this module; clearing it/);
  const s = await fx.state();
  assert.equal(s.module_hash, sha256hex(big));
  assert.equal(s.status, 'running');
  assert.deepEqual(s.chunk_hashes, [], 'cleared after the install');
  void p1;
});

test('a module larger than the chunk store: refused with the module untouched', async (t) => {
  const fx = await fixture(t);
  await installed(fx);
  await fx.faults({ chunk_store_capacity: 2 * 1024 * 1024 });
  const before = await fx.state();
  const big = bigWasmModule(3 * 1024 * 1024 - 4096);
  const p = await project(fx, { wasm: fx.writeWasm('big.wasm', big), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
  const r = await p.target('juno_upgrade');
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /chunk store has already reached its maximum size/);
  assert.match(r.output, /larger than it can take/);
  assert.match(r.output, /Nothing was installed; module satellite \(\S+\) is running, untouched/);
  await assertUntouched(fx, before, r.output);
});

// ---- a backup the IC cannot load yet -----------------------------------------------------------

const notLoadable = (fx, count) => fx.faults({
  method: [{
    method: 'load_canister_snapshot', action: 'reject', code: 406, count,
    message: `Canister snapshot is not currently loadable on canister ${fx.canister}. Try again later.`,
  }],
});

test('a backup not loadable yet: restore waits, asking again, then loads it', async (t) => {
  const fx = await fixture(t);
  const p = await installed(fx);
  await setMemory(fx, { stable: 'backed up' });
  assert.equal((await p.target('juno_backup')).code, 0);
  const backedUp = await fx.state();
  await setMemory(fx, { stable: 'changed since' });
  await notLoadable(fx, 2);
  const r = await p.target('juno_restore');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /the IC cannot load backup 0x[0-9a-f]+ yet \(it waits for the subnet's next checkpoint\); asking again in 2 s/);
  assert.match(r.output, /asking again in 4 s/);
  const s = await fx.state();
  assert.equal(s.status, 'running');
  assert.equal(s.stable_memory_sha256, backedUp.stable_memory_sha256, 'the backup was loaded');
});

test('a backup that stays not loadable: a bounded wait, then the module runs on unchanged', async (t) => {
  const fx = await fixture(t);
  const p = await installed(fx);
  assert.equal((await p.target('juno_backup')).code, 0);
  await setMemory(fx, { stable: 'current state' });
  const before = await fx.state();
  await notLoadable(fx, -1);
  const r = await targetWith(p, 'juno_restore', { JUNO_LOAD_WAIT: '3' });
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /The IC still could not load backup 0x[0-9a-f]+ after \d+ s of waiting/);
  assert.match(r.output, /JUNO_LOAD_WAIT=<seconds>/);
  assert.match(r.output, /Nothing was restored: module satellite \(\S+\) is running, in the state it had before/);
  await assertUntouched(fx, before, r.output);

  const bad = await targetWith(p, 'juno_restore', { JUNO_LOAD_WAIT: 'soon' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.output, /JUNO_LOAD_WAIT must be a number of seconds/);
});
