import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/file-write');

/** Plain words for the system error codes a failed write usually carries. */
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  EEXIST: 'a file is in the way',
  EIO: 'input/output error',
};

/**
 * A file could not be written (a full disk, a read-only folder, a file or folder in the way).
 * Says what was being written, where, why, and what is kept: writes are atomic or append whole
 * lines, so the files written before stay as they were.
 *
 * @example
 * ```ts
 * throw new FileWriteError({
 *   path: 'results/gaussian/results.jsonl',
 *   what: 'the record of a finished run',
 *   kept: 'the 12 runs already in results.jsonl are kept; run the command again to resume',
 *   cause: error, // { code: 'ENOSPC' }
 * });
 * // could not write the record of a finished run to results/gaussian/results.jsonl: no space
 * // left on the device (ENOSPC); the 12 runs already in results.jsonl are kept; run the command
 * // again to resume
 * ```
 */
export class FileWriteError extends MIError {
  private readonly [marker] = true;
  /** The file or folder that could not be written. */
  readonly path: string;
  /** What was being written, in words (`the report`, `the checkpoint of step 40`). */
  readonly what: string;
  /** The system error code (`ENOSPC`, `EROFS`, `EACCES`, …), when the cause has one. */
  readonly systemCode: string | undefined;
  /** What is kept despite the failure, in words. */
  readonly kept: string;

  constructor(options: { path: string; what: string; kept: string; cause: unknown }) {
    const systemCode = (options.cause as { code?: unknown } | null)?.code;
    const code = typeof systemCode === 'string' ? systemCode : undefined;
    const reason =
      code === undefined
        ? options.cause instanceof Error
          ? options.cause.message
          : String(options.cause)
        : `${REASONS[code] ?? (options.cause as Error).message} (${code})`;
    super({
      code: 'MI_FILE_WRITE',
      message: `could not write ${options.what} to ${options.path}: ${reason}; ${options.kept}`,
      cause: options.cause,
    });
    this.name = 'FileWriteError';
    this.path = options.path;
    this.what = options.what;
    this.systemCode = code;
    this.kept = options.kept;
  }

  static override isInstance(error: unknown): error is FileWriteError {
    return MIError.hasMarker(error, marker);
  }
}
