// The build's off-chain targets over several modules (juno_backup_download, juno_backup_upload,
// juno_restore_from: one folder per module under a parent folder) and JUNO_UPGRADE_DOWNLOAD (every
// upgrade's restore point copied off-chain, one folder per restore point), checked through the
// replica's admin API and the folders' contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, project, run, HELPER, admin, sha256hex, wasmModule } from './harness.mjs';

const SOURCE_DIR = join(import.meta.dirname, '..', '..');
const state = (fx, canister) => admin(fx.url, 'GET', `canisters/${canister}`);
const text = (s) => new TextEncoder().encode(s);
// A restore point's folder is named after its backup id as Juno shows it.
const folderOf = (snapshot) => `0x${snapshot.id}`;

// Two modules, m0 and m1, with v1 installed and their own stable memory, in a project of their own.
async function twoModules(fx) {
  const canisters = [];
  for (let i = 0; i < 2; i++) {
    const { canister_id } = await admin(fx.url, 'POST', 'canisters', { controllers: [fx.owner.principal] });
    const r = await run(HELPER, ['upgrade', '--canister', canister_id, '--network', fx.url, '--identity', fx.pem,
      '--wasm', fx.writeWasm('v1.wasm', wasmModule({ version: [1] }))]);
    assert.equal(r.code, 0, r.output);
    await admin(fx.url, 'PUT', `canisters/${canister_id}/stable_memory`, text(`state of m${i}`));
    canisters.push(canister_id);
  }
  const src = mkdtempSync(join(fx.dir, 'src-'));
  writeFileSync(join(src, 'CMakeLists.txt'), `cmake_minimum_required(VERSION 3.22)
project(TwoModules NONE)
include("${SOURCE_DIR}/cmake/Juno.cmake")
juno_add_module(m0 CANISTER_ID ${canisters[0]})
juno_add_module(m1 CANISTER_ID ${canisters[1]})
`);
  const build = mkdtempSync(join(fx.dir, 'build-'));
  const r = await run('cmake', ['-S', src, '-B', build, '-G', 'Unix Makefiles', `-DJUNO_HELPER_EXECUTABLE=${HELPER}`,
    `-DJUNO_NETWORK=${fx.url}`, `-DJUNO_IDENTITY=${fx.pem}`]);
  assert.equal(r.code, 0, r.output);
  return { canisters, build, target: (name, env) => run('cmake', ['--build', build, '--target', name], { env }) };
}

// The folder holds a complete download of `snapshot` of `canister`, checked by `juno-helper verify`.
async function assertCopyOf(dir, canister, snapshot) {
  const manifest = JSON.parse(readFileSync(join(dir, 'juno-manifest.json'), 'utf8'));
  assert.equal(manifest.canister_id, canister, dir);
  assert.equal(manifest.snapshot_id, snapshot.id, dir);
  assert.equal(sha256hex(readFileSync(join(dir, 'stable_memory.bin'))), snapshot.stable_memory_sha256, dir);
  assert.equal(sha256hex(readFileSync(join(dir, 'wasm_module.bin'))), snapshot.module_hash, dir);
  const verified = await run(HELPER, ['verify', '--dir', dir, '--json']);
  assert.equal(verified.code, 0, verified.output);
  assert.equal(JSON.parse(verified.stdout).snapshot_id, snapshot.id);
}

