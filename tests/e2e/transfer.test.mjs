// Off-chain backups: juno-helper download, verify, checked against the replica's state and
// against DFINITY's icp CLI, which must take the helper's folder as its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, cpSync, truncateSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fixture, project, run, startHelper, HELPER, sha256hex, wasmModule, admin, methodsCalled, managementFor, Principal } from './harness.mjs';
// Juno's CLI writes its metadata.json with this replacer; the test writes a Juno folder with it.
import { jsonReplacer } from '../replica/node_modules/@dfinity/utils/dist/index.mjs';
import { IcpCli } from '../replica/test/harness.mjs';

const helper = (fx, args) => run(HELPER, [...args, '--network', fx.url, '--identity', fx.pem]);

// A module with a 5 MB stable memory (three slices; or `stableSize` bytes) and a heap, backed up
// once.
async function backedUp(t, stableSize = 5_000_001) {
  const fx = await fixture(t);
  const wasm = fx.writeWasm('app.wasm', wasmModule({ app: [1] }));
  const install = await helper(fx, ['upgrade', '--canister', fx.canister, '--wasm', wasm]);
  assert.equal(install.code, 0, install.output);
  // In pieces: the admin API takes at most 5 MiB a request.
  for (let offset = 0; offset < stableSize; offset += 4_000_000) {
    const piece = new Uint8Array(randomBytes(Math.min(4_000_000, stableSize - offset)));
    await admin(fx.url, 'PATCH', `canisters/${fx.canister}/stable_memory?offset=${offset}`, piece);
  }
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/wasm_memory`, new Uint8Array(Buffer.from('heap at the backup')));
  const backup = await helper(fx, ['backup', '--canister', fx.canister]);
  assert.equal(backup.code, 0, backup.output);
  const state = await fx.state();
  assert.equal(state.snapshots.length, 1);
  return { fx, state, snapshot: state.snapshots[0] };
}

function assertFolderHolds(dir, snapshot) {
  assert.equal(sha256hex(readFileSync(join(dir, 'wasm_module.bin'))), snapshot.module_hash);
  assert.equal(sha256hex(readFileSync(join(dir, 'stable_memory.bin'))), snapshot.stable_memory_sha256);
  assert.equal(sha256hex(readFileSync(join(dir, 'wasm_memory.bin'))), snapshot.wasm_memory_sha256);
}

test('download writes icp\'s format plus a manifest; icp uploads and restores it to the same state', async (t) => {
  const { fx, state, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  await fx.clearLog();
  const r = await helper(fx, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /Downloaded backup 0x[0-9a-f]+ .* into /);
  assertFolderHolds(dir, snapshot);
  const log = await fx.log();
  assert.equal(methodsCalled(log, 'read_canister_snapshot_data').length, 5, 'three stable slices, the module and the heap');
  assert.equal(methodsCalled(log, 'stop_canister').length, 0, 'a download does not stop the module');

  const manifest = JSON.parse(readFileSync(join(dir, 'juno-manifest.json'), 'utf8'));
  assert.equal(manifest.snapshot_id, snapshot.id);
  assert.equal(manifest.canister_id, fx.canister);
  const names = manifest.files.map((f) => f.name).sort();
  assert.deepEqual(names, ['metadata.json', 'stable_memory.bin', 'wasm_memory.bin', 'wasm_module.bin']);
  for (const f of manifest.files) {
    const bytes = readFileSync(join(dir, f.name));
    assert.equal(bytes.length, f.size, f.name);
    assert.equal(sha256hex(bytes), f.sha256, f.name);
  }
  assert.ok(!existsSync(join(dir, 'juno-download-progress.log')), 'no progress record is left');

  const verify = await run(HELPER, ['verify', '--dir', dir]);
  assert.equal(verify.code, 0, verify.output);
  assert.match(verify.output, /every file matches its size and SHA-256/);
  assert.match(verify.output, new RegExp(`0x${snapshot.id} of ${fx.canister}`));

  // A complete download is never overwritten.
  const before = readFileSync(join(dir, 'juno-manifest.json'), 'utf8');
  const again = await helper(fx, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.notEqual(again.code, 0);
  assert.match(again.output, /already holds a complete download .* nothing was written/);
  assert.equal(readFileSync(join(dir, 'juno-manifest.json'), 'utf8'), before);

  // icp takes the folder as its own.
  const icp = new IcpCli(fx.url);
  t.after(() => icp.cleanup());
  await icp.importIdentity('owner', fx.owner);
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(Buffer.from('changed later')));
  const { stdout } = await icp.run(['canister', 'snapshot', 'upload', fx.canister, '--input', dir, '--quiet'], { identity: 'owner' });
  const uploaded = stdout.trim();
  await icp.run(['canister', 'stop', fx.canister], { identity: 'owner' });
  await icp.run(['canister', 'snapshot', 'restore', fx.canister, uploaded], { identity: 'owner' });
  await icp.run(['canister', 'start', fx.canister], { identity: 'owner' });
  const after = await fx.state();
  assert.equal(after.module_hash, state.module_hash);
  assert.equal(after.stable_memory_sha256, state.stable_memory_sha256);
  assert.equal(after.wasm_memory_sha256, state.wasm_memory_sha256);
  assert.equal(after.status, 'running');
});

test('an interrupted download continues, re-checking what is on disk', async (t) => {
  const { fx, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  // The third slice read fails: two are on disk when the run stops.
  await fx.faults({ method: [{ method: 'read_canister_snapshot_data', action: 'reject', code: 503, skip: 2, count: -1 }] });
  const first = await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem]);
  assert.notEqual(first.code, 0);
  assert.match(first.output, /was not changed.*continue with: juno-helper download --canister \S+ --network \S+ --identity \S+ --dir /s);
  assert.ok(!existsSync(join(dir, 'juno-manifest.json')), 'an unfinished download has no manifest');
  const verify = await run(HELPER, ['verify', '--dir', dir]);
  assert.notEqual(verify.code, 0);
  assert.match(verify.output, /unfinished download/);
  await admin(fx.url, 'DELETE', 'faults');

  // A flipped byte in a slice the record says is done must not survive the resume.
  const record = readFileSync(join(dir, 'juno-download-progress.log'), 'utf8').trim().split('\n').slice(1);
  assert.ok(record.length >= 1, 'the first run recorded the slices it wrote');
  const [name, offset] = record[0].split(' ');
  const bytes = readFileSync(join(dir, name));
  bytes[Number(offset)] ^= 0xff;
  writeFileSync(join(dir, name), bytes);
  await fx.clearLog();
  const second = await run(HELPER, ['download', '--canister', fx.canister, '--dir', dir, '--json', '--network', fx.url, '--identity', fx.pem]);
  assert.equal(second.code, 0, second.output);
  const doc = JSON.parse(second.stdout);
  assert.equal(doc.resumed, true);
  assert.ok(doc.fetched_bytes < doc.total_bytes, `only the missing part is fetched: ${second.stdout}`);
  const reads = methodsCalled(await fx.log(), 'read_canister_snapshot_data').length;
  assert.ok(reads >= 2 && reads < 5, `reads: ${reads}`);
  assertFolderHolds(dir, snapshot);
  assert.equal((await run(HELPER, ['verify', '--dir', dir])).code, 0);
});

test('verify refuses a flipped byte, a truncated file and a wrong manifest, naming the file', async (t) => {
  const { fx } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  const r = await helper(fx, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.equal(r.code, 0, r.output);
  const copy = (name) => {
    const to = join(fx.dir, name);
    cpSync(dir, to, { recursive: true });
    return to;
  };
  const flipped = copy('flipped');
  const bytes = readFileSync(join(flipped, 'stable_memory.bin'));
  bytes[4_000_000] ^= 1;
  writeFileSync(join(flipped, 'stable_memory.bin'), bytes);
  let v = await run(HELPER, ['verify', '--dir', flipped]);
  assert.notEqual(v.code, 0);
  assert.match(v.output, /stable_memory\.bin does not match its SHA-256 in the manifest/);

  const truncated = copy('truncated');
  truncateSync(join(truncated, 'wasm_memory.bin'), 3);
  v = await run(HELPER, ['verify', '--dir', truncated]);
  assert.notEqual(v.code, 0);
  assert.match(v.output, /wasm_memory\.bin holds 3 bytes, but metadata\.json says/);

  const wrong = copy('wrong-manifest');
  const manifest = JSON.parse(readFileSync(join(wrong, 'juno-manifest.json'), 'utf8'));
  manifest.files.find((f) => f.name === 'wasm_module.bin').sha256 = '00'.repeat(32);
  writeFileSync(join(wrong, 'juno-manifest.json'), JSON.stringify(manifest));
  v = await run(HELPER, ['verify', '--dir', wrong]);
  assert.notEqual(v.code, 0);
  assert.match(v.output, /wasm_module\.bin does not match its SHA-256 in the manifest/);

  const meta = copy('edited-metadata');
  const m = JSON.parse(readFileSync(join(meta, 'metadata.json'), 'utf8'));
  m.stable_memory_size += 1;
  writeFileSync(join(meta, 'metadata.json'), JSON.stringify(m));
  v = await run(HELPER, ['verify', '--dir', meta]);
  assert.notEqual(v.code, 0);
  assert.match(v.output, /metadata\.json does not match the manifest/);
});

test('icp\'s download uploads with the helper and restores to the same state', async (t) => {
  const { fx, state, snapshot } = await backedUp(t);
  const icp = new IcpCli(fx.url);
  t.after(() => icp.cleanup());
  await icp.importIdentity('owner', fx.owner);
  const dir = join(fx.dir, 'by-icp');
  await icp.run(['canister', 'snapshot', 'download', fx.canister, snapshot.id, '--output', dir], { identity: 'owner' });

  const verify = await run(HELPER, ['verify', '--dir', dir]);
  assert.equal(verify.code, 0, verify.output);
  assert.match(verify.output, /written by icp canister snapshot download/);

  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(Buffer.from('changed later')));
  await fx.clearLog();
  const up = await run(HELPER, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2', '--json', '--network', fx.url, '--identity', fx.pem]);
  assert.equal(up.code, 0, up.output);
  const doc = JSON.parse(up.stdout);
  assert.equal(doc.format, 'icp canister snapshot download');
  const log = await fx.log();
  assert.equal(methodsCalled(log, 'upload_canister_snapshot_metadata').length, 1);
  assert.equal(methodsCalled(log, 'upload_canister_snapshot_data').length, 5);
  assert.equal(methodsCalled(log, 'stop_canister').length, 0, 'an upload does not stop the module');
  const held = (await fx.state()).snapshots;
  assert.equal(held.length, 2, 'keep 2: added beside the backup');
  const uploaded = held.find((s) => '0x' + s.id === doc.backup.id);
  assert.equal(uploaded.source, 'metadata_upload');
  assert.equal(uploaded.stable_memory_sha256, snapshot.stable_memory_sha256);

  const restore = await helper(fx, ['restore', '--canister', fx.canister, '--snapshot', doc.backup.id]);
  assert.equal(restore.code, 0, restore.output);
  const after = await fx.state();
  assert.equal(after.module_hash, state.module_hash);
  assert.equal(after.stable_memory_sha256, state.stable_memory_sha256);
  assert.equal(after.wasm_memory_sha256, state.wasm_memory_sha256);
  assert.equal(after.status, 'running');
});

test('restore --from brings a downloaded backup into another module', async (t) => {
  const { fx, state } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  const down = await helper(fx, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.equal(down.code, 0, down.output);
  const { canister_id: other } = await admin(fx.url, 'POST', 'canisters', { controllers: [fx.owner.principal] });
  const r = await helper(fx, ['restore', '--canister', other, '--from', dir]);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /Uploaded .* as backup 0x/);
  const moved = await admin(fx.url, 'GET', `canisters/${other}`);
  assert.equal(moved.module_hash, state.module_hash);
  assert.equal(moved.stable_memory_sha256, state.stable_memory_sha256);
  assert.equal(moved.wasm_memory_sha256, state.wasm_memory_sha256);
  assert.equal(moved.status, 'running');
  assert.equal(moved.snapshots.length, 1);
});

test('upload checks every file before sending anything, and follows keep/overwrite', async (t) => {
  const { fx, snapshot } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await helper(fx, ['download', '--canister', fx.canister, '--dir', dir])).code, 0);
  const broken = join(fx.dir, 'broken');
  cpSync(dir, broken, { recursive: true });
  const bytes = readFileSync(join(broken, 'wasm_memory.bin'));
  bytes[0] ^= 1;
  writeFileSync(join(broken, 'wasm_memory.bin'), bytes);
  await fx.clearLog();
  const refused = await helper(fx, ['upload', '--canister', fx.canister, '--dir', broken]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, /wasm_memory\.bin does not match its SHA-256 in the manifest/);
  assert.equal(methodsCalled(await fx.log(), 'upload_canister_snapshot_metadata').length, 0, 'nothing was sent');

  const kept = await helper(fx, ['upload', '--canister', fx.canister, '--dir', dir, '--no-overwrite']);
  assert.notEqual(kept.code, 0);
  assert.match(kept.output, /already holds 1 backup\(s\) \(keep 1\) and overwriting is off; nothing was uploaded/);
  assert.deepEqual((await fx.state()).snapshots.map((s) => s.id), [snapshot.id]);

  const replaced = await helper(fx, ['upload', '--canister', fx.canister, '--dir', dir]);
  assert.equal(replaced.code, 0, replaced.output);
  assert.match(replaced.output, /It replaced the oldest backup/);
  const now = (await fx.state()).snapshots;
  assert.equal(now.length, 1);
  assert.notEqual(now[0].id, snapshot.id);
  assert.equal(now[0].stable_memory_sha256, snapshot.stable_memory_sha256);
});

test('an interrupted upload continues into the same snapshot', async (t) => {
  const { fx, state } = await backedUp(t);
  const dir = join(fx.dir, 'backup');
  assert.equal((await helper(fx, ['download', '--canister', fx.canister, '--dir', dir])).code, 0);
  await fx.faults({ method: [{ method: 'upload_canister_snapshot_data', action: 'reject', code: 503, skip: 2, count: -1 }] });
  const first = await helper(fx, ['upload', '--canister', fx.canister, '--dir', dir, '--keep', '2']);
  assert.notEqual(first.code, 0);
  // The command printed is run as printed (through a shell): it names the network and identity.
  const printed = /is not complete yet.*Continue it with: (juno-helper upload --canister \S+ --network \S+ --identity \S+ --dir \S+)/s.exec(first.output);
  assert.ok(printed, first.output);
  await admin(fx.url, 'DELETE', 'faults');
  const partial = (await fx.state()).snapshots;
  assert.equal(partial.length, 2);
  await fx.clearLog();
  const second = await run('sh', ['-c', `${printed[1].replace(/^juno-helper/, HELPER)} --json`]);
  assert.equal(second.code, 0, second.output);
  const doc = JSON.parse(second.stdout);
  assert.equal(doc.resumed, true);
  assert.ok(doc.sent_bytes < doc.total_bytes, second.stdout);
  assert.equal(methodsCalled(await fx.log(), 'upload_canister_snapshot_metadata').length, 0, 'the same snapshot');
  assert.equal((await fx.state()).snapshots.length, 2);
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(Buffer.from('changed later')));
  const restore = await helper(fx, ['restore', '--canister', fx.canister, '--snapshot', doc.backup.id]);
  assert.equal(restore.code, 0, restore.output);
  const after = await fx.state();
  assert.equal(after.stable_memory_sha256, state.stable_memory_sha256);
  assert.equal(after.wasm_memory_sha256, state.wasm_memory_sha256);
});

test('SIGINT ends a download between slices; the same command then completes it', async (t) => {
  const { fx, snapshot } = await backedUp(t, 24_000_000); // 12 slices: more than run at once
  const dir = join(fx.dir, 'backup');
  await fx.faults({ method: [{ method: 'read_canister_snapshot_data', when: 'before', action: 'pause', ms: 1500, skip: 2, count: -1 }] });
  const { child, exited } = startHelper(['download', '--canister', fx.canister, '--dir', dir, '--network', fx.url, '--identity', fx.pem]);
  for (let i = 0; i < 1000; i++) {
    const { paused } = await admin(fx.url, 'GET', 'faults');
    if (paused.length > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGINT');
  const stopped = await exited;
  assert.equal(stopped.code, 130, stopped.output);
  assert.match(stopped.output, /continue with: juno-helper download --canister \S+ --network \S+ --identity \S+ --dir /);
  assert.ok(!existsSync(join(dir, 'juno-manifest.json')));
  await admin(fx.url, 'DELETE', 'faults');
  const reads = methodsCalled(await fx.log(), 'read_canister_snapshot_data').length;
  assert.ok(reads < 14, `the run stopped reading: ${reads} reads`);
  const again = await helper(fx, ['download', '--canister', fx.canister, '--dir', dir]);
  assert.equal(again.code, 0, again.output);
  assertFolderHolds(dir, snapshot);
  assert.equal((await run(HELPER, ['verify', '--dir', dir])).code, 0);
});

test('a folder in Juno CLI\'s format, chunk store included, uploads and restores', async (t) => {
  const fx = await fixture(t);
  const wasm = fx.writeWasm('app.wasm', wasmModule({ app: [2] }));
  assert.equal((await helper(fx, ['upgrade', '--canister', fx.canister, '--wasm', wasm])).code, 0);
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(randomBytes(2_500_000)));
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/wasm_memory`, new Uint8Array(Buffer.from('heap of a Juno folder')));
  // Juno's own chunks are 1,000,000 bytes (the last one shorter): its upload splits at that size.
  const management = await managementFor(fx.url, fx.owner.identity);
  const canisterId = Principal.fromText(fx.canister);
  const chunks = [new Uint8Array(randomBytes(1_000_000)), new Uint8Array(Buffer.from('the last chunk'))];
  for (const chunk of chunks) await management.uploadChunk({ canisterId, chunk });
  assert.equal((await helper(fx, ['backup', '--canister', fx.canister])).code, 0);
  const state = await fx.state();
  const [snapshot] = state.snapshots;
  assert.equal(snapshot.chunk_hashes.length, 2);

  // The folder as `juno snapshot download` writes it (junobuild/cli snapshot.download.services.ts).
  const dir = join(fx.dir, 'juno');
  mkdirSync(dir);
  const metadata = await management.readCanisterSnapshotMetadata({ canisterId, snapshotId: snapshot.id });
  const part = async (filename, size, kind) => {
    if (size === 0n) return null;
    const bytes = [];
    for (let offset = 0n; offset < size; offset += 1_000_000n) {
      const n = size - offset < 1_000_000n ? size - offset : 1_000_000n;
      const { chunk } = await management.readCanisterSnapshotData({ canisterId, snapshotId: snapshot.id, kind: { [kind]: { offset, size: n } } });
      bytes.push(Buffer.from(chunk));
    }
    const all = Buffer.concat(bytes);
    writeFileSync(join(dir, filename), all);
    return { filename, size: BigInt(all.length), hash: sha256hex(all) };
  };
  const store = Buffer.concat(await Promise.all(metadata.wasmChunkStore.map(async (c) =>
    Buffer.from((await management.readCanisterSnapshotData({ canisterId, snapshotId: snapshot.id, kind: { wasmChunk: c } })).chunk))));
  writeFileSync(join(dir, 'chunks-store.bin'), store);
  const data = {
    wasmModule: await part('wasm-code.bin', metadata.wasmModuleSize, 'wasmModule'),
    wasmMemory: await part('heap.bin', metadata.wasmMemorySize, 'wasmMemory'),
    stableMemory: await part('stable.bin', metadata.stableMemorySize, 'stableMemory'),
    wasmChunkStore: { filename: 'chunks-store.bin', size: BigInt(store.length), hash: sha256hex(store) },
  };
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ snapshotId: `0x${snapshot.id}`, metadata, data }, jsonReplacer, 2));

  const verify = await run(HELPER, ['verify', '--dir', dir]);
  assert.equal(verify.code, 0, verify.output);
  assert.match(verify.output, /written by juno snapshot download/);
  assert.match(verify.output, /2 chunk\(s\)/);

  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(Buffer.from('changed later')));
  await management.clearChunkStore({ canisterId });
  const r = await helper(fx, ['restore', '--canister', fx.canister, '--from', dir, '--keep', '2']);
  assert.equal(r.code, 0, r.output);
  const after = await fx.state();
  assert.equal(after.module_hash, state.module_hash);
  assert.equal(after.stable_memory_sha256, state.stable_memory_sha256);
  assert.equal(after.wasm_memory_sha256, state.wasm_memory_sha256);
  assert.deepEqual([...after.chunk_hashes].sort(), [...state.chunk_hashes].sort());

  // The same folder downloaded by the helper carries the chunks as icp does: one file per hash.
  const helperDir = join(fx.dir, 'helper');
  assert.equal((await helper(fx, ['download', '--canister', fx.canister, '--dir', helperDir, '--snapshot', snapshot.id])).code, 0);
  for (const hash of snapshot.chunk_hashes) {
    assert.equal(sha256hex(readFileSync(join(helperDir, 'wasm_chunk_store', `${hash}.bin`))), hash);
  }

  // A flipped byte in Juno's chunk store is refused, naming the file.
  store[5] ^= 1;
  writeFileSync(join(dir, 'chunks-store.bin'), store);
  const refused = await run(HELPER, ['verify', '--dir', dir]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.output, /chunks-store\.bin does not match its SHA-256 in metadata\.json/);
});

