// Off-chain backup throughput: a snapshot of JUNO_BENCH_SNAPSHOT_MIB (default 256) MiB, a quarter
// Wasm memory and the rest stable memory, downloaded and uploaded by juno-helper and by DFINITY's
// icp CLI against the same local replica, with JUNO_BENCH_LATENCY_MS (default 0) added to every
// answer. Prints the throughput (MiB/s) of each, the helper's over icp's (goal: at least 3x) and
// the helper's peak RSS (from /usr/bin/time, when present; goal: at most 64 MiB). Every result is
// checked byte for byte.
//
//   JUNO_HELPER=<juno-helper> node tests/bench/transfer_vs_icp.mjs
import { writeFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { startReplica, IcpCli, makeIdentity, admin, wasmModule } from '../replica/test/harness.mjs';

const helper = process.env.JUNO_HELPER;
if (!helper) throw new Error('set JUNO_HELPER to the juno-helper to measure');
const mib = Number(process.env.JUNO_BENCH_SNAPSHOT_MIB ?? 256);
const latencyMs = Number(process.env.JUNO_BENCH_LATENCY_MS ?? 0);
const bytes = mib * 1024 * 1024;
const TIME = '/usr/bin/time';
// JUNO_BENCH_HELPER_ONLY=1 measures the helper alone (icp's runs take most of the time).
const helperOnly = Boolean(process.env.JUNO_BENCH_HELPER_ONLY);

// A pooled keep-alive connection may have been closed by the replica meanwhile; one retry on a
// fresh connection is enough (as in upgrade_vs_icp.mjs).
const adminRetry = async (...args) => {
  try {
    return await admin(...args);
  } catch {
    return admin(...args);
  }
};

const replica = await startReplica();
const dir = mkdtempSync(join(tmpdir(), 'juno-bench-transfer-'));
try {
  const owner = makeIdentity('secp256k1');
  const pem = join(dir, 'owner.pem');
  writeFileSync(pem, owner.pem);
  const icp = new IcpCli(replica.url);
  await icp.importIdentity('owner', owner);
  const connect = ['--network', replica.url, '--identity', pem];
  const { canister_id: canister } = await admin(replica.url, 'POST', 'canisters', { controllers: [owner.principal] });
  const wasm = join(dir, 'app.wasm');
  writeFileSync(wasm, wasmModule({ app: [1] }));
  const helperRun = (args) => {
    const useTime = existsSync(TIME);
    const r = useTime
      ? spawnSync(TIME, ['-f', 'peak-rss-kib %M cpu-s %U+%S wall-s %e', helper, ...args, ...connect], { maxBuffer: 64 << 20 })
      : spawnSync(helper, [...args, ...connect], { maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`juno-helper ${args[0]} failed: ${r.stderr}`);
    const rss = /peak-rss-kib (\d+)/.exec(String(r.stderr));
    if (process.env.JUNO_BENCH_VERBOSE) console.log(args[0], /peak-rss-kib.*/.exec(String(r.stderr))?.[0]);
    return rss ? Number(rss[1]) / 1024 : NaN;
  };
  helperRun(['upgrade', '--canister', canister, '--wasm', wasm]);
  // Written in 2 MB pieces: the admin API takes at most 5 MiB a request.
  const heapBytes = Math.floor(bytes / 4 / 65536) * 65536;
  for (const [memory, size] of [['wasm_memory', heapBytes], ['stable_memory', bytes - heapBytes]]) {
    for (let offset = 0; offset < size; offset += 2_000_000) {
      const piece = new Uint8Array(randomBytes(Math.min(2_000_000, size - offset)));
      await adminRetry(replica.url, 'PATCH', `canisters/${canister}/${memory}?offset=${offset}`, piece);
    }
  }
  helperRun(['backup', '--canister', canister, '--keep', '10']);
  const [snapshot] = (await adminRetry(replica.url, 'GET', `canisters/${canister}`)).snapshots;
  if (latencyMs) await admin(replica.url, 'POST', 'faults', { delay_ms: latencyMs, delay_count: -1 });

  // The replica's own CPU time (user + system, from /proc): whether it sets the pace.
  const replicaCpu = () => {
    try {
      const fields = readFileSync(`/proc/${replica.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return NaN;
    }
  };
  const cpuOf = new Map();
  const timed = async (fn) => {
    const start = process.hrtime.bigint();
    const cpu = replicaCpu();
    const extra = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    cpuOf.set(seconds, replicaCpu() - cpu);
    return [seconds, extra];
  };
  const replicaShare = (s) => `replica CPU ${cpuOf.get(s)?.toFixed(2)} s`;
  const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const sameFiles = (folder) =>
    sha(join(folder, 'stable_memory.bin')) === snapshot.stable_memory_sha256 &&
    sha(join(folder, 'wasm_memory.bin')) === snapshot.wasm_memory_sha256;
  const mibps = (s) => snapshot.total_size / s / (1024 * 1024);
  const rate = (s) => `${mibps(s).toFixed(2)} MiB/s`;

  const byHelper = join(dir, 'helper');
  const [hDown, hDownRss] = await timed(() => helperRun(['download', '--canister', canister, '--dir', byHelper]));
  if (!sameFiles(byHelper)) throw new Error('helper download differs');
  const byIcp = join(dir, 'icp');
  const [iDown] = helperOnly ? [NaN] : await timed(() => icp.run(['canister', 'snapshot', 'download', canister, snapshot.id, '--output', byIcp], { identity: 'owner' }));
  if (!helperOnly && !sameFiles(byIcp)) throw new Error('icp download differs');
  rmSync(byIcp, { recursive: true, force: true });
  const [hUp, hUpRss] = await timed(() => helperRun(['upload', '--canister', canister, '--dir', byHelper, '--keep', '10']));
  // icp sends every slice at once; against the replica some of those connections fail, and a user
  // would go on with --resume: so does this, counting the retries in icp's time.
  let icpRetries = 0;
  let icpUploadFailed = '';
  const [iUp] = helperOnly ? [NaN] : await timed(async () => {
    let r = await icp.run(['canister', 'snapshot', 'upload', canister, '--input', byHelper], { identity: 'owner', allowFailure: true });
    while (r.code !== 0 && icpRetries < 5) {
      icpRetries += 1;
      r = await icp.run(['canister', 'snapshot', 'upload', canister, '--input', byHelper, '--resume'], { identity: 'owner', allowFailure: true });
    }
    // Not the helper's failure: reported, and the helper's figures still count.
    if (r.code !== 0) icpUploadFailed = r.stderr.trim().split('\n').pop();
  });
  const held = (await adminRetry(replica.url, 'GET', `canisters/${canister}`)).snapshots;
  // The original, the helper's upload and (unless skipped or failed) icp's hold the same bytes.
  const same = held.filter((s) => s.stable_memory_sha256 === snapshot.stable_memory_sha256 && s.wasm_memory_sha256 === snapshot.wasm_memory_sha256).length;
  if (same !== (helperOnly || icpUploadFailed ? 2 : 3)) throw new Error('an upload differs');

  const ratio = (icpSeconds, helperSeconds) => `${(icpSeconds / helperSeconds).toFixed(2)}x`;
  const goal = (met) => (met ? 'goal met' : 'goal NOT met');
  console.log(`${mib} MiB snapshot (${snapshot.total_size} bytes: Wasm memory ${heapBytes}, stable memory ${bytes - heapBytes}), ${latencyMs} ms added to every reply (local replica):`);
  console.log(`  juno-helper download   ${hDown.toFixed(2)} s  ${rate(hDown)}  peak RSS ${hDownRss.toFixed(1)} MiB (${goal(hDownRss <= 64)}: at most 64)  ${replicaShare(hDown)}`);
  if (!helperOnly) console.log(`  icp snapshot download  ${iDown.toFixed(2)} s  ${rate(iDown)}  helper/icp throughput ${ratio(iDown, hDown)} (${goal(iDown / hDown >= 3)}: at least 3x)  ${replicaShare(iDown)}`);
  console.log(`  juno-helper upload     ${hUp.toFixed(2)} s  ${rate(hUp)}  peak RSS ${hUpRss.toFixed(1)} MiB (${goal(hUpRss <= 64)}: at most 64)  ${replicaShare(hUp)}`);
  if (icpUploadFailed) console.log(`  icp snapshot upload    failed after ${icpRetries} --resume run(s): ${icpUploadFailed}`);
  else if (!helperOnly) console.log(`  icp snapshot upload    ${iUp.toFixed(2)} s  ${rate(iUp)}  helper/icp throughput ${ratio(iUp, hUp)} (${goal(iUp / hUp >= 3)}: at least 3x; ${icpRetries} --resume run(s))  ${replicaShare(iUp)}`);
  icp.cleanup();
} finally {
  await replica.stop();
  rmSync(dir, { recursive: true, force: true });
}
