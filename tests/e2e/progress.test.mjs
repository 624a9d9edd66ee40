// What `juno-helper upgrade` of a multi-chunk module shows on stderr: one updating line on a
// terminal (or for a parent that sets JUNO_PROGRESS=tty and reads a pipe), a few plain lines in a
// pipe, nothing but warnings and errors with --quiet; colour only on a terminal without NO_COLOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fixture, run, HELPER, sha256hex, bigWasmModule } from './harness.mjs';

const big = bigWasmModule(3_200_000); // four chunks
const UPLOAD = /uploading 3\.20 MB module in 4 chunks/;
const ESC = '\x1b';

function upgradeArgs(fx, wasm, extra = []) {
  return ['upgrade', '--canister', fx.canister, '--network', fx.url, '--identity', fx.pem, '--wasm', wasm, ...extra];
}

// Runs the helper on a pseudo-terminal (util-linux `script`); its output is both streams as the
// terminal got them (so "\n" arrives as "\r\n").
const hasScript = spawnSync('script', ['--version']).status === 0;
const quote = (s) => `'${s.replaceAll("'", "'\\''")}'`;
function onTerminal(args, env) {
  return run('script', ['-qec', [HELPER, ...args].map(quote).join(' '), '/dev/null'], { env: { TERM: 'xterm', ...env } });
}

// Reads stderr as the lead's parent process does: "\n" ends a permanent line, "\r" starts a status
// update that replaces the previous one; "\x1b[K" only clears what is left of the old text.
function parse(stderr) {
  const lines = [];
  const statuses = [];
  let current = '';
  for (const piece of stderr.split(/(\r|\n)/)) {
    if (piece === '\n') {
      lines.push(current);
      current = '';
    } else if (piece === '\r') {
      if (current) statuses.push(current);
      current = '';
    } else {
      current += piece.replaceAll('\x1b[K', '');
    }
  }
  if (current) statuses.push(current);
  return { lines, statuses };
}

async function assertInstalled(fx) {
  const state = await fx.state();
  assert.equal(state.module_hash, sha256hex(big), 'the module runs the new Wasm');
  assert.equal(state.status, 'running');
}

test('in a pipe: the upload is two plain lines, without carriage returns or escape codes', async (t) => {
  const fx = await fixture(t);
  const result = await run(HELPER, upgradeArgs(fx, fx.writeWasm('big.wasm', big)));
  assert.equal(result.code, 0, result.output);
  assert.ok(!result.stderr.includes('\r'), JSON.stringify(result.stderr));
  assert.ok(!result.stderr.includes(ESC), JSON.stringify(result.stderr));
  const upload = result.stderr.split('\n').filter((line) => UPLOAD.test(line));
  assert.equal(upload.length, 2, result.stderr);
  assert.match(upload[0], /^juno-helper: uploading 3\.20 MB module in 4 chunks: 3\.20 MB to transfer$/);
  assert.match(upload[1], /: done, 3\.20 MB in [0-9.]+ s \([0-9.]+ [kM]?B\/s\)$/);
  assert.doesNotMatch(result.stderr, /uploaded chunk/);
  assert.match(result.stderr, /juno-helper: starting /, 'step notices are still printed');
  await assertInstalled(fx);
});