test('a backup of a Satellite is refused into an Orbiter unless the kind change is allowed', async (t) => {
  const fx = await fixture(t);
  const junoModule = (name) => wasmModule({ 'icp:public juno:package': [...new TextEncoder().encode(JSON.stringify({ name, version: '0.1.0' }))] });
  const configFor = (kind, canister) => fx.writeFile(`${kind}.json`, JSON.stringify({
    name: '', kind, canister_id: canister, network: fx.url, identity: fx.pem,
    backup: { keep: 1, overwrite: true, before_upgrade: true },
  }));
  const satellite = configFor('satellite', fx.canister);
  assert.equal((await run(HELPER, ['upgrade', '--config', satellite, '--wasm', fx.writeWasm('s.wasm', junoModule('@junobuild/satellite'))])).code, 0);
  assert.equal((await run(HELPER, ['backup', '--config', satellite])).code, 0);
  const dir = join(fx.dir, 'satellite-backup');
  assert.equal((await run(HELPER, ['download', '--config', satellite, '--dir', dir])).code, 0);

  const { canister_id: other } = await admin(fx.url, 'POST', 'canisters', { controllers: [fx.owner.principal] });
  const orbiter = configFor('orbiter', other);
  assert.equal((await run(HELPER, ['upgrade', '--config', orbiter, '--wasm', fx.writeWasm('o.wasm', junoModule('@junobuild/orbiter'))])).code, 0);
  await fx.clearLog();
  const refused = await run(HELPER, ['upload', '--config', orbiter, '--dir', dir]);
  assert.equal(refused.code, 2, refused.output);
  assert.match(refused.output, /upload refused: .* another kind .*Nothing was uploaded.*--allow-package-change=kind/s);
  assert.equal(methodsCalled(await fx.log(), 'upload_canister_snapshot_metadata').length, 0);
  const allowed = await run(HELPER, ['upload', '--config', orbiter, '--dir', dir, '--allow-package-change=kind']);
  assert.equal(allowed.code, 0, allowed.output);
  assert.equal((await admin(fx.url, 'GET', `canisters/${other}`)).snapshots.length, 1);
});

