import { DataFormatError, describeValue, InvalidArgumentError, MIError } from '@mi/spec';
import { EXIT, exitCodeOf } from './exit-codes';

/**
 * A bad value of a command-line option, in CLI terms: `invalid option '--steps': expected a
 * positive integer, received "0"`. Exit code 2.
 */
export function usageError(flag: string, value: unknown, expected: string): InvalidArgumentError {
  return new InvalidArgumentError({
    functionName: 'mi',
    parameter: flag,
    value,
    expected,
    message: `invalid option '${flag}': expected ${expected}, received ${describeValue(value)}`,
  });
}

/**
 * How one command speaks of what the libraries call by their own names: option names mapped to
 * the flags that set them, and phrases of library messages rewritten for the command line.
 */
export interface CliTerms {
  /** Library option name (`batchSize`, `validation.fraction`) → flag (`--batch-size`). */
  readonly flags: Readonly<Record<string, string>>;
  /** Library phrases → CLI phrases (`invalidRows: 'drop'` → `--drop-invalid`). */
  readonly phrases?: readonly (readonly [string, string])[];
}

// Readers of @mi/datasets start the detail of a DataFormatError with their own name.
const READER_PREFIX =
  /^(?:parseCsv|readCsv|parseJsonPair|readJsonPair|parseNpy|readNpy|readNpyPair|npyPair|tabularDataset): /;

/**
 * A library error in the terms of the command that surfaced it: an invalid option named by its
 * library name (`estimate: invalid option 'batchSize'`) becomes one named by its flag
 * (`invalid option '--batch-size'`), and a data error loses its reader's prefix (`parseCsv: `).
 * Other errors are returned as they are. The class (and so the exit code) never changes.
 */
export function inCliTerms(error: unknown, terms: CliTerms | undefined): unknown {
  if (terms === undefined) return error;
  const phrase = (text: string) =>
    (terms.phrases ?? []).reduce((out, [from, to]) => out.replaceAll(from, to), text);
  if (InvalidArgumentError.isInstance(error)) {
    const flag =
      terms.flags[error.parameter] ?? terms.flags[error.parameter.replace(/[[.].*$/, '')];
    if (flag === undefined) return error;
    const standard = `${error.functionName}: invalid option '${error.parameter}':`;
    const message = error.message.startsWith(standard)
      ? `invalid option '${flag}':${phrase(error.message.slice(standard.length))}`
      : `${flag}: ${phrase(error.message.replace(`${error.functionName}: `, ''))}`;
    return new InvalidArgumentError({
      functionName: 'mi',
      parameter: flag,
      value: error.value,
      expected: error.expected,
      message,
      cause: error,
    });
  }
  if (DataFormatError.isInstance(error)) {
    const detail = phrase(error.detail.replace(READER_PREFIX, ''));
    if (detail === error.detail) return error;
    return new DataFormatError({
      file: error.file,
      detail,
      ...(error.row === undefined ? {} : { row: error.row }),
      ...(error.column === undefined ? {} : { column: error.column }),
      cause: error,
    });
  }
  return error;
}

/**
 * An error about the value of one flag, prefixed with the flag and the value as typed
 * (`--bound smiley: no bound named 'smiley'; …`), keeping the error's exit code: for errors of a
 * spec or plugin, whose own message speaks of the plugin rather than the flag.
 */
function aboutFlag(flag: string, value: string, error: unknown): unknown {
  if (!MIError.isInstance(error) || exitCodeOf(error) !== EXIT.usage) return error;
  // A spec that does not parse: the parser's name means nothing on the command line.
  const syntax = InvalidArgumentError.isInstance(error) && error.functionName === 'parsePluginSpec';
  return new InvalidArgumentError({
    functionName: 'mi',
    parameter: flag,
    value,
    expected: syntax ? error.expected : 'a valid spec',
    message: `${flag} ${value}: ${syntax ? `expected ${error.expected}` : error.message}`,
    cause: error,
  });
}

/** Runs `check` and rethrows its errors as errors {@link aboutFlag} `flag`. */
export function checkFlag(flag: string, value: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    throw aboutFlag(flag, value, error);
  }
}

/**
 * Writes an error on stderr as one line, `mi: <message>` (or, with `--json`, one JSON document
 * `{ "error": { code, message, exitCode } }`), and returns its exit code. An unexpected error
 * (not of the MIError family) also gets its stack, for a bug report.
 */
export function reportError(
  error: unknown,
  options: { readonly json: boolean; readonly code?: string; readonly exitCode?: number },
  stderr: Pick<NodeJS.WriteStream, 'write'> = process.stderr,
): number {
  const exitCode = options.exitCode ?? exitCodeOf(error);
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /\s*\n\s*/g,
    ' ',
  );
  if (options.json) {
    const code = options.code ?? (MIError.isInstance(error) ? error.code : 'MI_UNEXPECTED');
    stderr.write(`${JSON.stringify({ error: { code, message, exitCode } })}\n`);
  } else {
    stderr.write(`mi: ${message}\n`);
    if (exitCode === EXIT.failure && error instanceof Error && !MIError.isInstance(error)) {
      stderr.write(`${error.stack}\n`);
    }
  }
  return exitCode;
}