test('JUNO_PROGRESS=tty through a pipe: status updates after "\\r", one final line, no colour', async (t) => {
  const fx = await fixture(t);
  const result = await run(HELPER, upgradeArgs(fx, fx.writeWasm('big.wasm', big)), { env: { JUNO_PROGRESS: 'tty' } });
  assert.equal(result.code, 0, result.output);
  assert.match(result.stderr, /\rjuno-helper: uploading 3\.20 MB module in 4 chunks: 0 B of 3\.20 MB \(0%\), -\x1b\[K/);
  const { lines, statuses } = parse(result.stderr);
  assert.ok(statuses.length >= 1, JSON.stringify(result.stderr));
  for (const status of statuses) assert.match(status, /^juno-helper: uploading 3\.20 MB module in 4 chunks: [0-9.]+ [kM]?B of 3\.20 MB \(\d+%\), /);
  const permanent = lines.filter((line) => UPLOAD.test(line));
  assert.equal(permanent.length, 1, JSON.stringify(result.stderr));
  assert.match(permanent[0], /^juno-helper: uploading 3\.20 MB module in 4 chunks: done, 3\.20 MB in /);
  assert.match(result.stderr, /\rjuno-helper: uploading [^\r\n]*: done, [^\r\n]*\x1b\[K\n/, 'the final line is "\\r" text "\\x1b[K\\n"');
  assert.doesNotMatch(result.stderr, /\x1b\[(33|1;31)m/, 'a pipe gets no colour');
  assert.ok(lines.some((line) => /^juno-helper: starting /.test(line)), 'notices are permanent lines');
  await assertInstalled(fx);
});

test('--quiet: nothing on stderr, the same results on stdout; errors still printed', async (t) => {
  const fx = await fixture(t);
  const bad = await run(HELPER, upgradeArgs(fx, fx.writeWasm('big.wasm', big)), { env: { JUNO_PROGRESS: 'fancy' } });
  assert.equal(bad.code, 2, bad.output);
  assert.match(bad.stderr, /JUNO_PROGRESS is 'fancy'; set it to tty .*plain .*none/);
  assert.equal((await fx.state()).module_hash, null, 'a refused run changes nothing');

  const quiet = await run(HELPER, upgradeArgs(fx, fx.writeWasm('big.wasm', big), ['--quiet']));
  assert.equal(quiet.code, 0, quiet.output);
  assert.equal(quiet.stderr, '');
  assert.equal(
    quiet.stdout,
    `Installed canister ${fx.canister} to module ${sha256hex(big)}; it is running.\nUploaded 4 chunk(s), reused 0.\n`,
  );
  await assertInstalled(fx);

  const missing = await run(HELPER, upgradeArgs(fx, `${fx.dir}/missing.wasm`, ['--quiet']));
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /^juno-helper: error: /);
});

test('on a terminal: one updating line, "error:" in bold red unless NO_COLOR or TERM=dumb', { skip: !hasScript && 'no util-linux script' }, async (t) => {
  const fx = await fixture(t);
  const upgrade = await onTerminal(upgradeArgs(fx, fx.writeWasm('big.wasm', big)), { NO_COLOR: '1' });
  assert.equal(upgrade.code, 0, upgrade.output);
  assert.match(upgrade.output, /\rjuno-helper: uploading 3\.20 MB module in 4 chunks: 0 B of 3\.20 MB \(0%\), -\x1b\[K/);
  assert.match(upgrade.output, /\rjuno-helper: uploading [^\r\n]*: done, [^\r\n]*\x1b\[K\r\n/);
  assert.doesNotMatch(upgrade.output, /\x1b\[[0-9;]*m/, 'NO_COLOR: no colour');
  await assertInstalled(fx);

  const failing = upgradeArgs(fx, `${fx.dir}/missing.wasm`);
  const coloured = await onTerminal(failing, { NO_COLOR: '' });
  assert.notEqual(coloured.code, 0);
  assert.match(coloured.output, /juno-helper: \x1b\[1;31merror:\x1b\[0m /);
  const plain = await onTerminal(failing, { NO_COLOR: 'yes' });
  assert.match(plain.output, /juno-helper: error: /);
  assert.ok(!plain.output.includes(ESC), JSON.stringify(plain.output));
  const dumb = await onTerminal(upgradeArgs(fx, fx.writeWasm('big.wasm', big), ['--force']), { TERM: 'dumb' });
  assert.equal(dumb.code, 0, dumb.output);
  assert.ok(!dumb.output.includes(ESC), JSON.stringify(dumb.output));
  assert.ok(!/\r(?!\n)/.test(dumb.output), 'TERM=dumb: plain lines only');
});
