import { MIError } from './mi-error';

const marker = Symbol.for('@mi/error/data-format');

/**
 * A data file is malformed: wrong magic number, truncated, ragged rows, non-numeric or
 * non-finite values. Names the file and, where known, the row (1-based, as editors show it) and
 * the column.
 */
export class DataFormatError extends MIError {
  private readonly [marker] = true;
  readonly file: string;
  readonly row: number | undefined;
  readonly column: string | number | undefined;
  readonly detail: string;

  constructor(options: {
    file: string;
    detail: string;
    row?: number;
    column?: string | number;
    cause?: unknown;
  }) {
    const at = [
      options.row === undefined ? '' : `row ${options.row}`,
      options.column === undefined ? '' : `column ${JSON.stringify(options.column)}`,
    ]
      .filter(Boolean)
      .join(', ');
    super({
      code: 'MI_DATA_FORMAT',
      message: `${options.file}${at ? ` (${at})` : ''}: ${options.detail}`,
      cause: options.cause,
    });
    this.name = 'DataFormatError';
    this.file = options.file;
    this.row = options.row;
    this.column = options.column;
    this.detail = options.detail;
  }

  static override isInstance(error: unknown): error is DataFormatError {
    return MIError.hasMarker(error, marker);
  }
}
