// Faults injected by the replica: the module is never left stopped, no backup is lost, and the
// message names the module's state and the next step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
    assert.match(r.output, /is running its previous version again/);
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
    // canister_status, the root key, the read_state of the module's metadata and stop_canister go
    // through; then every request fails: the install, and starting the module again.
    await fx.faults({ http_error: { status: 503, count: 1000, after: 4 } });
    const r = await p.target('juno_upgrade');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /upgrade failed: the replica refused install_code with HTTP 503/);
    assert.match(r.output, /The module is STOPPED: starting it again failed \(.*start_canister.*\)\. Start it with: juno-helper start --config \S+satellite\.json/);
    assert.equal((await fx.state()).status, 'stopped');

    await admin(fx.url, 'DELETE', 'faults');
    const config = /Start it with: juno-helper start --config (\S+)/.exec(r.output)[1];
    const start = await run(HELPER, ['start', '--config', config]);
    assert.equal(start.code, 0, start.output);
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
