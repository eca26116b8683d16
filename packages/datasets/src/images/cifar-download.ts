import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { assertOneOf } from '@mi/core';
import { DataFormatError, InvalidArgumentError } from '@mi/spec';
import { DatasetUnavailableError } from '../errors/dataset-unavailable-error';
import { CIFAR_LAYOUT, type CifarVariant } from './cifar';
import { readTar } from './tar';

/** Where an archive comes from and what it must hash to. */
export interface ArchiveSource {
  readonly url: string;
  /** Lower-case hex SHA-256 of the archive. */
  readonly sha256: string;
  /** Size in bytes, when known (shown in messages). */
  readonly bytes?: number;
}

/**
 * The official binary archives of the Toronto CIFAR page, with the SHA-256 digests that
 * TensorFlow Datasets records for them (`url_checksums/cifar10.txt`, `cifar100.txt`).
 */
export const CIFAR_SOURCES: Readonly<Record<CifarVariant, ArchiveSource>> = {
  cifar10: {
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    sha256: 'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
    bytes: 170_052_171,
  },
  cifar100: {
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    sha256: '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
    bytes: 168_513_733,
  },
};

/** The part of the WHATWG `fetch` that the download needs (inject one in tests or proxies). */
export type FetchLike = (url: string) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  readonly statusText?: string;
  readonly body?: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** Options of {@link downloadCifar}. */
export interface DownloadCifarOptions {
  readonly variant: CifarVariant;
  /** Folder to fill; created when missing. The loaders then read it. */
  readonly directory: string;
  /** Defaults to `globalThis.fetch`. */
  readonly fetch?: FetchLike;
  /** A mirror of the archive; its `sha256` is checked instead of the official one. */
  readonly source?: ArchiveSource;
}

