// Faults injected by the replica: the module is never left stopped, no backup is lost, and the
// message names the module's state and the next step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, project, setMemory, sha256hex, wasmModule, makeOtherIdentity, admin, run, HELPER } from './harness.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });

async function ready(fx, cache = {}) {
  const p1 = await project(fx, { wasm: fx.writeWasm('v1.wasm', v1), cache });
  const r = await p1.target('juno_upgrade');
  assert.equal(r.code, 0, r.output);
  await setMemory(fx, { stable: 'precious state' });
  const p2 = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), cache });
  return p2;
}

test('a failed install_code leaves the old module running and the backup in place', async (t) => {
  const fx = await fixture(t);
  try {
    const p = await ready(fx);
    await fx.faults({ fail_install_code: 1 });
    const r = await p.target('juno_upgrade');
    assert.notEqual(r.code, 0);
    const s = await fx.state();
    assert.equal(s.status, 'running');
    assert.equal(s.module_hash, sha256hex(v1));
    assert.equal(s.snapshots.length, 1);
    assert.equal(s.snapshots[0].stable_memory_sha256, s.stable_memory_sha256);
    assert.match(r.output, /upgrade failed: the IC rejected the call with IC0503/);
    assert.match(r.output, /is running and runs its previous version again/);
    assert.match(r.output, /Restore point: backup 0x[0-9a-f]+ from/);
  } finally {
    await fx.close();
  }
});

for (const [name, spec] of [
  ['dropped connections', { drop_connections: 3 }],
  ['a burst of 503s', { http_error: { status: 503, count: 4 } }],
  ['429 (overloaded)', { http_error: { status: 429, count: 2 } }],
  ['202 to synchronous calls (the helper must poll)', { accept_async: 6 }],
]) {
  test(`the upgrade rides out ${name}`, async (t) => {
    const fx = await fixture(t);
    try {
      const p = await ready(fx);
      await fx.faults(spec);
      const r = await p.target('juno_upgrade');
      assert.equal(r.code, 0, r.output);
      const s = await fx.state();
      assert.equal(s.status, 'running');
      assert.equal(s.module_hash, sha256hex(v2));
      assert.equal(s.snapshots.length, 1);
    } finally {
      await fx.close();
    }
  });
}

test('a replica without /api/v4 and /api/v3: the helper falls back to /api/v2 and polls', async (t) => {
  const fx = await fixture(t);
  try {
    const p = await ready(fx);
    await fx.faults({ legacy_api: 1 });
    await fx.clearLog();
    const r = await p.target('juno_upgrade');
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /no \/api\/v4 call endpoint; using \/api\/v2 and polling/);
    assert.match(r.output, /no \/api\/v3 read_state; using \/api\/v2/);
    const log = await fx.log();
    assert.ok(log.some((e) => e.endpoint === 'call' && e.method === 'install_code'), 'install went through v2');
    assert.ok(!log.some((e) => e.endpoint === 'call(sync)'), 'no synchronous call was accepted');
    const s = await fx.state();
    assert.equal(s.module_hash, sha256hex(v2));
    assert.equal(s.status, 'running');
  } finally {
    await fx.close();
  }
});

test('an outage while the module is stopped: the error says so and how to start it', async (t) => {
  const fx = await fixture(t);
  try {
    const p = await ready(fx, { JUNO_UPGRADE_BACKUP: 'OFF' });
    // The module is stopped; then the install and the start fail (the network is gone).
    await fx.faults({ method: [
      { method: 'install_code', action: 'error', count: -1 },
      { method: 'start_canister', action: 'error', count: -1 },
    ] });
    const r = await p.target('juno_upgrade');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /upgrade failed: the replica refused install_code with HTTP 503/);
    assert.match(r.output, /is STOPPED: starting it again failed \(.*start_canister.*\)\. The next juno-helper command on it starts it again; run: cmake --build \S+ --target juno_start_satellite\n/);
    assert.equal((await fx.state()).status, 'stopped');

    // The printed command, run as printed.
    await admin(fx.url, 'DELETE', 'faults');
    const printed = /run: (cmake --build \S+ --target juno_start_satellite)\n/.exec(r.output)[1].split(' ');
    const start = await run(printed[0], printed.slice(1));
    assert.equal(start.code, 0, start.output);
    assert.match(start.output, /an earlier run \(juno-helper upgrade, pid \d+, .*\) ended during its 'start' step/);
    assert.match(start.output, /started module satellite .* again: that run had stopped it/);
    assert.match(start.output, /that run's install did not happen/);
    const s = await fx.state();
    assert.equal(s.status, 'running');
    assert.equal(s.module_hash, sha256hex(v1), 'the install never reached the module');
  } finally {
    await fx.close();
  }
});

