// Juno's package checks (juno:package metadata) before an upgrade, against the local replica: the
// wrong kind, an extended Satellite replaced by a stock one, a downgrade and a skipped version are
// each refused with the module untouched (same module, running, no backup, no stop), each
// override lets its change through, and modules without the metadata are not refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, project, run, HELPER, sha256hex, wasmModule } from './harness.mjs';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'satellite');

// A module carrying Juno's metadata as the `icp:public juno:package` custom section.
const junoModule = (pkg, extra = {}) =>
  wasmModule({ 'icp:public juno:package': [...new TextEncoder().encode(JSON.stringify(pkg))], ...extra });
const satellite = (version) => junoModule({ name: '@junobuild/satellite', version });
const extended = (version) =>
  junoModule({ name: 'my-functions', version: '1.0.0', dependencies: { '@junobuild/satellite': version } });
const orbiter = (version) => junoModule({ name: '@junobuild/orbiter', version });
const plain = (n) => wasmModule({ counter: [n] });

// The module config juno_add_module writes, for a module of `kind` in fx's replica; backups on.
const configFor = (fx, kind) =>
  fx.writeFile(`${kind}.json`, JSON.stringify({
    name: '', kind, canister_id: fx.canister, network: fx.url, identity: fx.pem,
    backup: { keep: 1, overwrite: true, before_upgrade: true },
  }));

const upgrade = (config, wasm, args = [], env = {}) =>
  run(HELPER, ['upgrade', '--config', config, '--wasm', wasm, ...args], { env });

// Installs `bytes` as the module's code (a first install passes the checks: the Wasm is of the
// kind), then clears the replica's log.
async function installed(fx, config, bytes) {
  const r = await upgrade(config, fx.writeWasm('installed.wasm', bytes));
  assert.equal(r.code, 0, r.output);
  const state = await fx.state();
  assert.equal(state.module_hash, sha256hex(bytes));
  await fx.clearLog();
  return state;
}

// The refusal left everything as it was: same module, running, no backup; nothing was stopped,
// snapshotted or installed.
async function assertUntouched(fx, before, result) {
  assert.equal(result.code, 2, `expected a refusal (usage error):\n${result.output}`);
  const after = await fx.state();
  assert.equal(after.module_hash, before.module_hash);
  assert.equal(after.status, 'running');
  assert.deepEqual(after.snapshots, before.snapshots);
  assert.equal(after.snapshots.length, 0);
  const changing = (await fx.log()).filter((e) =>
    ['stop_canister', 'take_canister_snapshot', 'install_code', 'install_chunked_code', 'upload_chunk'].includes(e.method));
  assert.deepEqual(changing, []);
  assert.match(result.output, /upgrade refused/);
  assert.match(result.output, /was not touched and is running; the upgrade took no backup/);
}

async function assertUpgradedTo(fx, result, bytes) {
  assert.equal(result.code, 0, result.output);
  const after = await fx.state();
  assert.equal(after.module_hash, sha256hex(bytes));
  assert.equal(after.status, 'running');
  assert.equal(after.snapshots.length, 1, 'the upgrade backed the module up first');
}

test('the wrong kind is refused, the module untouched, and --allow-package-change=kind lets it through', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, satellite('0.1.1'));
  const next = fx.writeWasm('orbiter.wasm', orbiter('0.1.2'));
  const refused = await upgrade(config, next);
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /the new Wasm is @junobuild\/orbiter 0\.1\.2, not @junobuild\/satellite/);
  assert.match(refused.output, /installed: @junobuild\/satellite 0\.1\.1 \(stock\)/);
  assert.match(refused.output, new RegExp(`JUNO_ALLOW_PACKAGE_CHANGE=kind juno-helper upgrade --config ${config}`));
  assert.match(refused.output, /--allow-package-change=kind/);

  const allowed = await upgrade(config, next, ['--allow-package-change=kind']);
  await assertUpgradedTo(fx, allowed, orbiter('0.1.2'));
  assert.match(allowed.output, /allowed for this run \(kind\)/);
});

test('a plain canister does not replace a Satellite: the new Wasm has no Juno metadata', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, satellite('0.1.1'));
  const refused = await upgrade(config, fx.writeWasm('plain.wasm', plain(1)));
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /carries no Juno package metadata: it is not a @junobuild\/satellite build/);
});

test('an extended Satellite is not replaced by a stock one unless JUNO_ALLOW_PACKAGE_CHANGE=stock', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, extended('0.1.1'));
  const next = fx.writeWasm('stock.wasm', satellite('0.1.2'));
  const refused = await upgrade(config, next);
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /my-functions 1\.0\.0 \(extended: serverless functions on @junobuild\/satellite 0\.1\.1\)/);
  assert.match(refused.output, /the installed Satellite is extended .*stock Satellite, which would remove them \[stock\]/);

  const allowed = await upgrade(config, next, [], { JUNO_ALLOW_PACKAGE_CHANGE: 'stock' });
  await assertUpgradedTo(fx, allowed, satellite('0.1.2'));
});

