// Canisters from a real compiler: DFINITY's Motoko compiler (npm `motoko`, tests/motoko) builds a
// counter in both persistence modes, and DFINITY's icp CLI installs, calls, upgrades, snapshots
// and restores it on the replica. Enhanced orthogonal persistence is a 64-bit (memory64) module
// whose heap the upgrade keeps; classical persistence a 32-bit one that carries its stable
// variables through stable memory. Each step is checked by what the canister answers and what the
// replica then holds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { icpFixture, writeTemp, sha256hex } from './harness.mjs';
import { compileActor, MODES, COUNTER_V1, COUNTER_V2, COUNTER_INCOMPATIBLE } from '../../motoko/compile.mjs';

for (const mode of MODES) {
  describe(`a Motoko counter with ${mode} persistence`, () => {
    let f;
    const modules = {};
    const files = {};
    const call = async (method, ...flags) => (await f.cli(['canister', 'call', f.canister, method, '()', ...flags])).stdout.trim();
    const install = (name, installMode, ...flags) =>
      f.cli(['canister', 'install', f.canister, '--mode', installMode, '--wasm', files[name], ...flags], { allowFailure: true });

    before(async () => {
      f = await icpFixture();
      for (const [name, source] of Object.entries({ v1: COUNTER_V1, v2: COUNTER_V2, incompatible: COUNTER_INCOMPATIBLE })) {
        modules[name] = compileActor(source, mode).wasm;
        files[name] = writeTemp(f.dir, `${name}.wasm`, modules[name]);
      }
    });
    after(() => f?.teardown());

    it('is the module the compiler makes for the mode (64-bit memory only with enhanced persistence)', () => {
      // The memory section (5): one memory whose limits flags carry 0x04 for memory64.
      const wasm = modules.v1;
      let at = 8;
      let memory64 = null;
      while (at < wasm.length) {
        const id = wasm[at++];
        let size = 0;
        for (let shift = 0; ; shift += 7) {
          const b = wasm[at++];
          size += (b & 0x7f) * 2 ** shift;
          if (!(b & 0x80)) break;
        }
        if (id === 5) memory64 = (wasm[at + 1] & 4) !== 0;
        at += size;
      }
      assert.equal(memory64, mode === 'enhanced');
    });

    it('installs and answers update and query calls through icp', async () => {
      const installed = await install('v1', 'install');
      assert.equal(installed.code, 0, installed.stderr);
      assert.equal(await call('increment'), '(1 : nat)');
      assert.equal(await call('increment'), '(2 : nat)');
      assert.equal(await call('get', '--query'), '(2 : nat)');
      const state = await f.state();
      assert.equal(state.module_hash, sha256hex(modules.v1));
      assert.ok(state.wasm_memory_size > 0);
    });

    it('an upgrade to version 2 keeps the count and adds the new field', async () => {
      const before = await f.state();
      const upgraded = await install('v2', 'upgrade');
      assert.equal(upgraded.code, 0, upgraded.stderr);
      const state = await f.state();
      assert.equal(state.module_hash, sha256hex(modules.v2));
      assert.equal(await call('get'), '(2 : nat)');
      assert.equal(await call('hello'), '("version 2")');
      assert.equal(await call('increment'), '(3 : nat)');
      if (mode === 'classical') {
        // The stable variables went through stable memory (written by pre_upgrade).
        assert.equal(before.stable_memory_size, 0);
        assert.ok(state.stable_memory_size > 0);
      } else {
        // Enhanced persistence keeps the heap and needs no stable memory.
        assert.equal(state.stable_memory_size, 0);
        assert.ok(state.wasm_memory_size >= before.wasm_memory_size);
      }
    });

    it('a snapshot of version 2 and its count comes back after a reinstall of version 1', async () => {
      await f.cli(['canister', 'stop', f.canister]);
      const snapshot = (await f.cli(['canister', 'snapshot', 'create', f.canister, '--quiet'])).stdout.trim();
      await f.cli(['canister', 'start', f.canister]);
      const reinstalled = await install('v1', 'reinstall', '--yes');
      assert.equal(reinstalled.code, 0, reinstalled.stderr);
      assert.equal(await call('get'), '(0 : nat)');
      await f.cli(['canister', 'stop', f.canister]);
      await f.cli(['canister', 'snapshot', 'restore', f.canister, snapshot]);
      await f.cli(['canister', 'start', f.canister]);
      assert.equal((await f.state()).module_hash, sha256hex(modules.v2));
      assert.equal(await call('get'), '(3 : nat)');
      assert.equal(await call('increment'), '(4 : nat)');
      assert.equal(await call('hello'), '("version 2")');
    });

    if (mode === 'enhanced') {
      it('an upgrade that changes a stable field\'s type traps in the runtime\'s check and changes nothing', async () => {
        const before = await f.state();
        // --yes: icp's own Candid check has nothing to object to (the interface is the same).
        const refused = await install('incompatible', 'upgrade', '--yes');
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /IC0503/);
        assert.match(refused.stderr, /RTS error: Memory-incompatible program upgrade/);
        const after = await f.state();
        assert.equal(after.module_hash, before.module_hash);
        assert.equal(after.wasm_memory_sha256, before.wasm_memory_sha256);
        assert.equal(await call('get'), '(4 : nat)');
        assert.equal(await call('increment'), '(5 : nat)');
      });
    } else {
      it('classical persistence has no such runtime check: the changed field starts afresh', async () => {
        // Measured with moc 4.10.0: the classical runtime accepts the type change and the new
        // `count : Text` starts from its initialiser; only enhanced persistence refuses it.
        const upgraded = await install('incompatible', 'upgrade', '--yes');
        assert.equal(upgraded.code, 0, upgraded.stderr);
        assert.equal(await call('get'), '(0 : nat)');
      });
    }
  });
}
