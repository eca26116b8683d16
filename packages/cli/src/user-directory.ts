import { resolve } from 'node:path';

/**
 * The directory the user ran `mi` from. `pnpm mi …` runs the script in the repository root and
 * passes the caller's directory as `INIT_CWD`; a plain `mi` runs where it was started.
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const fromPnpm = env['npm_lifecycle_event'] === 'mi' ? env['INIT_CWD'] : undefined;
  return fromPnpm !== undefined && fromPnpm !== '' ? fromPnpm : process.cwd();
}

/** A path the user typed, made absolute against the directory they ran `mi` from. */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(userDirectory(env), path);
}