test('a downgrade is refused, and allowed with the override', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, satellite('0.2.0'));
  const next = fx.writeWasm('old.wasm', satellite('0.1.9'));
  const refused = await upgrade(config, next);
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /version 0\.1\.9 is older than the installed 0\.2\.0 \[downgrade\]/);

  const allowed = await upgrade(config, next, ['--allow-package-change', 'downgrade']);
  await assertUpgradedTo(fx, allowed, satellite('0.1.9'));
});

test('a version jump that skips a step is refused (upgrade iteratively), and allowed with the override', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, extended('0.1.1'));
  const next = fx.writeWasm('jump.wasm', extended('0.1.3'));
  const refused = await upgrade(config, next);
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /from 0\.1\.1 to 0\.1\.3 skips versions: Juno upgrades iteratively/);

  const oneStep = await upgrade(config, fx.writeWasm('step.wasm', extended('0.1.2')));
  await assertUpgradedTo(fx, oneStep, extended('0.1.2'));
  const allowed = await upgrade(config, fx.writeWasm('jump2.wasm', extended('0.1.4')), [], { JUNO_ALLOW_PACKAGE_CHANGE: 'skip' });
  assert.equal(allowed.code, 0, allowed.output);
  assert.equal((await fx.state()).module_hash, sha256hex(extended('0.1.4')));
});

test('several findings are refused together, and the message names every override', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, extended('0.3.0'));
  const refused = await upgrade(config, fx.writeWasm('old-stock.wasm', satellite('0.2.0')));
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /JUNO_ALLOW_PACKAGE_CHANGE=stock,downgrade /);
  // Allowing only one of them still refuses the other.
  const half = await upgrade(config, fx.writeWasm('old-stock.wasm', satellite('0.2.0')), ['--allow-package-change=stock']);
  await assertUntouched(fx, before, half);
  assert.match(half.output, /allowed for this run \(stock\)/);
  assert.match(half.output, /JUNO_ALLOW_PACKAGE_CHANGE=downgrade /);
});

test('modules without the metadata are not refused; the check says what it skipped', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  await installed(fx, config, plain(1));
  // An older module (no metadata) upgraded to a Satellite with metadata: only the Wasm's kind counts.
  const first = await upgrade(config, fx.writeWasm('sat.wasm', satellite('0.5.0')));
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /the installed module carries no Juno package metadata .*only the new Wasm's kind is checked/);
  assert.equal((await fx.state()).module_hash, sha256hex(satellite('0.5.0')));

  // KIND canister: no Juno check at all, whatever the Wasms carry.
  const canisterConfig = configFor(fx, 'canister');
  const other = await upgrade(canisterConfig, fx.writeWasm('orbiter.wasm', orbiter('9.0.0')));
  assert.equal(other.code, 0, other.output);
  assert.doesNotMatch(other.output, /Juno package check/);

  // Neither side carries metadata.
  await upgrade(canisterConfig, fx.writeWasm('plain2.wasm', plain(2)));
  const none = await upgrade(config, fx.writeWasm('plain3.wasm', plain(3)));
  assert.equal(none.code, 0, none.output);
  assert.match(none.output, /Juno package check skipped: neither the installed module nor the new Wasm carries/);
  assert.equal((await fx.state()).module_hash, sha256hex(plain(3)));
});

test('Mission Control and Orbiter modules are checked against their own packages', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'orbiter');
  const before = await installed(fx, config, orbiter('0.0.7'));
  const refused = await upgrade(config, fx.writeWasm('sat.wasm', satellite('0.0.8')));
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /not @junobuild\/orbiter/);
  const ok = await upgrade(config, fx.writeWasm('next.wasm', orbiter('0.0.8')));
  await assertUpgradedTo(fx, ok, orbiter('0.0.8'));

  const mission = configFor(fx, 'mission_control');
  const wrong = await upgrade(mission, fx.writeWasm('mc.wasm', junoModule({ name: '@junobuild/mission-control', version: '0.0.9' })));
  assert.equal(wrong.code, 2, wrong.output);
  assert.match(wrong.output, /the installed module is @junobuild\/orbiter 0\.0\.8, not @junobuild\/mission-control/);
  assert.equal((await fx.state()).module_hash, sha256hex(orbiter('0.0.8')));
});

