import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire, Module, register } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '@mi/spec';
import { isShared } from './plugin-resolve-hook';

/**
 * The file a `--plugin` value names: a built module file (`.js`, `.mjs`, `.cjs`), a package folder
 * (its `exports`, `module` or `main` entry), or the name of a package installed in a
 * `node_modules` folder at or above `cwd`.
 */
export function locatePlugin(name: string, cwd: string): string {
  const looksLikePath =
    name.startsWith('.') ||
    isAbsolute(name) ||
    (name.includes('/') && existsSync(resolve(cwd, name)));
  if (looksLikePath) {
    const path = resolve(cwd, name);
    if (!existsSync(path)) throw pluginError(name, `no such file or folder: ${path}`);
    return statSync(path).isDirectory() ? packageEntry(name, path) : moduleFile(name, path);
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const folder = join(dir, 'node_modules', name);
    if (existsSync(join(folder, 'package.json'))) return packageEntry(name, folder);
    if (dirname(dir) === dir) break;
  }
  throw pluginError(
    name,
    `no package '${name}' in a node_modules folder at or above ${cwd} (install it there, or pass its folder or a built .js file)`,
  );
}

/** Imports a plugin module with the host's `@mi/*` and `@tensorflow/*` packages. */
export async function importPlugin(name: string, file: string): Promise<Record<string, unknown>> {
  shareHostPackages();
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw pluginError(name, `${file} failed to load: ${message}`, cause);
  }
}

function packageEntry(name: string, folder: string): string {
  const manifest = join(folder, 'package.json');
  if (!existsSync(manifest)) {
    throw pluginError(
      name,
      `the folder ${folder} has no package.json (pass a built .js file instead)`,
    );
  }
  let pkg: { exports?: unknown; module?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg;
  } catch (cause) {
    throw pluginError(name, `cannot read ${manifest}: ${(cause as Error).message}`, cause);
  }
  const entry =
    exportsEntry(pkg.exports) ?? stringOr(pkg.module) ?? stringOr(pkg.main) ?? 'index.js';
  return moduleFile(name, resolve(folder, entry));
}

/** The runtime entry of an `exports` field: `.` with the `import`, `node` or `default` condition. */
function exportsEntry(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (exports === null || typeof exports !== 'object') return undefined;
  const root = (exports as Record<string, unknown>)['.'] ?? exports;
  if (typeof root === 'string') return root;
  if (root === null || typeof root !== 'object') return undefined;
  for (const condition of ['import', 'node', 'default', 'require']) {
    const value = (root as Record<string, unknown>)[condition];
    const found = typeof value === 'string' ? value : exportsEntry(value);
    if (found !== undefined && !found.endsWith('.ts')) return found;
  }
  return undefined;
}

function moduleFile(name: string, path: string): string {
  if (!existsSync(path)) {
    throw pluginError(name, `its entry ${path} does not exist (build the plugin first)`);
  }
  const extension = extname(path);
  if (!['.js', '.mjs', '.cjs'].includes(extension)) {
    throw pluginError(
      name,
      `${path} is not a JavaScript module (.js, .mjs, .cjs)${extension === '.ts' ? ': build the plugin first' : ''}`,
    );
  }
  return path;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function pluginError(name: string, detail: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    functionName: 'mi',
    parameter: '--plugin',
    value: name,
    expected: 'a plugin package folder, an installed package name or a built .js file',
    message: `--plugin ${name}: ${detail}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

let shared = false;

/**
 * Makes `@mi/*` and `@tensorflow/*` imports of plugins resolve to the host's copies: an ESM
 * resolution hook for `import`, and the same rule for CommonJS `require`. Runs once; from the
 * TypeScript sources (tests in process) there is no built hook to register and nothing is done.
 */
function shareHostPackages(): void {
  if (shared) return;
  shared = true;
  const here = import.meta.url;
  if (here.endsWith('.ts')) return;
  register(new URL('./plugin-resolve-hook.js', here), { data: { host: here } });
  const hostRequire = createRequire(fileURLToPath(here));
  const moduleInternals = Module as unknown as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function resolveShared(request: string, ...rest: unknown[]) {
    if (isShared(request)) {
      try {
        return hostRequire.resolve(request);
      } catch {
        // Fall through to the plugin's own resolution.
      }
    }
    return original.call(this, request, ...rest);
  };
}
