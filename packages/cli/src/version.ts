import { createRequire } from 'node:module';

/** The version of `@mi/cli`, read from its own package.json (both in sources and in dist). */
export const CLI_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
