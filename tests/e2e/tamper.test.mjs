// A tampering proxy between juno-helper and the replica (tamper_proxy.mjs): a flipped bit in a
// certificate, a certificate from another request, a replayed old one, a delegation whose ranges
// miss the module. The helper must refuse what it cannot verify (exit code 6), make no management
// call after the refused one, and leave the module running with its backups. And with the replica in
// delegation mode, as mainnet's subnets are, every operation verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, project, run, HELPER, admin, setMemory, sha256hex, wasmModule } from './harness.mjs';
import { startTamperProxy, forge, isCall, isStatusRead } from './tamper_proxy.mjs';

const v1 = wasmModule({ version: [1] });
const v2 = wasmModule({ version: [2] });
const VERIFICATION = 6; // the helper's exit code for a certificate that does not verify

// A module with state and one backup, made directly against the replica, and a proxy in front of
// the replica for the operation under test. `delegation`: the replica signs as a delegated subnet.
// Both are closed when the test `t` ends.
async function guardedModule(t, { delegation = false } = {}) {
  const fx = await fixture(t);
  if (delegation) await admin(fx.url, 'POST', 'delegation', { enabled: true });
  const connect = (url) => ['--canister', fx.canister, '--network', url, '--identity', fx.pem];
  const installed = await run(HELPER, ['upgrade', ...connect(fx.url), '--wasm', fx.writeWasm('v1.wasm', v1)]);
  assert.equal(installed.code, 0, installed.output);
  await setMemory(fx, { stable: 'state worth keeping' });
  const backup = await run(HELPER, ['backup', ...connect(fx.url)]);
  assert.equal(backup.code, 0, backup.output);
  const proxy = await startTamperProxy(fx.url);
  t.after(() => proxy.close());
  const before = await fx.state();
  await fx.clearLog();
  return {
    fx,
    proxy,
    before,
    // juno-helper <command> through the proxy.
    helper: (command, ...args) => run(HELPER, [command, ...connect(proxy.url), ...args]),
    // The e2e CMake project with JUNO_NETWORK pointing at the proxy.
    project: (options) => project({ ...fx, url: proxy.url }, options),
    // The management methods the replica executed since the set-up, in order.
    calls: async () => (await fx.log()).filter((e) => e.method).map((e) => e.method),
    async close() {
      await proxy.close();
      await fx.close();
    },
  };
}

// The module is exactly as the set-up left it: running, same module, version and backups.
async function assertUntouched(g) {
  const after = await g.fx.state();
  assert.equal(after.status, 'running');
  assert.equal(after.module_hash, sha256hex(v1));
  assert.equal(after.version, g.before.version, 'no management call changed the module');
  assert.equal(after.stable_memory_sha256, g.before.stable_memory_sha256);
  assert.deepEqual(after.snapshots, g.before.snapshots, 'the backup is intact');
}

// A backup's (and so an upgrade's) first calls, sent together (tests/e2e/waves.test.mjs): a
// refused answer to one cannot hold back the others, already on their way.
const BACKUP_WAVE = ['canister_status', 'list_canister_snapshots'];
const sorted = (names) => [...names].sort();

// The helper refused the first reply it got, said why, and called nothing after it: no call but
// those of its first wave (`wave`), sent before that reply came.
async function assertRefusedFirstCall(g, result, reason, wave = ['canister_status']) {
  assert.equal(g.proxy.tampered().length, 1, 'exactly one reply was forged');
  assert.match(result.output, /juno-helper: error: /);
  assert.match(result.output, reason);
  assert.deepEqual(sorted(await g.calls()), sorted(wave), 'no management call after the refused one');
  await assertUntouched(g);
}

// ---- flipped bits ----------------------------------------------------------------------------------

