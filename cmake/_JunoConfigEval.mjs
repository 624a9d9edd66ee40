// Evaluates a Juno config written in TypeScript or JavaScript (juno.config.ts, .js, .mjs, .cjs) the
// way Juno's CLI does, and prints the resolved config as JSON on stdout for CMake's string(JSON):
//
//   node _JunoConfigEval.mjs <config file> <mode>
//   -> {"via": "@junobuild/config-loader" | "node", "config": {...}}
//
// A config may export an object or a function of {mode} (defineConfig), as an ESM default export
// or as CommonJS module.exports; a function is called with {mode} as Juno's CLI calls it.
// Juno's own @junobuild/config-loader, when the project has it (resolved from the config's folder
// upward, as the project's own code would), reads the file exactly as Juno's CLI does; without it,
// Node.js imports the file itself (TypeScript through Node's type stripping, Node >= 22.6).
//
// Exit codes: 0 printed; 1 the config itself failed (its error on stderr); 3 a TypeScript config
// that nothing here can read (no config-loader, and this Node.js cannot strip types).
import { realpathSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const NO_TYPESCRIPT = 3;

const [configArg, mode] = process.argv.slice(2);
if (!configArg || !mode) {
  process.stderr.write('usage: node _JunoConfigEval.mjs <config file> <mode>\n');
  process.exit(2);
}
const configPath = resolve(configArg);
const configDir = dirname(configPath);

// Juno's CLI calls a function config with its environment ({mode}); an object is taken as is.
const applyEnv = (userConfig) =>
  typeof userConfig === 'function' ? userConfig({ mode }) : userConfig;

// Juno's loader finds its file by name from the working directory, so it is used only when it
// would read the very file CMake chose (a JUNO_CONFIG of another name is imported directly).
const withConfigLoader = async () => {
  const projectRequire = nodeModule.createRequire(join(configDir, 'package.json'));
  let loaderPath;
  try {
    loaderPath = projectRequire.resolve('@junobuild/config-loader');
  } catch {
    return undefined;
  }
  process.chdir(configDir);
  let loader;
  try {
    loader = await import(pathToFileURL(loaderPath).href);
  } catch (err) {
    // Installed without its peers (Babel): Node.js may still read the file itself.
    process.stderr.write(
      `@junobuild/config-loader at ${loaderPath} does not load: ${err.message}\n`
    );
    return undefined;
  }
  const { configPath: loaderChoice } = loader.junoConfigFile({ filename: 'juno.config' });
  if (realpathSync(loaderChoice) !== realpathSync(configPath)) {
    return undefined;
  }
  const config = await loader.readJunoConfig({ filename: 'juno.config', config: applyEnv });
  return { via: '@junobuild/config-loader', config };
};

// Juno's loader answers `@junobuild/config` itself (defineConfig is the identity), so a config
// reads without that package installed; this does the same for ESM imports and CJS requires.
const SHIM_SOURCE =
  'export const defineConfig = (c) => c; export const defineConsoleConfig = (c) => c;';
const shimJunoConfig = () => {
  const shimUrl = `data:text/javascript,${encodeURIComponent(SHIM_SOURCE)}`;
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier === '@junobuild/config') {
      return { url: ${JSON.stringify(shimUrl)}, shortCircuit: true };
    }
    return next(specifier, context);
  }`;
  // Module hooks came in Node.js 20.6; before, an ESM config needs @junobuild/config installed.
  if (typeof nodeModule.register === 'function') {
    nodeModule.register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  }
  const Module = nodeModule.default;
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    if (request === '@junobuild/config') {
      return { defineConfig: (c) => c, defineConsoleConfig: (c) => c };
    }
    return originalLoad.call(this, request, ...rest);
  };
};

const withNode = async () => {
  shimJunoConfig();
  let loaded;
  try {
    loaded = await import(pathToFileURL(configPath).href);
  } catch (err) {
    if (extname(configPath) === '.ts' && err?.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      process.stderr.write(`Node.js ${process.version} cannot strip TypeScript types\n`);
      process.exit(NO_TYPESCRIPT);
    }
    throw err;
  }
  // ESM: the default export; CJS: module.exports, which Node exposes as the default export.
  return { via: 'node', config: applyEnv(loaded.default) };
};

try {
  const result = (await withConfigLoader()) ?? (await withNode());
  if (result.config === null || typeof result.config !== 'object') {
    process.stderr.write(
      `${basename(configPath)} exports no config object (found ${typeof result.config}); ` +
        'export default defineConfig({...}) or set module.exports\n'
    );
    process.exit(1);
  }
  // Juno's configs hold bigints (memory limits); JSON has no bigint, and ids are strings anyway.
  const json = JSON.stringify(result, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value
  );
  process.stdout.write(`${json}\n`);
} catch (err) {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
}
