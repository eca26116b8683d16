import type { Options } from 'tsup';

/**
 * The build every public package shares: ESM + CJS + declarations, one entry per public subpath.
 * Declarations are built against `tsconfig.build.json`, which resolves siblings through their
 * built `dist/` (never their sources), so each package's `.d.ts` references, not inlines, them.
 */
export function packageBuild(
  entry: string[] | Record<string, string> = ['src/index.ts'],
  extra: Options = {},
): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    // import.meta.url in the CJS build (createRequire, asset paths).
    shims: true,
    ...extra,
  };
}