for (const [where, forgery, reason] of [
  ['the BLS signature', forge.signature, /the certificate \(signed by the root key\) failed BLS verification/],
  ['the tree (the reply)', forge.tree, /the certificate \(signed by the root key\) failed BLS verification: the signature does not match/],
]) {
  test(`a flipped bit in ${where} of a call reply: juno-helper status refuses`, async (t) => {
    const g = await guardedModule(t);
    try {
      g.proxy.tamper(isCall('canister_status'), forgery);
      const r = await g.helper('status');
      assert.equal(r.code, VERIFICATION, r.output);
      assert.doesNotMatch(r.stdout, /module hash/, 'nothing read from the forged reply is shown');
      await assertRefusedFirstCall(g, r, reason);
    } finally {
      await g.close();
    }
  });

  test(`a flipped bit in ${where} of a read_state reply: the backup refuses while polling`, async (t) => {
    const g = await guardedModule(t);
    try {
      // The replica answers the first call with 202, so the helper polls read_state for it.
      await g.fx.faults({ accept_async: 1 });
      g.proxy.tamper(isStatusRead, forgery);
      const r = await g.helper('backup');
      assert.equal(r.code, VERIFICATION, r.output);
      assert.equal(g.proxy.tampered()[0].endpoint, 'read_state');
      const log = await g.fx.log();
      assert.deepEqual(sorted(log.map((e) => e.method ?? e.endpoint)), sorted([...BACKUP_WAVE, 'read_state']), 'nothing after the refused read_state');
      await assertRefusedFirstCall(g, r, reason, BACKUP_WAVE);
    } finally {
      await g.close();
    }
  });
}

test('a flipped bit in a call reply stops the juno_backup target before the module is touched', async (t) => {
  const g = await guardedModule(t);
  try {
    const p = await g.project({ wasm: g.fx.writeWasm('v2.wasm', v2) });
    g.proxy.tamper(isCall('canister_status'), forge.tree);
    const r = await p.target('juno_backup');
    assert.notEqual(r.code, 0);
    await assertRefusedFirstCall(g, r, /backup failed: the certificate \(signed by the root key\) failed BLS verification/, BACKUP_WAVE);
  } finally {
    await g.close();
  }
});

test('a forged reply in the middle of a backup: refused, and the module is started again', async (t) => {
  const g = await guardedModule(t);
  try {
    g.proxy.tamper(isCall('take_canister_snapshot'), forge.signature);
    const r = await g.helper('backup');
    assert.equal(r.code, VERIFICATION, r.output);
    assert.match(r.output, /backup failed: the certificate \(signed by the root key\) failed BLS verification/);
    // Leaving the module stopped would be worse than one more call: starting it is the only one.
    assert.deepEqual((await g.calls()).slice(-2), ['take_canister_snapshot', 'start_canister']);
    const after = await g.fx.state();
    assert.equal(after.status, 'running');
    assert.equal(after.module_hash, sha256hex(v1));
    // The replica did take the snapshot (replacing the old one: one backup is kept), so a backup
    // of exactly this state exists.
    assert.equal(after.snapshots.length, 1);
    assert.equal(after.snapshots[0].stable_memory_sha256, g.before.stable_memory_sha256);
  } finally {
    await g.close();
  }
});

test('after a forged snapshot reply the helper does not claim the backups are unchanged', async (t) => {
  const g = await guardedModule(t);
  try {
    g.proxy.tamper(isCall('take_canister_snapshot'), forge.signature);
    const r = await g.helper('backup');
    const after = await g.fx.state();
    assert.notDeepEqual(after.snapshots.map((s) => s.id), g.before.snapshots.map((s) => s.id), 'the replica replaced the backup');
    assert.doesNotMatch(r.output, /No backup was changed/);
    assert.match(r.output, /may or may not have taken the backup/);
    assert.equal(r.code, VERIFICATION);
  } finally {
    await g.close();
  }
});

// ---- certificates from elsewhere ----------------------------------------------------------------