test('juno_backup_download, juno_restore_from and juno_backup_upload: one folder per module under a parent; a one-module folder is refused', async (t) => {
  const fx = await fixture(t);
  const p = await twoModules(fx);
  assert.equal((await p.target('juno_backup')).code, 0);
  const backedUp = await Promise.all(p.canisters.map((c) => state(fx, c)));

  const down = await p.target('juno_backup_download');
  assert.equal(down.code, 0, down.output);
  for (const [i, canister] of p.canisters.entries()) {
    await assertCopyOf(join(p.build, 'juno', 'backups', `m${i}`), canister, backedUp[i].snapshots[0]);
  }

  // One folder cannot hold two modules' backups: refused, saying what to set instead.
  const one = join(fx.dir, 'one');
  const refused = await p.target('juno_backup_download', { JUNO_BACKUP_DIR: one });
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, new RegExp(`JUNO_BACKUP_DIR is set \\(${one}\\).*Set JUNO_BACKUP_PARENT_DIR=${one} instead`, 's'));
  assert.match(refused.output, /juno_backup_download_m0/);
  assert.equal(existsSync(one), false, 'nothing was written');

  const parent = join(fx.dir, 'parent');
  const elsewhere = await p.target('juno_backup_download', { JUNO_BACKUP_PARENT_DIR: parent });
  assert.equal(elsewhere.code, 0, elsewhere.output);
  assert.deepEqual(readdirSync(parent).sort(), ['m0', 'm1']);
  // The per-module target takes its sub-folder of the same parent.
  const parentOne = join(fx.dir, 'parent-one');
  const single = await p.target('juno_backup_download_m1', { JUNO_BACKUP_PARENT_DIR: parentOne });
  assert.equal(single.code, 0, single.output);
  await assertCopyOf(join(parentOne, 'm1'), p.canisters[1], backedUp[1].snapshots[0]);

  // The disaster: both modules lose their state.
  for (const canister of p.canisters) await admin(fx.url, 'PUT', `canisters/${canister}/stable_memory`, text('lost'));
  const lost = await Promise.all(p.canisters.map((c) => state(fx, c)));
  const noFolder = await p.target('juno_restore_from');
  assert.notEqual(noFolder.code, 0);
  assert.match(noFolder.output, /set JUNO_BACKUP_FROM_PARENT=<folder>/);
  const oneFrom = await p.target('juno_restore_from', { JUNO_BACKUP_FROM: join(parent, 'm0') });
  assert.notEqual(oneFrom.code, 0);
  assert.match(oneFrom.output, /JUNO_BACKUP_FROM is set .* Set JUNO_BACKUP_FROM_PARENT=/s);
  for (const [i, canister] of p.canisters.entries()) {
    const now = await state(fx, canister);
    assert.equal(now.stable_memory_sha256, lost[i].stable_memory_sha256, `m${i}: nothing was done`);
    assert.equal(now.snapshots.length, 1);
  }

  const restored = await p.target('juno_restore_from', { JUNO_BACKUP_FROM_PARENT: parent });
  assert.equal(restored.code, 0, restored.output);
  for (const [i, canister] of p.canisters.entries()) {
    const now = await state(fx, canister);
    assert.equal(now.stable_memory_sha256, backedUp[i].stable_memory_sha256, `m${i} has its own state back`);
    assert.equal(now.status, 'running');
  }

  // Each module's folder goes back into that module, not another (replacing its only backup).
  const uploaded = await p.target('juno_backup_upload', { JUNO_BACKUP_FROM_PARENT: join(p.build, 'juno', 'backups') });
  assert.equal(uploaded.code, 0, uploaded.output);
  for (const [i, canister] of p.canisters.entries()) {
    const now = await state(fx, canister);
    assert.equal(now.snapshots.at(-1).stable_memory_sha256, backedUp[i].snapshots[0].stable_memory_sha256, `m${i}`);
  }
});

test('the aggregates refuse what names one module\'s backup (JUNO_SNAPSHOT=<id>, JUNO_BACKUP_FROM) before touching any module', async (t) => {
  const fx = await fixture(t);
  const p = await twoModules(fx);
  assert.equal((await p.target('juno_backup')).code, 0);
  const down = await p.target('juno_backup_download_m0');
  assert.equal(down.code, 0, down.output);
  const before = await Promise.all(p.canisters.map((c) => state(fx, c)));
  const id = before[0].snapshots[0].id;
  const unchanged = async (what) => {
    const now = await Promise.all(p.canisters.map((c) => state(fx, c)));
    for (const [i, s] of now.entries()) {
      assert.equal(s.status, 'running', `${what}: m${i} was not stopped`);
      assert.equal(s.version, before[i].version, `${what}: m${i} was not touched`);
      assert.deepEqual(s.snapshots.map((b) => b.id), before[i].snapshots.map((b) => b.id), `${what}: m${i}'s backups`);
    }
  };

  const restore = await p.target('juno_restore', { JUNO_SNAPSHOT: id });
  assert.notEqual(restore.code, 0, restore.output);
  assert.match(restore.output, new RegExp(`JUNO_SNAPSHOT is set \\(${id}\\), which names one backup of one module, but this run is for several modules \\(juno_restore.*run juno_restore_<name> for that module; nothing was done`, 's'));
  await unchanged('juno_restore with JUNO_SNAPSHOT');

  const del = await p.target('juno_backup_delete', { JUNO_SNAPSHOT: id });
  assert.notEqual(del.code, 0, del.output);
  assert.match(del.output, /JUNO_SNAPSHOT=all to delete every backup of every module/);
  await unchanged('juno_backup_delete with JUNO_SNAPSHOT');

  // m0's folder restored into every module would give m1 m0's state.
  const folder = join(p.build, 'juno', 'backups', 'm0');
  const from = await p.target('juno_restore', { JUNO_BACKUP_FROM: folder });
  assert.notEqual(from.code, 0, from.output);
  assert.match(from.output, new RegExp(`JUNO_BACKUP_FROM is set \\(${folder}\\).*each would get that one module's backup.*JUNO_BACKUP_FROM_PARENT=${folder} instead`, 's'));
  await unchanged('juno_restore with JUNO_BACKUP_FROM');

  // Every backup of every module is one choice that fits every module.
  const all = await p.target('juno_backup_delete', { JUNO_SNAPSHOT: 'all' });
  assert.equal(all.code, 0, all.output);
  for (const c of p.canisters) assert.equal((await state(fx, c)).snapshots.length, 0);
});