test('a file that is not Wasm is refused before the module is touched', async (t) => {
  const fx = await fixture(t);
  try {
    const p1 = await project(fx, { wasm: fx.writeWasm('v1.wasm', v1), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
    assert.equal((await p1.target('juno_upgrade')).code, 0);
    const before = await fx.state();
    const bad = await project(fx, { wasm: fx.writeFile('notes.txt', 'not a module'), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
    const r = await bad.target('juno_upgrade');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Wasm file .*module\.wasm: it is neither WebAssembly/);
    const after = await fx.state();
    assert.equal(after.version, before.version, 'the module was not stopped or changed');
    assert.equal(after.status, 'running');
  } finally {
    await fx.close();
  }
});

test('an identity that is not a controller is refused and nothing changes', async (t) => {
  const fx = await fixture(t);
  try {
    await ready(fx);
    const before = await fx.state();
    const stranger = fx.writeFile('stranger.pem', makeOtherIdentity().pem);
    const p = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), identity: stranger });
    const r = await p.target('juno_upgrade');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /IC0512/);
    assert.match(r.output, /backup failed: /);
    assert.match(r.output, /is not a controller of module satellite/);
    assert.match(r.output, /was not touched/);
    const after = await fx.state();
    assert.equal(after.status, 'running');
    assert.equal(after.module_hash, before.module_hash);
    assert.deepEqual(after.snapshots, before.snapshots);
  } finally {
    await fx.close();
  }
});

// ---- bad input that must change nothing ------------------------------------------------------

// Runs `make juno_upgrade` (backup step first) with a prepared project whose module holds a backup,
// and checks that the replica's state did not move.
async function assertUntouchedBy(fx, label, act) {
  const before = await fx.state();
  const r = await act();
  assert.notEqual(r.code, 0, `${label}: accepted\n${r.output}`);
  const after = await fx.state();
  assert.equal(after.status, 'running', label);
  assert.equal(after.version, before.version, `${label}: the module was stopped or changed\n${r.output}`);
  assert.deepEqual(after.snapshots, before.snapshots, `${label}: a backup changed`);
  assert.equal(after.module_hash, before.module_hash, label);
  return r;
}

test('a module config with misspelt keys is refused, naming them, and changes nothing', async (t) => {
  const fx = await fixture(t);
  const p = await ready(fx, { JUNO_BACKUP_KEEP: '2' });
  assert.equal((await p.target('juno_backup')).code, 0);
  const config = JSON.parse(readFileSync(`${p.build}/juno/satellite.json`, 'utf8'));
  delete config.backup.keep;
  config.backup.kep = 2;
  config.overwite = false;
  const file = fx.writeFile('misspelt.json', JSON.stringify(config));
  const r = await assertUntouchedBy(fx, 'misspelt keys', () => run(HELPER, ['backup', '--config', file]));
  assert.equal(r.code, 2);
  assert.match(r.output, /unknown key\(s\) 'overwite'; the known ones are: name, kind/);
  config.overwite = undefined;
  delete config.overwite;
  const again = fx.writeFile('misspelt-backup.json', JSON.stringify(config));
  const r2 = await assertUntouchedBy(fx, 'misspelt backup key', () => run(HELPER, ['backup', '--config', again]));
  assert.match(r2.output, /unknown key\(s\) 'kep' in 'backup'; the known ones are: keep, overwrite, before_upgrade/);
});

test('a Wasm cut short (it still starts with \\0asm) is refused before the module is stopped', async (t) => {
  const fx = await fixture(t);
  const p2 = await ready(fx);
  // The module is backed up, so the backup step of `make juno_upgrade` has nothing to do.
  assert.equal((await p2.target('juno_backup')).code, 0);
  const whole = wasmModule({ version: [3], padding: new Array(200).fill(7) });
  const cut = whole.subarray(0, whole.length - 50);
  const p = await project(fx, { wasm: fx.writeWasm('cut.wasm', cut) });
  const r = await assertUntouchedBy(fx, 'truncated Wasm', () => p.target('juno_upgrade'));
  assert.match(r.output, /runs past the end of the file .*: the file is cut short/);
  assert.match(r.output, /has not changed since backup 0x/);
  const direct = await assertUntouchedBy(fx, 'truncated Wasm, direct', () =>
    run(HELPER, ['upgrade', '--config', `${p.build}/juno/satellite.json`, '--wasm', fx.writeWasm('cut2.wasm', cut)]));
  assert.equal(direct.code, 2);
});

