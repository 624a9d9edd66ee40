// Compiles a Motoko actor with DFINITY's Motoko compiler from npm (the `motoko` package: moc built
// for JavaScript), as the build step of CMakeLists.txt:
//
//   node moc.mjs --package <dir of the motoko npm package> --persistence enhanced|classical
//                [--public-metadata <name>]... [--did <out.did>] -o <out.wasm> <main.mo>
//
// Imports of other files are resolved next to <main.mo> (every .mo file under its folder is
// loaded). Exits 1 with the compiler's diagnostics when the actor does not compile, and 2 on a
// bad command line; writes nothing then.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, writeFileSync, renameSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

function fail(code, message) {
  process.stderr.write(`moc.mjs: ${message}\n`);
  process.exit(code);
}

const options = { publicMetadata: [] };
const argv = process.argv.slice(2);
while (argv.length) {
  const arg = argv.shift();
  const value = () => argv.shift() ?? fail(2, `${arg} needs a value`);
  if (arg === '--package') options.package = value();
  else if (arg === '--persistence') options.persistence = value();
  else if (arg === '--public-metadata') options.publicMetadata.push(value());
  else if (arg === '--did') options.did = value();
  else if (arg === '-o') options.output = value();
  else if (arg.startsWith('-')) fail(2, `unknown option ${arg}`);
  else if (options.main) fail(2, `one actor file only (got ${options.main} and ${arg})`);
  else options.main = arg;
}
if (!options.package || !options.output || !options.main) {
  fail(2, 'usage: moc.mjs --package <dir> --persistence enhanced|classical [--public-metadata <name>]... [--did <file>] -o <file.wasm> <main.mo>');
}
const flags = { enhanced: 'enhancedOP', classical: 'classicOP' }[options.persistence];
if (!flags) fail(2, `--persistence is enhanced or classical, not '${options.persistence ?? ''}'`);

let mo;
try {
  mo = createRequire(join(resolve(options.package), 'package.json'))(resolve(options.package));
} catch (err) {
  fail(1, `cannot load the Motoko compiler from ${options.package} (run \`npm ci\` next to package.json, or set MOTOKO_PACKAGE_DIR): ${err.message}`);
}

// The compiler works on a virtual file system: load the actor's folder into it.
const root = dirname(resolve(options.main));
const load = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) load(path);
    else if (entry.name.endsWith('.mo')) mo.write(relative(root, path), readFileSync(path, 'utf8'));
  }
};
load(root);
mo.compiler.gcFlags(flags);
if (options.publicMetadata.length) mo.setPublicMetadata(options.publicMetadata);

let result;
try {
  result = mo.wasm(basename(options.main), 'ic');
} catch (err) {
  // The compiler's diagnostics, with their positions, as `file:line:column: severity: message`.
  const where = (d) => `${join(root, d.source)}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
  const errors = mo.check(basename(options.main)).filter((d) => d.severity === 1);
  const text = errors.length ? errors.map((d) => `${where(d)}: error: ${d.message}`).join('\n') : err.message;
  fail(1, `${options.main} does not compile:\n${text}`);
}
// Written next to the target and renamed, so that an interrupted build leaves no partial module.
const write = (file, bytes) => {
  writeFileSync(`${file}.part`, bytes);
  renameSync(`${file}.part`, file);
};
write(options.output, result.wasm);
if (options.did) write(options.did, result.candid);