test('JUNO_UPGRADE_DOWNLOAD: every upgrade\'s restore point is copied into a folder of its own; a copy that failed is made before the next install, or that install does not happen', async (t) => {
  const fx = await fixture(t);
  const v1 = fx.writeWasm('v1.wasm', wasmModule({ version: [1] }));
  const v2 = fx.writeWasm('v2.wasm', wasmModule({ version: [2] }));
  const v3 = fx.writeWasm('v3.wasm', wasmModule({ version: [3] }));
  const p = await project(fx, { wasm: v1, cache: { JUNO_UPGRADE_DOWNLOAD: 'ON' } });
  const copies = join(p.build, 'juno', 'restore-points', 'satellite');
  const first = await p.target('juno_upgrade_satellite');
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /No restore point to copy/);
  assert.equal(existsSync(copies) && readdirSync(copies).length > 0, false, 'a first install has no restore point');

  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, text('production state'));
  await p.reconfigure({ E2E_WASM_SOURCE: v2 });
  const upgraded = await p.target('juno_upgrade_satellite');
  assert.equal(upgraded.code, 0, upgraded.output);
  let now = await fx.state();
  assert.equal(now.module_hash, sha256hex(readFileSync(v2)));
  assert.equal(now.snapshots.length, 1);
  const point = now.snapshots[0];
  assert.deepEqual(readdirSync(copies), [folderOf(point)]);
  await assertCopyOf(join(copies, folderOf(point)), fx.canister, point);

  // The copy after the install fails: the build fails, the restore point stays on-chain.
  const v4 = fx.writeWasm('v4.wasm', wasmModule({ version: [4] }));
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, text('more production state'));
  await p.reconfigure({ E2E_WASM_SOURCE: v3 });
  await fx.faults({ method: [{ method: 'read_canister_snapshot_data', when: 'before', action: 'reject', count: -1, code: 503, message: 'injected' }] });
  const failed = await p.target('juno_upgrade_satellite');
  assert.notEqual(failed.code, 0);
  assert.match(failed.output, /was upgraded; its restore point, backup 0x[0-9a-f]+, is on-chain \(kept until the next upgrade\) but not copied yet/);
  assert.match(failed.output, /run the upgrade again to copy it \(it continues the download\): cmake --build \S+ --target juno_upgrade_satellite/);
  now = await fx.state();
  assert.equal(now.module_hash, sha256hex(readFileSync(v3)));
  assert.equal(now.status, 'running');
  const uncopied = now.snapshots.at(-1);
  assert.notEqual(uncopied.id, point.id);

  // The next upgrade could replace that restore point on-chain: it copies it first, and does not
  // install while it cannot.
  await p.reconfigure({ E2E_WASM_SOURCE: v4 });
  const refused = await p.target('juno_upgrade_satellite');
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, /was not upgraded: it runs as before, and the restore point of its previous upgrade, backup 0x[0-9a-f]+, is on-chain but not copied yet/);
  now = await fx.state();
  assert.equal(now.module_hash, sha256hex(readFileSync(v3)), 'not upgraded');
  assert.equal(now.status, 'running');
  assert.deepEqual(now.snapshots.map((s) => s.id), [uncopied.id], 'the restore point is kept on-chain');

  await admin(fx.url, 'DELETE', 'faults');
  const again = await p.target('juno_upgrade_satellite');
  assert.equal(again.code, 0, again.output);
  now = await fx.state();
  assert.equal(now.module_hash, sha256hex(readFileSync(v4)));
  const latest = now.snapshots.at(-1);
  assert.deepEqual(readdirSync(copies).sort(), [point, uncopied, latest].map(folderOf).sort(), 'no copy is overwritten');
  await assertCopyOf(join(copies, folderOf(latest)), fx.canister, latest);
  // The copies outlive the module's snapshots: the older ones are gone on-chain, not off-chain.
  assert.deepEqual(now.snapshots.map((s) => s.id), [latest.id]);
  await assertCopyOf(join(copies, folderOf(point)), fx.canister, point);
  await assertCopyOf(join(copies, folderOf(uncopied)), fx.canister, uncopied);

  // Running it again with nothing to upgrade checks the copy and downloads nothing.
  await fx.clearLog();
  const unchanged = await p.target('juno_upgrade_satellite');
  assert.equal(unchanged.code, 0, unchanged.output);
  assert.match(unchanged.output, /is already copied to/);
  assert.equal((await fx.log()).filter((e) => e.method === 'read_canister_snapshot_data').length, 0);
});