test('key text passed where the identity file belongs is refused and never echoed', async (t) => {
  const fx = await fixture(t);
  await ready(fx);
  const secret = fx.owner.pem; // the key itself, as a user might paste it
  for (const args of [['status'], ['backup'], ['status', '--json']]) {
    const r = await assertUntouchedBy(fx, `--identity <key text> ${args.join(' ')}`, () =>
      run(HELPER, [...args, '--canister', fx.canister, '--network', fx.url, '--identity', secret]));
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /looks like the key itself, so it is not shown/);
    const body = secret.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body) assert.ok(!r.output.includes(line), 'a line of the key was printed');
  }
});

test('an unreachable network before the stop: the module was not touched, and what to run', async (t) => {
  const fx = await fixture(t);
  const p = await ready(fx);
  assert.equal((await run('cmake', ['--build', p.build, '--target', 'module_wasm'])).code, 0);
  const base = ['--config', `${p.build}/juno/satellite.json`];
  for (const command of ['upgrade', 'restore', 'backup']) {
    await fx.faults({ http_error: { status: 503, count: 1000 } });
    const r = await run(HELPER, [command, ...base, '--network', 'http://127.0.0.1:9']);
    await admin(fx.url, 'DELETE', 'faults');
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, new RegExp(`${command} failed: .*\\n.*was not touched`), `${command}:\n${r.output}`);
    // The network given on the command line is kept: the module's target would use the config's.
    assert.match(r.output, new RegExp(`Run it again with: juno-helper ${command} --config \\S+/satellite\\.json --network http://127\\.0\\.0\\.1:9\\n`), r.output);
  }
});

test('the answer to the restore point\'s snapshot is lost: the list shows it was taken, and the upgrade names it', async (t) => {
  const fx = await fixture(t);
  const p = await ready(fx);
  // The upgrade (run directly: no backup step) takes its restore point itself; the replica takes
  // the snapshot and drops every answer to it, also to the helper's retries.
  const r0 = await run(HELPER, ['backup', '--config', `${p.build}/juno/satellite.json`]);
  assert.equal(r0.code, 0, r0.output);
  await setMemory(fx, { stable: 'changed after the backup' });
  const before = await fx.state();
  await fx.faults({ method: [{ method: 'take_canister_snapshot', when: 'after', action: 'drop', count: -1 }] });
  const r = await run(HELPER, ['upgrade', '--config', `${p.build}/juno/satellite.json`, '--wasm', fx.writeWasm('v2.wasm', v2)]);
  await admin(fx.url, 'DELETE', 'faults');
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /the answer was lost, but the backup list shows it was taken: 0x/);
  const after = await fx.state();
  assert.equal(after.module_hash, sha256hex(v2));
  assert.equal(after.snapshots.length, 1);
  assert.notEqual(after.snapshots[0].id, before.snapshots[0].id, 'the old backup was replaced');
  assert.equal(after.snapshots[0].stable_memory_sha256, before.stable_memory_sha256, 'by the state from before the upgrade');
  assert.match(r.output, new RegExp(`Restore point: backup 0x${after.snapshots[0].id}`));
  assert.doesNotMatch(r.output, /No backup was taken/);
});

test('the snapshot\'s answer and the list are both lost: the error says which backup may have been replaced', async (t) => {
  const fx = await fixture(t);
  const p = await ready(fx);
  const config = `${p.build}/juno/satellite.json`;
  assert.equal((await run(HELPER, ['backup', '--config', config])).code, 0);
  await setMemory(fx, { stable: 'changed after the backup' });
  const old = (await fx.state()).snapshots[0].id;
  await fx.faults({ method: [
    { method: 'take_canister_snapshot', when: 'after', action: 'drop', count: -1 },
    { method: 'list_canister_snapshots', when: 'before', action: 'error', skip: 1, count: -1 },
  ] });
  const r = await run(HELPER, ['upgrade', '--config', config, '--wasm', fx.writeWasm('v2.wasm', v2)]);
  await admin(fx.url, 'DELETE', 'faults');
  assert.notEqual(r.code, 0);
  assert.match(r.output, new RegExp(`may or may not have taken the backup \\(which may have replaced 0x${old}\\)`));
  assert.match(r.output, /See the backups with: cmake --build \S+ --target juno_backup_list_satellite/);
  assert.doesNotMatch(r.output, /an install that fails changes nothing/, 'no install was attempted');
  const after = await fx.state();
  assert.equal(after.status, 'running');
  assert.equal(after.module_hash, sha256hex(v1), 'nothing was installed');
});
