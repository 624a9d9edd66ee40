// The test harness's own promise: a replica it started never outlives the test process and never
// keeps it alive. A test that throws before its clean-up (a fixture whose set-up fails half-way, as
// e2e.canister's icp set-up once did) must fail at once, not hang until CTest's timeout, and leave
// no replica running.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const harness = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'harness.mjs')).href;

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(condition, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

// Runs `body` (module code with startReplica in scope) in a child Node.js; resolves with its exit
// code, output and the pid of the replica it started (printed as `replica <pid>`).
function runChild(body, { timeoutMs = 20_000 } = {}) {
  const code = `import { startReplica } from ${JSON.stringify(harness)};\n${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const pid = Number(/replica (\d+)/.exec(output)?.[1]);
      resolve({ code, signal, output, pid });
    });
  });
}

describe('test harness: a replica cannot outlive or hold its test process', () => {
  it('a set-up that throws after starting a replica ends at once, and the replica ends with it', async () => {
    const started = Date.now();
    const r = await runChild(`
      const replica = await startReplica();
      console.log('replica ' + replica.proc.pid);
      throw new Error('the set-up failed after the replica started');
    `);
    assert.equal(r.signal, null, `the process hung and was killed:\n${r.output}`);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /the set-up failed/);
    assert.ok(Date.now() - started < 15_000, 'the failing process ended promptly');
    assert.ok(r.pid > 0, r.output);
    assert.ok(await waitFor(() => !alive(r.pid), 5_000), `the replica ${r.pid} still runs after its test process ended`);
  });

  it('a replica that is never stopped does not keep its process alive', async () => {
    const r = await runChild(`
      const replica = await startReplica();
      console.log('replica ' + replica.proc.pid);
      const res = await fetch(replica.url + '/api/v2/status');
      console.log('status ' + res.status);
    `);
    assert.equal(r.signal, null, `the process hung and was killed:\n${r.output}`);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /status 200/);
    assert.ok(await waitFor(() => !alive(r.pid), 5_000), `the replica ${r.pid} still runs after its test process ended`);
  });

  it('a replica killed from outside its harness (SIGKILL of the test process) stops too', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      import { startReplica } from ${JSON.stringify(harness)};
      const replica = await startReplica();
      console.log('replica ' + replica.proc.pid);
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise((resolve) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /replica (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    assert.ok(alive(pid));
    child.kill('SIGKILL');
    assert.ok(await waitFor(() => !alive(pid), 5_000), `the replica ${pid} outlived its killed test process`);
  });

  it('stop() throws when the replica answered 500 for a bug of its own, naming it', async () => {
    const r = await runChild(`
      const { managementCall, makeIdentity, post } = await import(${JSON.stringify(harness)});
      const { methodTypes } = await import(${JSON.stringify(new URL('../src/idl.mjs', harness).href)});
      const replica = await startReplica();
      await fetch(replica.url + '/_/admin/faults', { method: 'POST', body: JSON.stringify({ internal_error_after_execute: 1 }) });
      const method = 'provisional_create_canister_with_cycles';
      const { body } = await managementCall(makeIdentity('ed25519').identity, method, methodTypes(method).argTypes, [{ amount: [], settings: [], specified_id: [], sender_canister_version: [] }]);
      console.log('answered ' + (await post(replica.url, '/api/v3/canister/aaaaa-aa/call', body)).status);
      await replica.stop();
    `);
    assert.match(r.output, /answered 500/);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /the replica answered HTTP 500 for 1 bug\(s\) of its own:\nreplica: BUG: internal error on POST \/api\/v3\/canister\/aaaaa-aa\/call/);
  });

  it('stop() waits for the replica to exit', async () => {
    const r = await runChild(`
      const replica = await startReplica();
      console.log('replica ' + replica.proc.pid);
      await replica.stop();
      console.log('stopped ' + replica.proc.exitCode + ' ' + replica.proc.signalCode);
    `);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /stopped (0|null SIGTERM)/);
    assert.ok(!alive(r.pid));
  });
});