/** What {@link downloadCifar} did. */
export interface DownloadCifarResult {
  /** The folder that now holds the binary files (pass `directory` itself to the loader). */
  readonly folder: string;
  /** The verified archive on disk. */
  readonly archive: string;
  /** False when the files were already there and nothing was fetched. */
  readonly downloaded: boolean;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Writes `data` next to `path` under a unique name, then renames it into place. */
function writeAtomically(path: string, data: Uint8Array): void {
  const temporary = `${path}.${randomUUID()}.part`;
  try {
    const fd = openSync(temporary, 'wx');
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function* chunksOf(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    yield* body as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/**
 * Downloads a CIFAR binary archive into `directory`, verifies its SHA-256 and unpacks the batch
 * files, so that {@link loadCifar10} / {@link loadCifar100} can read `directory` offline. This is
 * the only function of the package that touches the network, and only when called.
 *
 * - The archive is streamed to a uniquely named `.part` file while hashing; only when the digest
 *   matches is it renamed to `cifar-10-binary.tar.gz` (or `cifar-100-binary.tar.gz`). A mismatch
 *   deletes the partial file and throws a `DataFormatError` with both digests.
 * - Each unpacked file is written to a temporary name and renamed, so an interrupted run never
 *   leaves a half-written batch where a loader would read it.
 * - When the files are already there nothing is fetched; a verified archive already in the folder
 *   is unpacked without fetching.
 * - When the network is unreachable it throws {@link DatasetUnavailableError} saying which file to
 *   get, from where, with which checksum, and where to put it.
 *
 * @example
 * ```ts
 * await downloadCifar({ variant: 'cifar10', directory: '/data/cifar' });
 * const { train } = loadCifar10({ directory: '/data/cifar' });
 * ```
 */
export async function downloadCifar(options: DownloadCifarOptions): Promise<DownloadCifarResult> {
  const fn = 'downloadCifar';
  assertOneOf(fn, 'variant', options?.variant, ['cifar10', 'cifar100'] as const);
  const { variant, directory } = options;
  if (typeof directory !== 'string' || directory.length === 0) {
    throw new InvalidArgumentError({
      functionName: fn,
      parameter: 'directory',
      value: directory,
      expected: 'the path of the folder to download into',
    });
  }
  const source = options.source ?? CIFAR_SOURCES[variant];
  const layout = CIFAR_LAYOUT[variant];
  const archiveName = source.url.split('/').pop() || `${variant}-binary.tar.gz`;
  const archive = join(directory, archiveName);
  const folder = join(directory, layout.folder);
  const wanted = [...layout.train, ...layout.test, ...layout.extra];
  if (wanted.every((name) => existsSync(join(folder, name)))) {
    return { folder, archive, downloaded: false };
  }
  mkdirSync(folder, { recursive: true });

  let downloaded = false;
  if (!(existsSync(archive) && sha256Of(archive) === source.sha256)) {
    const size = source.bytes === undefined ? '' : `, ${source.bytes} bytes`;
    const instructions = `Without network access, download ${source.url} (SHA-256 ${source.sha256}${size}) on a connected machine and either put it at ${archive} and call downloadCifar again, or unpack it in ${directory} so that ${join(folder, layout.train[0])} exists.`;
    const unavailable = (reason: string, cause?: unknown) =>
      new DatasetUnavailableError({
        dataset: variant,
        url: source.url,
        directory,
        message: `${fn}: cannot download ${variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} from ${source.url}: ${reason}. ${instructions}`,
        cause,
      });
    const fetchImpl = options.fetch ?? (globalThis.fetch as unknown as FetchLike | undefined);
    if (fetchImpl === undefined) throw unavailable('this runtime has no fetch');
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await fetchImpl(source.url);
    } catch (cause) {
      throw unavailable(
        `the network is unreachable (${(cause as Error)?.message ?? String(cause)})`,
        cause,
      );
    }
    if (!response.ok) {
      throw unavailable(
        `the server answered HTTP ${response.status} ${response.statusText ?? ''}`.trim(),
      );
    }
    const temporary = `${archive}.${randomUUID()}.part`;
    const hash = createHash('sha256');
    try {
      const fd = openSync(temporary, 'wx');
      try {
        const chunks = response.body
          ? chunksOf(response.body)
          : (async function* () {
              yield new Uint8Array(await response.arrayBuffer());
            })();
        for await (const chunk of chunks) {
          hash.update(chunk);
          writeSync(fd, chunk);
        }
      } finally {
        closeSync(fd);
      }
      const digest = hash.digest('hex');
      if (digest !== source.sha256) {
        throw new DataFormatError({
          file: source.url,
          detail: `${fn}: SHA-256 mismatch: expected ${source.sha256}, received ${digest}; the download was discarded (retry, or fetch the file by hand and check it)`,
        });
      }
      renameSync(temporary, archive);
    } catch (error) {
      rmSync(temporary, { force: true });
      if (DataFormatError.isInstance(error)) throw error;
      throw unavailable(
        `the transfer failed (${(error as Error)?.message ?? String(error)})`,
        error,
      );
    }
    downloaded = true;
  }

  let tarBytes: Uint8Array;
  try {
    tarBytes = gunzipSync(readFileSync(archive));
  } catch (cause) {
    throw new DataFormatError({
      file: archive,
      detail: `${fn}: the archive is not a valid gzip stream (${(cause as Error).message})`,
      cause,
    });
  }
  const entries = new Map(
    readTar(tarBytes, archive).map((entry) => [entry.path.replace(/^\.\//, ''), entry.data]),
  );
  for (const name of wanted) {
    const data = entries.get(`${layout.folder}/${name}`);
    if (data === undefined) {
      throw new DataFormatError({
        file: archive,
        detail: `${fn}: the archive lacks ${layout.folder}/${name}`,
      });
    }
    // Only the known file names are written, so no archive path can escape `directory`.
    writeAtomically(join(folder, name), data);
  }
  return { folder, archive, downloaded };
}