// A genuine certificate for another request: a status call made through the proxy earlier.
async function recordedCertificate(g) {
  const r = await g.helper('status');
  assert.equal(r.code, 0, r.output);
  const { certificate, requestId } = g.proxy.exchanges.findLast((e) => e.endpoint === 'call' && e.certificate);
  await g.fx.clearLog();
  return { certificate, requestId };
}

test('a certificate swapped in from another request is refused, and nothing follows', async (t) => {
  const g = await guardedModule(t);
  try {
    const other = await recordedCertificate(g);
    g.proxy.tamper(isCall('canister_status'), forge.substitute(other.certificate), { name: 'swap' });
    const r = await g.helper('status', '--json');
    assert.equal(r.code, VERIFICATION, r.output);
    const [swapped] = g.proxy.tampered();
    assert.notEqual(swapped.requestId, other.requestId);
    assert.match(r.output, new RegExp(`does not hold the status of request ${swapped.requestId}`));
    assert.deepEqual(await g.calls(), ['canister_status'], 'no call after the refused one');
    await assertUntouched(g);
  } finally {
    await g.close();
  }
});

test('a certificate swapped in for every reply: the helper gives up without acting on it', async (t) => {
  const g = await guardedModule(t);
  try {
    const other = await recordedCertificate(g);
    g.proxy.tamper((e) => isCall('canister_status')(e) || isStatusRead(e), forge.substitute(other.certificate), { times: 1000, name: 'swap' });
    const r = await g.helper('backup', '--timeout', '3');
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /backup failed: /);
    assert.deepEqual(sorted(await g.calls()), sorted(BACKUP_WAVE), 'no management call after the unanswered one');
    await assertUntouched(g);
  } finally {
    await g.close();
  }
});

test('a v4 reply whose certificate holds another request\'s status is refused as a verification error', async (t) => {
  const g = await guardedModule(t);
  try {
    const other = await recordedCertificate(g);
    g.proxy.tamper((e) => isCall('canister_status')(e) || isStatusRead(e), forge.substitute(other.certificate), { times: 1000, name: 'swap' });
    const r = await g.helper('status', '--timeout', '3');
    assert.equal(r.code, VERIFICATION, r.output);
    assert.deepEqual(await g.calls(), ['canister_status']);
  } finally {
    await g.close();
  }
});

test('an old certificate replayed after the replica\'s clock moved on is refused as stale (juno_upgrade)', async (t) => {
  const g = await guardedModule(t);
  try {
    const old = await recordedCertificate(g);
    // Ten minutes later by the replica's clock, which the helper adopts (it is certified): the
    // helper's first request expires too early, it reads /time and signs again.
    await admin(g.fx.url, 'POST', 'time', { advance_ms: 10 * 60_000 });
    g.proxy.tamper(isCall('canister_status'), forge.substitute(old.certificate), { name: 'replay' });
    const p = await g.project({ wasm: g.fx.writeWasm('v2.wasm', v2) });
    const r = await p.target('juno_upgrade');
    assert.notEqual(r.code, 0);
    assert.match(r.output, /synchronised the request clock with the replica/);
    await assertRefusedFirstCall(g, r, /the certificate is stale: its \/time is 10 min \d+ s old, more than the/, BACKUP_WAVE);
  } finally {
    await g.close();
  }
});

test('an old certificate replayed to juno-helper status is refused with exit code 6', async (t) => {
  const g = await guardedModule(t);
  try {
    const old = await recordedCertificate(g);
    await admin(g.fx.url, 'POST', 'time', { advance_ms: 10 * 60_000 });
    g.proxy.tamper(isCall('canister_status'), forge.substitute(old.certificate), { name: 'replay' });
    const r = await g.helper('status');
    assert.equal(r.code, VERIFICATION, r.output);
    await assertRefusedFirstCall(g, r, /the certificate is stale/);
  } finally {
    await g.close();
  }
});

// ---- delegations ----------------------------------------------------------------------------------

// Ranges holding aaaaa-aa alone: below every id the replica assigns, so never the module's.
const rangesMissing = [['aaaaa-aa', 'aaaaa-aa']];

