// juno_backup, juno_backup_list and juno_backup_delete with the keep and overwrite options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, project, setMemory, sha256hex, wasmModule, run, HELPER } from './harness.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });

async function installed(fx, cache) {
  const p = await project(fx, { wasm: fx.writeWasm('v1.wasm', v1), cache });
  const r = await p.target('juno_upgrade');
  assert.equal(r.code, 0, r.output);
  return p;
}

test('JUNO_BACKUP_KEEP=3: the fourth backup replaces the oldest', async (t) => {
  const fx = await fixture(t);
  try {
    const p = await installed(fx, { JUNO_BACKUP_KEEP: '3' });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      await setMemory(fx, { stable: `state ${i}` });
      const r = await p.target('juno_backup');
      assert.equal(r.code, 0, r.output);
      ids.push((await fx.state()).snapshots.map((s) => s.id));
    }
    const three = (await fx.state()).snapshots;
    assert.equal(three.length, 3);
    await setMemory(fx, { stable: 'state 3' });
    const fourth = await p.target('juno_backup');
    assert.equal(fourth.code, 0, fourth.output);
    assert.match(fourth.output, /replaced the oldest backup/);
    const after = (await fx.state()).snapshots;
    assert.equal(after.length, 3);
    const afterIds = after.map((s) => s.id);
    assert.ok(!afterIds.includes(three[0].id), 'the oldest is gone');
    assert.ok(afterIds.includes(three[1].id) && afterIds.includes(three[2].id), 'the others stay');
    const newest = after.find((s) => !three.some((t) => t.id === s.id));
    assert.equal(newest.stable_memory_sha256, sha256hex(new TextEncoder().encode('state 3')));
    assert.equal((await fx.state()).status, 'running');
  } finally {
    await fx.close();
  }
});

test('JUNO_BACKUP_OVERWRITE=OFF keeps a full module\'s backups and the upgrade goes on', async (t) => {
  const fx = await fixture(t);
  try {
    const p = await installed(fx, { JUNO_BACKUP_OVERWRITE: 'OFF' });
    await setMemory(fx, { stable: 'the state worth keeping' });
    const first = await p.target('juno_backup');
    assert.equal(first.code, 0, first.output);
    const kept = (await fx.state()).snapshots;
    assert.equal(kept.length, 1);

    await setMemory(fx, { stable: 'a later state' });
    const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), cache: { JUNO_BACKUP_OVERWRITE: 'OFF' } });
    const upgrade = await p2.target('juno_upgrade');
    assert.equal(upgrade.code, 0, upgrade.output);
    assert.match(upgrade.output, /No new backup: .* already holds 1 backup\(s\) \(keep 1\) and overwriting is off/);
    assert.match(upgrade.output, /Kept backup 0x/);
    const after = await fx.state();
    assert.deepEqual(after.snapshots.map((s) => [s.id, s.taken_at_timestamp, s.stable_memory_sha256]),
      kept.map((s) => [s.id, s.taken_at_timestamp, s.stable_memory_sha256]));
    assert.equal(after.module_hash, sha256hex(v2));
    assert.equal(after.status, 'running');
  } finally {
    await fx.close();
  }
});

test('juno_backup_list and juno_backup_delete; restore refuses an unknown backup', async (t) => {
  const fx = await fixture(t);
  try {
    const p = await installed(fx, { JUNO_BACKUP_KEEP: '2' });
    assert.equal((await p.target('juno_backup')).code, 0);
    await setMemory(fx, { stable: 'changed since the first backup' });
    assert.equal((await p.target('juno_backup')).code, 0);
    const list = await p.target('juno_backup_list');
    assert.equal(list.code, 0, list.output);
    const snapshots = (await fx.state()).snapshots;
    for (const s of snapshots) assert.match(list.output, new RegExp(`0x${s.id}`));

    const base = ['--config', `${p.build}/juno/satellite.json`];
    const json = await run(HELPER, ['list', ...base, '--json']);
    assert.equal(json.code, 0, json.output);
    assert.deepEqual(JSON.parse(json.stdout).backups.map((b) => b.id), snapshots.map((s) => `0x${s.id}`));
    assert.equal(JSON.parse(json.stdout).canister_id, fx.canister);

    const unknown = await run(HELPER, ['restore', ...base, '--snapshot', '0x00ff']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /has no backup 0x00ff\. Its backups are:/);
    for (const s of snapshots) assert.match(unknown.stderr, new RegExp(`0x${s.id}`));
    assert.equal((await fx.state()).status, 'running');

    const noChoice = await p.target('juno_backup_delete');
    assert.notEqual(noChoice.code, 0, 'deleting needs a choice');
    assert.match(noChoice.output, /say which backup to delete: --snapshot <id>/);
    assert.equal((await fx.state()).snapshots.length, 2, 'nothing deleted by surprise');

    const one = await run('cmake', ['--build', p.build, '--target', 'juno_backup_delete'], {
      env: { JUNO_SNAPSHOT: `0x${snapshots[0].id}` },
    });
    assert.equal(one.code, 0, one.output);
    assert.deepEqual((await fx.state()).snapshots.map((s) => s.id), [snapshots[1].id]);

    // Unchanged since its newest backup, the module gets no new one and is not stopped.
    const version = (await fx.state()).version;
    const same = await p.target('juno_backup');
    assert.equal(same.code, 0, same.output);
    assert.match(same.output, /No new backup: module satellite \(\S+\) has not changed since backup 0x/);
    assert.equal((await fx.state()).version, version, 'not stopped, not started');
    assert.equal((await fx.state()).snapshots.length, 1);

    await setMemory(fx, { stable: 'changed again' });
    assert.equal((await p.target('juno_backup')).code, 0);
    const all = await run(HELPER, ['delete', ...base, '--all', '--json']);
    assert.equal(all.code, 0, all.output);
    assert.equal(JSON.parse(all.stdout).deleted.length, 2);
    assert.equal(JSON.parse(all.stdout).remaining, 0);
    assert.equal(JSON.parse(all.stdout).canister_id, fx.canister);
    assert.equal((await fx.state()).snapshots.length, 0);

    assert.equal((await p.target('juno_backup')).code, 0);
    const everything = await run('cmake', ['--build', p.build, '--target', 'juno_backup_delete'], {
      env: { JUNO_SNAPSHOT: 'all' },
    });
    assert.equal(everything.code, 0, everything.output);
    assert.match(everything.output, /Deleted 1 backup\(s\) of module satellite \(\S+\); 0 left/);
    assert.equal((await fx.state()).snapshots.length, 0);
  } finally {
    await fx.close();
  }
});