test('JUNO_UPGRADE_DOWNLOAD: when the module changes after the backup step, the exact restore point the upgrade takes is copied', async (t) => {
  const fx = await fixture(t);
  const v1 = fx.writeWasm('v1.wasm', wasmModule({ version: [1] }));
  const p0 = await project(fx, { wasm: v1 });
  assert.equal((await p0.target('juno_upgrade')).code, 0);
  const p = await project(fx, { wasm: fx.writeWasm('v2.wasm', wasmModule({ version: [2] })), writeBetween: true,
    cache: { JUNO_UPGRADE_DOWNLOAD: 'ON', JUNO_UPGRADE_DOWNLOAD_DIR: join(fx.dir, 'copies') } });
  const r = await p.target('juno_upgrade');
  assert.equal(r.code, 0, r.output);
  const now = await fx.state();
  assert.equal(now.snapshots.length, 1, 'the upgrade replaced the backup step\'s backup');
  const point = now.snapshots[0];
  const folders = readdirSync(join(fx.dir, 'copies', 'satellite'));
  assert.deepEqual(folders, [folderOf(point)], 'the exact restore point is copied');
  await assertCopyOf(join(fx.dir, 'copies', 'satellite', folderOf(point)), fx.canister, point);
});

test('an upload that stopped part-way and lost its progress record is never restored, and the next upload deletes its snapshot', async (t) => {
  const fx = await fixture(t);
  const helper = (args) => run(HELPER, [...args, '--canister', fx.canister, '--network', fx.url, '--identity', fx.pem]);
  const v1 = fx.writeWasm('v1.wasm', wasmModule({ version: [1] }));
  assert.equal((await helper(['upgrade', '--wasm', v1])).code, 0);
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, text('the state to keep'));
  assert.equal((await helper(['backup'])).code, 0);
  const backup = (await fx.state()).snapshots[0];
  const dir = join(fx.dir, 'copy');
  assert.equal((await helper(['download', '--dir', dir])).code, 0);

  // The upload creates its snapshot, then stops part-way; its folder's progress record is lost.
  await fx.faults({ method: [{ method: 'upload_canister_snapshot_data', when: 'before', action: 'reject', count: -1, code: 503, message: 'injected' }] });
  const stopped = await helper(['upload', '--dir', dir, '--keep', '3']);
  assert.notEqual(stopped.code, 0);
  await admin(fx.url, 'DELETE', 'faults');
  const orphan = (await fx.state()).snapshots.find((s) => s.id !== backup.id);
  assert.ok(orphan, 'the upload created its snapshot');
  rmSync(join(dir, 'juno-upload-progress.log'));

  // The newest snapshot is the unfinished upload: a restore loads the newest finished backup.
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, text('lost'));
  const restored = await helper(['restore']);
  assert.equal(restored.code, 0, restored.output);
  let now = await fx.state();
  assert.equal(now.stable_memory_sha256, backup.stable_memory_sha256);
  assert.equal(now.module_hash, sha256hex(readFileSync(v1)));
  assert.equal(now.status, 'running');
  const named = await helper(['restore', '--snapshot', orphan.id]);
  assert.notEqual(named.code, 0);
  assert.match(named.output, new RegExp(`backup 0x${orphan.id} of canister ${fx.canister} is an upload from .* that has not finished`));

  // The next upload clears it, saying so, and uploads.
  const again = await helper(['upload', '--dir', dir, '--keep', '3']);
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, new RegExp(`backup 0x${orphan.id} is an upload from .* can never be finished: deleting it`));
  now = await fx.state();
  assert.equal(now.snapshots.length, 2);
  assert.equal(now.snapshots.some((s) => s.id === orphan.id), false);
  assert.ok(now.snapshots.some((s) => s.id === backup.id));
});
