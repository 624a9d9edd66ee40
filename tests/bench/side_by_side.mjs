// juno-helper beside DFINITY's icp CLI and Juno's own code, against one local replica in one run,
// with 200 ms added to every answer (a far-away boundary node): a 5 MB and a 20 MB module upgrade,
// and a backup. For each: wall time, downtime (the module's status polled through the admin API
// every 20 ms: the time it was not `running`) and the IC API requests the replica logged; the
// median of JUNO_BENCH_RUNS runs (default 3), the order of the tools rotated from run to run.
// Prints one table, each row's ratios to the helper's row it compares with.
//
//   JUNO_HELPER=<juno-helper> node tests/bench/side_by_side.mjs
//
// Juno's code (tests/bench/juno_js.mjs) is @junobuild/admin's upgradeModule and the Console's
// snapshot path (stop, take snapshot, start) on @icp-sdk/canisters, at the versions
// tests/bench/package-lock.json pins (npm ci in tests/bench; tests/setup-debian.sh does it).
import { writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startReplica, IcpCli, makeIdentity, admin, bigWasmModule, wasmModule, sha256hex } from '../replica/test/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const helper = process.env.JUNO_HELPER;
if (!helper) throw new Error('set JUNO_HELPER to the juno-helper to measure');
if (!existsSync(join(here, 'node_modules', '@junobuild', 'admin'))) {
  throw new Error('Juno\'s code is not installed: run `npm ci` in tests/bench (tests/setup-debian.sh does)');
}
const latencyMs = Number(process.env.JUNO_BENCH_LATENCY_MS ?? 200);
const runs = Number(process.env.JUNO_BENCH_RUNS ?? 3);
const POLL_MS = 20;

// A pooled keep-alive connection may have been closed by the replica meanwhile: retry once.
const adminRetry = async (...args) => {
  try {
    return await admin(...args);
  } catch {
    return admin(...args);
  }
};

// Runs a program to its end; rejects with its output when it fails.
const exec = (program, args, env = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')} failed (${code}):\n${output}`))));
  });