test('the build\'s targets: juno_backup_download_<name> into <build>/juno/backups/<name>, juno_restore_from_<name> from JUNO_BACKUP_FROM', async (t) => {
  const fx = await fixture(t);
  const p = await project(fx, { wasm: fx.writeWasm('v1.wasm', wasmModule({ version: [1] })) });
  assert.equal((await p.target('juno_upgrade')).code, 0);
  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(Buffer.from('kept off-chain')));
  assert.equal((await p.target('juno_backup')).code, 0);
  const state = await fx.state();
  const down = await p.target('juno_backup_download_satellite');
  assert.equal(down.code, 0, down.output);
  const dir = join(p.build, 'juno', 'backups', 'satellite');
  assert.equal(sha256hex(readFileSync(join(dir, 'stable_memory.bin'))), state.stable_memory_sha256);

  const without = await p.target('juno_restore_from_satellite');
  assert.notEqual(without.code, 0);
  assert.match(without.output, /set JUNO_BACKUP_FROM=<folder>/);
  assert.equal((await fx.state()).version, state.version, 'nothing was done');

  await admin(fx.url, 'PUT', `canisters/${fx.canister}/stable_memory`, new Uint8Array(Buffer.from('lost')));
  const restored = await run('cmake', ['--build', p.build, '--target', 'juno_restore_from_satellite'], { env: { JUNO_BACKUP_FROM: dir } });
  assert.equal(restored.code, 0, restored.output);
  const after = await fx.state();
  assert.equal(after.stable_memory_sha256, state.stable_memory_sha256);
  assert.equal(after.status, 'running');
});
