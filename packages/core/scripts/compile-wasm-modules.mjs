// Compiles the WebAssembly text modules of src/kernels (adam-update.wat, transpose.wat,
// column-sums.wat) into their *-wasm.generated.ts files, each module's bytes in base64, with wabt:
// a devDependency, which the package never imports at run time. Run it after editing a .wat, from
// anywhere:
//
//   node packages/core/scripts/compile-wasm-modules.mjs
//
// The modules' tests compile each .wat again and fail unless the committed module is what this
// script writes, so the bytes cannot drift from their source.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const kernels = new URL('../src/kernels/', import.meta.url);

/** The modules: their source, the generated file, and the constant that holds the bytes. */
export const wasmModules = {
  'adam-update': {
    watFile: new URL('adam-update.wat', kernels),
    generatedFile: new URL('adam-update-wasm.generated.ts', kernels),
    constant: 'adamUpdateWasmBase64',
    test: 'adam-update-wasm.test.ts',
  },
  transpose: {
    watFile: new URL('transpose.wat', kernels),
    generatedFile: new URL('transpose-wasm.generated.ts', kernels),
    constant: 'transposeWasmBase64',
    test: 'transpose-on-heap.test.ts',
  },
  'column-sums': {
    watFile: new URL('column-sums.wat', kernels),
    generatedFile: new URL('column-sums-wasm.generated.ts', kernels),
    constant: 'columnSumsWasmBase64',
    test: 'replacement-kernels.test.ts',
  },
};

// WebAssembly 1.0 and fixed-width SIMD only: wabt refuses anything else in a .wat (relaxed
// SIMD's fused multiply-add would round differently from tf.train.adam's kernels).
const features = {
  simd: true,
  relaxed_simd: false,
  threads: false,
  mutable_globals: false,
  sat_float_to_int: false,
  sign_extension: false,
  multi_value: false,
  bulk_memory: false,
  reference_types: false,
};

const fileName = (url) => fileURLToPath(url).split('/').pop();

/** A module's .wat compiled to a binary module (no name section). */
export async function compileWasmModule(name) {
  const { watFile } = wasmModules[name];
  const toolkit = await wabt();
  const module = toolkit.parseWat(fileName(watFile), await readFile(watFile, 'utf8'), features);
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** The text of a module's generated file for its current .wat. */
export async function generateWasmModuleSource(name) {
  const { watFile, constant, test } = wasmModules[name];
  const bytes = await compileWasmModule(name);
  const { version } = createRequire(import.meta.url)('wabt/package.json');
  const wat = fileName(watFile);
  return `// Generated from ${wat} by packages/core/scripts/compile-wasm-modules.mjs (wabt ${version}).
// Do not edit: edit the .wat and rerun the script (${test} checks the two agree).

/** The WebAssembly module of \`${wat}\`, ${bytes.length} bytes, in base64. */
export const ${constant} =
  '${Buffer.from(bytes).toString('base64')}';
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, { generatedFile }] of Object.entries(wasmModules)) {
    await writeFile(generatedFile, await generateWasmModuleSource(name));
    console.log(`wrote ${fileURLToPath(generatedFile)}`);
  }
}
