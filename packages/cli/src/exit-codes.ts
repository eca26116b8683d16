import {
  BackendUnavailableError,
  DataFormatError,
  FileWriteError,
  InvalidArgumentError,
  MIError,
  NonFiniteEstimateError,
  NoSuchPluginError,
  ShapeMismatchError,
} from '@mi/spec';

/**
 * Exit codes scripts can rely on:
 * 0 success (and `--help`, `--version`); 1 unexpected failure; 2 bad arguments or options (an
 * unknown command or option, a bad value, an unknown bound or critic, a missing command); 3 a bad,
 * missing or too small data file (or results file); 4 the estimate could not be computed
 * (non-finite); 5 the requested backend is not available; 6 results, a report or a checkpoint
 * could not be written (a full disk, a read-only folder): what was written before is kept;
 * 130 interrupted (Ctrl-C).
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  data: 3,
  nonFinite: 4,
  backend: 5,
  write: 6,
  interrupted: 130,
} as const;

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  if (
    InvalidArgumentError.isInstance(error) ||
    NoSuchPluginError.isInstance(error) ||
    ShapeMismatchError.isInstance(error)
  ) {
    return EXIT.usage;
  }
  if (DataFormatError.isInstance(error)) return EXIT.data;
  if (NonFiniteEstimateError.isInstance(error)) return EXIT.nonFinite;
  if (BackendUnavailableError.isInstance(error)) return EXIT.backend;
  if (FileWriteError.isInstance(error)) return EXIT.write;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return EXIT.data;
  if (MIError.isInstance(error)) return EXIT.failure;
  return EXIT.failure;
}