for (const [api, faults, reads] of [
  ['/api/v4 (sharded ranges)', {}, []],
  ['/api/v2 and polling (legacy ranges)', { legacy_api: 1 }, ['read_state']],
]) {
  test(`a delegation whose ranges miss the module, through ${api}: status and juno_backup refuse`, async (t) => {
    const g = await guardedModule(t, { delegation: true });
    try {
      await admin(g.fx.url, 'POST', 'delegation', { ranges: rangesMissing });
      await g.fx.faults(faults);
      const reason = /canister \S+ is outside the canister ranges of subnet \S+, which signed the certificate/;
      const r = await g.helper('status');
      assert.equal(r.code, VERIFICATION, r.output);
      assert.match(r.output, reason);
      assert.deepEqual((await g.fx.log()).map((e) => e.method ?? e.endpoint), ['canister_status', ...reads]);

      await g.fx.clearLog();
      const p = await g.project({ wasm: g.fx.writeWasm('v2.wasm', v2) });
      const b = await p.target('juno_backup');
      assert.notEqual(b.code, 0);
      assert.match(b.output, reason);
      assert.deepEqual(sorted(await g.calls()), sorted(BACKUP_WAVE));
      assert.equal(g.proxy.tampered().length, 0, 'the replica itself sent the delegation');
      await assertUntouched(g);
    } finally {
      await g.close();
    }
  });
}

for (const [where, forgery, reason] of [
  ['the subnet\'s signature', forge.signature, /the certificate \(signed by the key of subnet \S+\) failed BLS verification/],
  ['the root key\'s signature on the delegation', forge.delegationSignature, /the delegation's certificate for subnet \S+ \(signed by the root key\) failed BLS verification/],
  ['the delegated subnet key', forge.delegationKey, /failed BLS verification/],
]) {
  test(`delegation mode: a flipped bit in ${where} is refused`, async (t) => {
    const g = await guardedModule(t, { delegation: true });
    try {
      g.proxy.tamper(isCall('canister_status'), forgery);
      const r = await g.helper('backup');
      assert.equal(r.code, VERIFICATION, r.output);
      await assertRefusedFirstCall(g, r, reason, BACKUP_WAVE);
    } finally {
      await g.close();
    }
  });
}

// ---- everything verifies in delegation mode --------------------------------------------------------

for (const [api, faults] of [['/api/v4', {}], ['/api/v2 and polling', { legacy_api: 1 }]]) {
  test(`delegation mode through ${api}: backup, upgrade and restore verify every delegated certificate`, async (t) => {
    const g = await guardedModule(t, { delegation: true });
    try {
      await g.fx.faults(faults);
      const p = await g.project({ wasm: g.fx.writeWasm('v2.wasm', v2) });
      const backup = await p.target('juno_backup');
      assert.equal(backup.code, 0, backup.output);
      const upgrade = await p.target('juno_upgrade');
      assert.equal(upgrade.code, 0, upgrade.output);
      const upgraded = await g.fx.state();
      assert.equal(upgraded.module_hash, sha256hex(v2));
      assert.equal(upgraded.status, 'running');

      const restore = await p.target('juno_restore');
      assert.equal(restore.code, 0, restore.output);
      const restored = await g.fx.state();
      assert.equal(restored.status, 'running');
      assert.equal(restored.module_hash, sha256hex(v1));
      assert.equal(restored.stable_memory_sha256, g.before.stable_memory_sha256);

      const certified = g.proxy.exchanges.filter((e) => e.certificate);
      assert.ok(certified.length >= 10, `${certified.length} certified replies`);
      assert.ok(certified.every((e) => e.delegated), 'every certificate carried a delegation');
      if (faults.legacy_api) assert.ok(certified.some((e) => e.endpoint === 'read_state' && e.version === 'v2'));
      assert.equal(g.proxy.tampered().length, 0);
    } finally {
      await g.close();
    }
  });
}