test('a malformed juno:package or an unknown override is refused before anything is touched', async (t) => {
  const fx = await fixture(t);
  const config = configFor(fx, 'satellite');
  const before = await installed(fx, config, satellite('0.1.1'));
  const broken = fx.writeWasm('broken.wasm', wasmModule({ 'icp:public juno:package': [...new TextEncoder().encode('{"name":')] }));
  const refused = await upgrade(config, broken);
  await assertUntouched(fx, before, refused);
  assert.match(refused.output, /a juno:package section that cannot be read \(.*not valid JSON/);

  const typo = await upgrade(config, fx.writeWasm('next.wasm', satellite('0.1.2')), [], { JUNO_ALLOW_PACKAGE_CHANGE: 'downgrades' });
  assert.equal(typo.code, 2, typo.output);
  assert.match(typo.output, /JUNO_ALLOW_PACKAGE_CHANGE: unknown change 'downgrades'/);
  assert.equal((await fx.state()).module_hash, before.module_hash);
});

test('make juno_upgrade: the refusal names the target to run with JUNO_ALLOW_PACKAGE_CHANGE, which lets it through', async (t) => {
  const fx = await fixture(t);
  const v2 = satellite('0.0.2');
  const p = await project(fx, { wasm: fx.writeWasm('v2.wasm', v2), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
  const first = await p.target('juno_upgrade');
  assert.equal(first.code, 0, first.output);
  const before = await fx.state();
  await fx.clearLog();

  const p1 = await project(fx, { wasm: fx.writeWasm('v1.wasm', satellite('0.0.1')), cache: { JUNO_UPGRADE_BACKUP: 'OFF' } });
  const refused = await p1.target('juno_upgrade');
  assert.notEqual(refused.code, 0);
  const after = await fx.state();
  assert.equal(after.module_hash, before.module_hash);
  assert.equal(after.status, 'running');
  assert.equal(after.snapshots.length, 0);
  const hint = `JUNO_ALLOW_PACKAGE_CHANGE=downgrade cmake --build ${p1.build} --target juno_upgrade_satellite`;
  assert.ok(refused.output.includes(hint), refused.output);

  const allowed = await run('cmake', ['--build', p1.build, '--target', 'juno_upgrade_satellite'], { env: { JUNO_ALLOW_PACKAGE_CHANGE: 'downgrade' } });
  assert.equal(allowed.code, 0, allowed.output);
  assert.equal((await fx.state()).module_hash, sha256hex(satellite('0.0.1')));
});

test('the example satellite carries juno:package: 0.0.1 -> 0.0.2 passes, going back to 0.0.1 is refused', async (t) => {
  const fx = await fixture(t);
  const build = mkdtempSync(join(fx.dir, 'satellite-'));
  const config = fx.writeFile('juno.config.json', JSON.stringify({ satellite: { ids: { development: fx.canister } } }));
  const configure = async (defines) => {
    const r = await run('cmake', [...Object.entries(defines).map(([k, v]) => `-D${k}=${v}`), '-S', EXAMPLE, '-B', build]);
    assert.equal(r.code, 0, r.output);
  };
  const upgradeTarget = () => run('cmake', ['--build', build, '--target', 'juno_upgrade']);
  const wasm = () => readFileSync(join(build, 'wasm', 'satellite.wasm'));
  await configure({
    JUNO_HELPER_EXECUTABLE: HELPER, JUNO_NETWORK: fx.url, JUNO_IDENTITY: fx.pem, JUNO_MODE: 'development',
    JUNO_CONFIG: config, JUNO_UPGRADE_BACKUP: 'OFF', SATELLITE_VERSION: '1',
  });
  const first = await upgradeTarget();
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /Juno package check passed: installed: nothing \(an empty module\); new Wasm: @junobuild\/satellite 0\.0\.1 \(stock\)/);

  await configure({ SATELLITE_VERSION: '2' });
  const second = await upgradeTarget();
  assert.equal(second.code, 0, second.output);
  // The installed module's metadata came from the replica (read_state), the new one from the file.
  assert.match(second.output, /Juno package check passed: installed: @junobuild\/satellite 0\.0\.1 \(stock\); new Wasm: @junobuild\/satellite 0\.0\.2 \(stock\)/);
  const v2 = sha256hex(wasm());
  assert.equal((await fx.state()).module_hash, v2);

  await configure({ SATELLITE_VERSION: '1' });
  const back = await upgradeTarget();
  assert.notEqual(back.code, 0, back.output);
  assert.match(back.output, /version 0\.0\.1 is older than the installed 0\.0\.2 \[downgrade\]/);
  const after = await fx.state();
  assert.equal(after.module_hash, v2);
  assert.equal(after.status, 'running');
  assert.equal(after.snapshots.length, 0);
});