// Polls the module's status until stopped; resolves to the seconds it was not `running`.
function watchDowntime(url, canister) {
  let done = false;
  const samples = [];
  const loop = (async () => {
    while (!done) {
      const at = performance.now();
      const { status } = await adminRetry(url, 'GET', `canisters/${canister}`);
      samples.push([at, status]);
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (performance.now() - at))));
    }
  })();
  return async () => {
    done = true;
    await loop;
    let ms = 0;
    for (let i = 0; i + 1 < samples.length; i++) if (samples[i][1] !== 'running') ms += samples[i + 1][0] - samples[i][0];
    return ms / 1000;
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const replica = await startReplica();
const dir = mkdtempSync(join(tmpdir(), 'juno-bench-side-'));
try {
  const { url } = replica;
  const owner = makeIdentity('secp256k1');
  const pem = join(dir, 'owner.pem');
  writeFileSync(pem, owner.pem);
  const icp = new IcpCli(url);
  await icp.importIdentity('owner', owner);
  const small = join(dir, 'small.wasm');
  writeFileSync(small, wasmModule({ v: [1] }));

  const helperRun = (canister, args) => exec(helper, [...args, '--canister', canister, '--network', url, '--identity', pem]);
  const junoJs = (args) => exec(process.execPath, [join(here, 'juno_js.mjs'), ...args]);

  // Each tool works on a module of its own. `ref`: the helper row the row's ratios are to.
  const upgrades = [
    { label: 'juno-helper upgrade --no-backup', ref: 'nb', run: (c, wasm) => helperRun(c, ['upgrade', '--wasm', wasm, '--no-backup']) },
    { label: 'icp canister install --mode upgrade', ref: 'nb', run: (c, wasm) => icp.run(['canister', 'install', c, '--mode', 'upgrade', '--wasm', wasm], { identity: 'owner' }) },
    { label: '@junobuild/admin upgradeModule', ref: 'nb', run: (c, wasm) => junoJs(['upgrade', url, c, pem, wasm]) },
    { label: 'juno-helper upgrade (backup step)', ref: 'b', run: (c, wasm) => helperRun(c, ['upgrade', '--wasm', wasm]) },
    { label: 'upgradeModule, takeSnapshot', ref: 'b', run: (c, wasm) => junoJs(['upgrade', url, c, pem, wasm, '--snapshot']) },
  ];
  const backups = [
    { label: 'juno-helper backup', ref: 'backup', run: (c) => helperRun(c, ['backup']) },
    {
      label: 'Console: stop, snapshot, start',
      ref: 'backup',
      run: async (c) => {
        const [existing] = (await adminRetry(url, 'GET', `canisters/${c}`)).snapshots;
        await junoJs(['snapshot', url, c, pem, ...(existing ? [existing.id] : [])]);
      },
    },
  ];
  for (const tool of [...upgrades, ...backups]) {
    tool.canister = (await admin(url, 'POST', 'canisters', { controllers: [owner.principal] })).canister_id;
    await helperRun(tool.canister, ['upgrade', '--wasm', small, '--no-backup']);
    // A first backup, so that every later one replaces one, as Juno's code always does.
    await helperRun(tool.canister, ['backup']);
  }
  await admin(url, 'POST', 'faults', { delay_ms: latencyMs, delay_count: -1 });

  // One measured run of `tool`; `prepare` makes what it works on, `check` says whether it landed.
  const measure = async (tool, { prepare, check }) => {
    // A write to the module's memory, as an update would make: a backup of an unchanged module is
    // no backup at all for the helper.
    await adminRetry(url, 'POST', `canisters/${tool.canister}/stable_memory?offset=0`, Uint8Array.of(Date.now() & 0xff));
    const input = await prepare();
    const before = await adminRetry(url, 'GET', `canisters/${tool.canister}`);
    await adminRetry(url, 'DELETE', 'log');
    const downtime = watchDowntime(url, tool.canister);
    const start = performance.now();
    await tool.run(tool.canister, input);
    const wall = (performance.now() - start) / 1000;
    const down = await downtime();
    const requests = (await adminRetry(url, 'GET', 'log')).length;
    const after = await adminRetry(url, 'GET', `canisters/${tool.canister}`);
    if (after.status !== 'running') throw new Error(`${tool.label}: the module was left ${after.status}`);
    check(before, after, input);
    return { wall, down, requests };
  };

  const scenarios = [];
  for (const size of [5_000_000, 20_000_000]) {
    let n = 0;
    scenarios.push({
      name: `${size / 1e6} MB upgrade`,
      tools: upgrades,
      prepare: () => {
        const wasm = join(dir, `module-${size}-${n++}.wasm`);
        const bytes = bigWasmModule(size);
        writeFileSync(wasm, bytes);
        return { path: wasm, hash: sha256hex(bytes) };
      },
      check: (before, after, input) => {
        if (after.module_hash !== input.hash) throw new Error('the upgrade did not land');
      },
    });
  }
  scenarios.push({
    name: 'backup',
    tools: backups,
    prepare: () => ({}),
    check: (before, after) => {
      const taken = (s) => s.snapshots.map((x) => x.taken_at_timestamp).join();
      if (after.snapshots.length !== 1 || taken(after) === taken(before)) throw new Error('no new backup replaced the old one');
    },
  });

  const rows = [];
  for (const scenario of scenarios) {
    const results = new Map(scenario.tools.map((t) => [t, []]));
    for (let r = 0; r < runs; r++) {
      const order = scenario.tools.map((_, i) => scenario.tools[(i + r) % scenario.tools.length]);
      for (const tool of order) {
        const run = { ...tool, run: (c, input) => tool.run(c, input.path ?? input) };
        results.get(tool).push(await measure(run, { prepare: scenario.prepare, check: scenario.check }));
        if (process.env.JUNO_BENCH_VERBOSE) console.error(scenario.name, tool.label, results.get(tool).at(-1));
      }
    }
    const medians = scenario.tools.map((tool) => {
      const rs = results.get(tool);
      return { scenario: scenario.name, tool, wall: median(rs.map((x) => x.wall)), down: median(rs.map((x) => x.down)), requests: median(rs.map((x) => x.requests)) };
    });
    for (const m of medians) {
      const ref = medians.find((x) => x.tool.ref === m.tool.ref && x.tool.label.startsWith('juno-helper'));
      rows.push({ ...m, ref });
    }
  }

  const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
  const header = ['', 'tool', 'wall s', 'downtime s', 'requests', 'wall ×', 'downtime ×'];
  const table = rows.map((r) => [
    r.scenario, r.tool.label, r.wall.toFixed(2), r.down.toFixed(2), String(r.requests),
    r.ref === r ? '1' : ratio(r.wall, r.ref.wall), r.ref === r ? '1' : ratio(r.down, r.ref.down),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`${latencyMs} ms added to every answer (local replica), median of ${runs} runs; ratios to the juno-helper row above them:`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) console.log(line(row));
  icp.cleanup();
} finally {
  await replica.stop();
  rmSync(dir, { recursive: true, force: true });
}
