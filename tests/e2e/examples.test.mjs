// examples/multi-module built and driven through its aggregate targets against the local replica:
// one `juno_upgrade` backs up and upgrades both modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startReplica, makeIdentity, admin } from '../replica/test/harness.mjs';
import { run, HELPER } from './harness.mjs';

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
