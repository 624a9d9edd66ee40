// README.md's Quick start, run as written: its blocks marked `<!-- quick-start -->` (shell) and
// `<!-- quick-start: <file> -->` (a file's contents) become one shell script, run with `sh -eu` in
// an empty folder with JUNO_CMAKE set to this repository. It builds and installs juno-cmake,
// starts the local replica, creates a module and runs juno_upgrade; the replica's admin API then
// shows that the module runs the Wasm of the project's module config. A README whose snippet
// does not work fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canisterState, sha256hex } from '../replica/test/harness.mjs';

const SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The Quick start's marked blocks, in README order: { file: null | <name>, text }.
export function quickStartBlocks(readme) {
  const blocks = [];
  const marker = /^<!-- quick-start(?::\s*(\S+))? -->\n+```[a-z]*\n([\s\S]*?)^```$/gm;
  for (const [, file, text] of readme.matchAll(marker)) blocks.push({ file: file ?? null, text });
  return blocks;
}

// One script: shell blocks as they are, file blocks written by a quoted here-document.
function script(blocks) {
  return blocks
    .map(({ file, text }) => {
      if (!file) return text;
      assert.ok(!text.includes('\nJUNO_QUICK_START_EOF\n'), 'a file block holds the here-document end');
      return `cat > '${file}' <<'JUNO_QUICK_START_EOF'\n${text}JUNO_QUICK_START_EOF\n`;
    })
    .join('\n');
}

// Runs the script in its own process group, so that the replica it starts in the background can
// be stopped with it whatever happens. Output goes to a file: the replica keeps the script's
// stderr open after the script ends, so a pipe would never close.
function runScript(file, cwd, env, log) {
  const out = openSync(log, 'w');
  const child = spawn('sh', ['-eu', file], { cwd, env: { ...process.env, ...env }, detached: true,
                                             stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code: code ?? signal, output: readFileSync(log, 'utf8') })));
  return { child, exited };
}

test("README.md's Quick start, copied into an empty folder, upgrades a module on the local replica", async (t) => {
  const readme = readFileSync(join(SOURCE_DIR, 'README.md'), 'utf8');
  const blocks = quickStartBlocks(readme);
  assert.ok(blocks.some((b) => b.file === 'CMakeLists.txt'),
            "README.md's Quick start has no block marked <!-- quick-start: CMakeLists.txt -->");
  assert.ok(blocks.filter((b) => !b.file).length >= 2,
            "README.md's Quick start has fewer than two shell blocks marked <!-- quick-start -->");

  const dir = mkdtempSync(join(tmpdir(), 'juno-quickstart-'));
  const folder = join(dir, 'my_app');
  mkdirSync(folder);
  const scriptFile = join(dir, 'quick-start.sh');
  writeFileSync(scriptFile, script(blocks));
  // The helper's journals stay with this run; a parallel build only makes the install step faster.
  const run = runScript(scriptFile, folder, { JUNO_CMAKE: SOURCE_DIR, XDG_STATE_HOME: join(dir, 'state'),
                                              CMAKE_BUILD_PARALLEL_LEVEL: '2', DO_NOT_TRACK: '1' },
                        join(dir, 'quick-start.log'));
  t.after(() => {
    try {
      process.kill(-run.child.pid, 'SIGTERM');
    } catch {
      // the group is gone already
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const { code, output } = await run.exited;
  assert.equal(code, 0, `the Quick start failed (exit status ${code}):\n${output.slice(-6000)}`);

  const url = /^listening on (\S+)$/m.exec(readFileSync(join(folder, 'replica.out'), 'utf8'))?.[1];
  assert.ok(url, 'the Quick start started no replica');
  const configs = readdirSync(join(folder, 'build', 'juno')).filter((f) => f.endsWith('.json'));
  assert.equal(configs.length, 1, `one module config expected, got ${configs}`);
  const module = JSON.parse(readFileSync(join(folder, 'build', 'juno', configs[0]), 'utf8'));
  const wasmHash = sha256hex(readFileSync(module.wasm));
  const state = await canisterState(url, module.canister_id);
  assert.equal(state.module_hash, wasmHash, 'the module runs the Quick start\'s Wasm');
  assert.equal(state.status, 'running');
  assert.match(output, new RegExp(wasmHash), 'juno_status printed the module hash');
});
