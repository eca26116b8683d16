// Compiles src/kernels/adam-update.wat (WebAssembly text) into src/kernels/
// adam-update-wasm.generated.ts, the module's bytes in base64, with wabt: a devDependency, which
// the package never imports at run time. Run it after editing the .wat, from anywhere:
//
//   node packages/core/scripts/compile-adam-update.mjs
//
// adam-update-wasm.test.ts compiles the .wat again and fails unless the committed module is what
// this script writes, so the bytes cannot drift from their source.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const kernels = new URL('../src/kernels/', import.meta.url);
export const watFile = new URL('adam-update.wat', kernels);
export const generatedFile = new URL('adam-update-wasm.generated.ts', kernels);

// WebAssembly 1.0 and fixed-width SIMD only: wabt refuses anything else in the .wat (relaxed
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

/** The .wat compiled to a binary module (no name section). */
export async function compileAdamUpdate() {
  const toolkit = await wabt();
  const module = toolkit.parseWat('adam-update.wat', await readFile(watFile, 'utf8'), features);
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

/** The text of adam-update-wasm.generated.ts for the current .wat. */
export async function generateAdamUpdateModule() {
  const bytes = await compileAdamUpdate();
  const { version } = createRequire(import.meta.url)('wabt/package.json');
  return `// Generated from adam-update.wat by packages/core/scripts/compile-adam-update.mjs (wabt ${version}).
// Do not edit: edit the .wat and rerun the script (adam-update-wasm.test.ts checks the two agree).

/** The WebAssembly module of \`adam-update.wat\`, ${bytes.length} bytes, in base64. */
export const adamUpdateWasmBase64 =
  '${Buffer.from(bytes).toString('base64')}';
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(generatedFile, await generateAdamUpdateModule());
  console.log(`wrote ${fileURLToPath(generatedFile)}`);
}
