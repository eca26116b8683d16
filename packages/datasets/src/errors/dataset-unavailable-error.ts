import { MIError } from '@mi/spec';

const marker = Symbol.for('@mi/error/dataset-unavailable');

/**
 * A data set could not be obtained: the download failed (no network, HTTP error). The message
 * says what to download, from where, and where to put it so that the loader finds it offline.
 */
export class DatasetUnavailableError extends MIError {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read by MIError.hasMarker through the symbol
  private readonly [marker] = true;
  /** `cifar10`, `cifar100`. */
  readonly dataset: string;
  /** Where it was to come from. */
  readonly url: string;
  /** The folder the user named. */
  readonly directory: string;

  constructor(options: {
    dataset: string;
    url: string;
    directory: string;
    message: string;
    cause?: unknown;
  }) {
    super({ code: 'MI_DATASET_UNAVAILABLE', message: options.message, cause: options.cause });
    this.name = 'DatasetUnavailableError';
    this.dataset = options.dataset;
    this.url = options.url;
    this.directory = options.directory;
  }

  static override isInstance(error: unknown): error is DatasetUnavailableError {
    return MIError.hasMarker(error, marker);
  }
}
