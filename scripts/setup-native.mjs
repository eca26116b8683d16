#!/usr/bin/env node
// `pnpm setup:native`: builds @tensorflow/tfjs-node from source against a TensorFlow C library that
// is already on this machine or comes from a `tensorflow-cpu` Python wheel, without the package's
// install step (which downloads libtensorflow from storage.googleapis.com and fails behind
// firewalls), and links it where `initBackend('tensorflow')` finds it.
//
// Never part of `pnpm install`; the project works without it (wasm is then the default backend).
//
//   pnpm setup:native                                  # pip download tensorflow-cpu==2.21.0 → build → link
//   pnpm setup:native --wheel ~/tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl
//   pnpm setup:native --libtensorflow /opt/libtensorflow   # include/ + lib/ (official C library tarball)
//   pnpm setup:native --link ~/my-project              # link into another project's node_modules
//   pnpm setup:native --check                          # only verify the linked package
//   pnpm setup:native --gpu --libtensorflow /opt/libtensorflow-gpu
//                                                      # @tensorflow/tfjs-node-gpu against a GPU build
//
// What it does (all under .native/, which git ignores):
//   1. the C library: `--libtensorflow DIR`, or the wheel's tensorflow/libtensorflow_cc.so.2 (TFE_* eager
//      C API) + libtensorflow_framework.so.2 (TF_* core C API) and the C headers
//      → .native/libtensorflow-<source>/{include,lib}
//   2. `npm pack @tensorflow/tfjs-node@4.22.0` (or `--tarball FILE`) → .native/tfjs-node-4.22.0/
//      (binding.gyp and the C++ sources of the binding are in the npm tarball)
//   3. its runtime dependencies with `npm install --omit=dev --ignore-scripts` (no download step), and
//      @tensorflow/tfjs-core, -backend-cpu, -layers replaced by links to the project's own copies, so
//      that there is one tfjs-core (one kernel registry) in the process
//   4. deps/include and deps/lib as binding.gyp expects them (libtensorflow.so → the library with the
//      eager C API), then `node-gyp rebuild` with the headers of the running Node when present
//   5. a symlink <project>/node_modules/@tensorflow/tfjs-node → .native/tfjs-node-4.22.0: no
//      package.json or lockfile changes. `pnpm install` leaves a foreign link alone; if it is ever
//      removed, run `pnpm setup:native` again (it reuses the build and only relinks).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    libtensorflow: { type: 'string' },
    wheel: { type: 'string' },
    'tensorflow-version': { type: 'string', default: '2.21.0' },
    'tfjs-node-version': { type: 'string', default: '4.22.0' },
    tarball: { type: 'string' },
    prefix: { type: 'string', default: join(repoRoot, '.native') },
    link: { type: 'string', default: repoRoot },
    'no-link': { type: 'boolean', default: false },
    python: { type: 'string', default: 'python3' },
    jobs: { type: 'string', default: '1' },
    force: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    gpu: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`usage: pnpm setup:native [options]
  --libtensorflow DIR        use this TensorFlow C library (DIR/include, DIR/lib with libtensorflow*.so.2)
  --wheel FILE               use this tensorflow-cpu wheel instead of pip download
  --tensorflow-version V     tensorflow-cpu version to pip download (default 2.21.0)
  --tfjs-node-version V      @tensorflow/tfjs-node version to build (default 4.22.0, = @tensorflow/tfjs-core)
  --tarball FILE             use this @tensorflow/tfjs-node .tgz instead of npm pack
  --prefix DIR               work folder (default <repo>/.native)
  --link DIR                 project whose node_modules gets the package (default: this repository)
  --no-link                  build only
  --python CMD               Python with pip, for pip download (default python3)
  --jobs N                   parallel compile jobs (default 1)
  --force                    rebuild even when a matching build exists
  --check                    only verify that @tensorflow/tfjs-node loads from --link
  --gpu                      build @tensorflow/tfjs-node-gpu instead, against --libtensorflow DIR: a
                             GPU build of the TensorFlow C library (CUDA/cuDNN on the machine);
                             initBackend then prefers the tensorflow-gpu backend`);
  process.exit(0);
}

class SetupError extends Error {}

// The CPU package, or with --gpu the GPU one (same binding sources, linked against a CUDA build).
const packageName = values.gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
const shortName = values.gpu ? 'tfjs-node-gpu' : 'tfjs-node';

function log(message) {
  console.error(`setup:native: ${message}`);
}

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new SetupError(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new SetupError(`${command} exited with status ${result.status}`);
}

function capture(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}

/** Replaces `path` by a symlink to `target` (never deletes a real directory unless forced). */
function linkPath(target, path, { force = false } = {}) {
  let existing;
  try {
    existing = lstatSync(path);
  } catch {
    existing = undefined;
  }
  if (existing) {
    if (!existing.isSymbolicLink() && !force) {
      throw new SetupError(
        `${path} exists and is not a link (an installed @tensorflow/tfjs-node?); remove it or pass --force`,
      );
    }
    rmSync(path, { recursive: true, force: true });
  }
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

// ---------------------------------------------------------------------------------------------
// 1. The TensorFlow C library
// ---------------------------------------------------------------------------------------------

const HEADER_PREFIXES = [
  'tensorflow/include/tensorflow/c/',
  'tensorflow/include/tensorflow/core/platform/',
  'tensorflow/include/tsl/',
  'tensorflow/include/xla/tsl/',
];
const WHEEL_LIBRARIES = [
  'tensorflow/libtensorflow_cc.so.2',
  'tensorflow/libtensorflow_framework.so.2',
];

/** Extracts the C library and headers of a tensorflow(-cpu) wheel into `dest/{lib,include}`. */
function extractWheel(wheel, dest) {
  const staging = `${dest}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const script = `
import sys, os, zipfile, shutil
wheel, dest, prefixes, libs = sys.argv[1], sys.argv[2], sys.argv[3].split(','), sys.argv[4].split(',')
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    missing = [l for l in libs if l not in names]
    if missing:
        sys.exit('the wheel has no ' + ', '.join(missing))
    for name in names:
        if name.endswith('/'):
            continue
        if name in libs:
            out = os.path.join(dest, 'lib', os.path.basename(name))
        elif any(name.startswith(p) for p in prefixes):
            out = os.path.join(dest, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(name) as src, open(out, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
`;
  run(values.python, [
    '-c',
    script,
    wheel,
    staging,
    HEADER_PREFIXES.join(','),
    WHEEL_LIBRARIES.join(','),
  ]);
  rmSync(dest, { recursive: true, force: true });
  renameSync(staging, dest);
}

/** The wheel: --wheel, a cached one, or `pip download tensorflow-cpu==V --no-deps`. */
function obtainWheel(cache) {
  if (values.wheel) {
    if (!existsSync(values.wheel)) throw new SetupError(`no wheel at ${values.wheel}`);
    return resolve(values.wheel);
  }
  const version = values['tensorflow-version'];
  const find = () =>
    existsSync(cache)
      ? readdirSync(cache).find(
          (f) => f.startsWith(`tensorflow_cpu-${version}-`) && f.endsWith('.whl'),
        )
      : undefined;
  let found = find();
  if (!found) {
    mkdirSync(cache, { recursive: true });
    run(values.python, [
      '-m',
      'pip',
      'download',
      `tensorflow-cpu==${version}`,
      '--no-deps',
      '-d',
      cache,
    ]);
    found = find();
    if (!found)
      throw new SetupError(`pip download left no tensorflow_cpu-${version} wheel in ${cache}`);
  }
  return join(cache, found);
}

/**
 * Locates `{ include, libraries }` of the C library: the eager C API library (libtensorflow.so.2 in
 * the official tarball, libtensorflow_cc.so.2 in the wheel) and libtensorflow_framework.so.2.
 */
function describeLibrary(dir) {
  const libDir = [join(dir, 'lib'), dir].find(
    (d) =>
      existsSync(join(d, 'libtensorflow_framework.so.2')) &&
      (existsSync(join(d, 'libtensorflow.so.2')) || existsSync(join(d, 'libtensorflow_cc.so.2'))),
  );
  const include = [join(dir, 'include'), dir].find((d) =>
    existsSync(join(d, 'tensorflow', 'c', 'c_api.h')),
  );
  if (!libDir || !include) {
    throw new SetupError(
      `${dir} is not a TensorFlow C library: expected include/tensorflow/c/c_api.h and lib/libtensorflow_framework.so.2 with lib/libtensorflow.so.2 or lib/libtensorflow_cc.so.2`,
    );
  }
  const eager = existsSync(join(libDir, 'libtensorflow.so.2'))
    ? 'libtensorflow.so.2'
    : 'libtensorflow_cc.so.2';
  return { include, libDir, eager, framework: 'libtensorflow_framework.so.2' };
}

/** Checks with `nm -D` (when present) that the libraries export the C API the binding calls. */
function checkSymbols(library) {
  const wanted = ['TFE_NewContext', 'TFE_Execute', 'TF_NewStatus', 'TF_AllocateTensor'];
  const where = {};
  for (const file of [library.eager, library.framework]) {
    const out = capture('nm', ['-D', '--defined-only', join(library.libDir, file)]);
    if (out === undefined) return log('nm not found: skipping the symbol check');
    for (const symbol of wanted) {
      if (new RegExp(`\\s[TW] ${symbol}(@|$)`, 'm').test(out)) where[symbol] = file;
    }
  }
  const missing = wanted.filter((s) => !where[s]);
  if (missing.length > 0) {
    throw new SetupError(`the C library exports no ${missing.join(', ')} (checked with nm -D)`);
  }
  log(`C API: ${wanted.map((s) => `${s} in ${where[s]}`).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// 2–4. The tfjs-node package and its native binding
// ---------------------------------------------------------------------------------------------

function obtainTarball(cache, version) {
  if (values.tarball) {
    if (!existsSync(values.tarball)) throw new SetupError(`no tarball at ${values.tarball}`);
    return resolve(values.tarball);
  }
  const file = join(cache, `tensorflow-${shortName}-${version}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(cache, { recursive: true });
    run('npm', ['pack', `${packageName}@${version}`, '--pack-destination', cache]);
  }
  return file;
}

/** The N-API version node-pre-gyp will look for: the highest of the package's ≤ the runtime's. */
function napiVersion(packageJson) {
  const runtime = Number(process.versions.napi);
  const supported = (packageJson.binary?.napi_versions ?? []).filter((v) => v <= runtime);
  if (supported.length === 0) {
    throw new SetupError(`Node's N-API ${runtime} is older than the package supports`);
  }
  return Math.max(...supported);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    join(
      dirname(process.execPath),
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ].filter(Boolean);
  const found = candidates.find((c) => existsSync(c));
  if (found) return [process.execPath, found];
  if (capture('node-gyp', ['--version']) !== undefined) return ['node-gyp'];
  throw new SetupError('node-gyp not found (it ships with npm; or: npm install -g node-gyp)');
}

/** Resolves a package from `fromDir` to its real folder, or undefined. */
function packageFolder(name, fromDir) {
  try {
    const require = createRequire(join(fromDir, 'noop.js'));
    return dirname(realpathSync(require.resolve(`${name}/package.json`)));
  } catch {
    return undefined;
  }
}

function buildPackage({ library, tarball, packageDir, hostDir, stamp }) {
  const staging = `${packageDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  run('tar', ['xzf', tarball, '-C', staging, '--strip-components=1']);
  const packageJson = JSON.parse(readFileSync(join(staging, 'package.json'), 'utf8'));

  // Runtime dependencies, without running any install script (that is the download step).
  run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock', '--no-audit', '--no-fund'],
    { cwd: staging },
  );
  // One tfjs-core per process: use the host project's copies where it has them.
  for (const name of [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-layers',
  ]) {
    const host = packageFolder(name, hostDir);
    if (!host) {
      log(`${name}: not found from ${hostDir}; keeping the copy npm installed`);
      continue;
    }
    const hostVersion = JSON.parse(readFileSync(join(host, 'package.json'), 'utf8')).version;
    if (hostVersion !== packageJson.version) {
      log(`warning: ${name}@${hostVersion} in the project, tfjs-node@${packageJson.version}`);
    }
    linkPath(host, join(staging, 'node_modules', name), { force: true });
  }

  // deps/ as binding.gyp expects it: deps/include and deps/lib with the unversioned link names.
  const depsLib = join(staging, 'deps', 'lib');
  mkdirSync(depsLib, { recursive: true });
  linkPath(library.include, join(staging, 'deps', 'include'));
  for (const file of [library.eager, library.framework]) {
    linkPath(join(library.libDir, file), join(depsLib, file));
  }
  linkPath(library.eager, join(depsLib, 'libtensorflow.so'));
  linkPath(library.framework, join(depsLib, 'libtensorflow_framework.so'));

  const napi = napiVersion(packageJson);
  const modulePath = join(staging, 'lib', `napi-v${napi}`);
  const nodePrefix = resolve(dirname(process.execPath), '..');
  const gypArgs = [
    'rebuild',
    `--napi_build_version=${napi}`,
    '--module_name=tfjs_binding',
    `--module_path=${modulePath}`,
    '-j',
    values.jobs,
  ];
  // Headers of the running Node, so node-gyp downloads nothing.
  if (existsSync(join(nodePrefix, 'include', 'node', 'node_api.h'))) {
    gypArgs.push(`--nodedir=${nodePrefix}`);
  }
  const [gyp, ...gypPrefix] = nodeGyp();
  run(gyp, [...gypPrefix, ...gypArgs], { cwd: staging });
  if (!existsSync(join(modulePath, 'tfjs_binding.node'))) {
    throw new SetupError(`node-gyp finished but ${modulePath}/tfjs_binding.node is missing`);
  }
  // The object files are not needed at run time.
  rmSync(join(staging, 'build'), { recursive: true, force: true });
  // The link targets inside deps/lib point into library.libDir; moving the folder keeps them valid.
  writeFileSync(join(staging, '.mi-native.json'), `${JSON.stringify(stamp, null, 2)}\n`);
  rmSync(packageDir, { recursive: true, force: true });
  renameSync(staging, packageDir);
}

function verify(fromDir) {
  const script = `
const tf = require(${JSON.stringify(packageName)});
const a = tf.tensor2d([[1, 2], [3, 4]]);
const product = tf.matMul(a, a).arraySync();
const ok = tf.getBackend() === 'tensorflow' && product[1][1] === 22;
const binding = tf.backend().binding;
const gpu = typeof binding.isUsingGpuDevice === 'function' ? binding.isUsingGpuDevice() : undefined;
console.log(JSON.stringify({ package: ${JSON.stringify(packageName)}, backend: tf.getBackend(), tensorflow: binding.TF_Version, gpu, product, ok }));
process.exit(ok ? 0 : 1);
`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: fromDir,
    encoding: 'utf8',
    env: { TF_CPP_MIN_LOG_LEVEL: '2', ...process.env },
  });
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  if (result.status !== 0) {
    throw new SetupError(
      `${packageName} does not load from ${fromDir}: ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || line}`,
    );
  }
  log(`verified from ${fromDir}: ${line}`);
}

// ---------------------------------------------------------------------------------------------

function main() {
  if (values.check) return verify(resolve(values.link));
  if (platform() !== 'linux' || arch() !== 'x64') {
    throw new SetupError(
      `only linux-x64 is scripted (this is ${platform()}-${arch()}); see the tfjs-node DEVELOPMENT.md for other systems`,
    );
  }
  const prefix = resolve(values.prefix);
  const cache = join(prefix, 'cache');
  const tfjsVersion = values['tfjs-node-version'];

  let library;
  let source;
  if (values.gpu && !values.libtensorflow) {
    throw new SetupError(
      '--gpu needs --libtensorflow DIR: a GPU build of the TensorFlow C library (include/, lib/libtensorflow.so.2 and libtensorflow_framework.so.2 built with CUDA); the tensorflow-cpu wheel has no CUDA kernels',
    );
  }
  if (values.libtensorflow) {
    library = describeLibrary(resolve(values.libtensorflow));
    source = `dir:${realpathSync(resolve(values.libtensorflow))}`;
  } else {
    const wheel = obtainWheel(cache);
    const dest = join(prefix, `libtensorflow-${basename(wheel, '.whl')}`);
    if (!existsSync(join(dest, 'lib', 'libtensorflow_cc.so.2')) || values.force) {
      log(`extracting the C library from ${basename(wheel)}`);
      extractWheel(wheel, dest);
    }
    library = describeLibrary(dest);
    source = `wheel:${basename(wheel)}`;
  }
  checkSymbols(library);

  const packageDir = join(prefix, `${shortName}-${tfjsVersion}`);
  const stampFile = join(packageDir, '.mi-native.json');
  const stamp = { tfjsNode: tfjsVersion, libtensorflow: source, node: process.versions.napi };
  const built =
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === JSON.stringify(stamp, null, 2);
  if (built && !values.force) {
    log(`reusing the build in ${packageDir} (--force rebuilds)`);
  } else {
    const tarball = obtainTarball(cache, tfjsVersion);
    buildPackage({ library, tarball, packageDir, hostDir: resolve(values.link), stamp });
  }

  if (values['no-link']) {
    log(`built ${packageDir}; link it into a project with --link <project>`);
    return;
  }
  const linkDir = resolve(values.link);
  const target = join(linkDir, 'node_modules', '@tensorflow', shortName);
  linkPath(packageDir, target);
  log(`linked ${target} → ${packageDir}`);
  verify(linkDir);
  log(
    values.gpu
      ? `done: initBackend('tensorflow-gpu') (or MI_BACKEND=tensorflow-gpu) now uses it; the CPU-tuned kernel replacements of @mi/core are not installed there`
      : `done: initBackend('tensorflow') (or MI_BACKEND=tensorflow) now uses it`,
  );
}

try {
  main();
} catch (error) {
  if (error instanceof SetupError) {
    log(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
