import { DataFormatError } from '@mi/spec';

/** One regular file of a tar archive. */
export interface TarEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

function field(bytes: Uint8Array, start: number, length: number): string {
  const slice = bytes.subarray(start, start + length);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? slice.subarray(0, end) : slice);
}

/**
 * Lists the regular files of an uncompressed POSIX (ustar) tar archive: 512-byte headers with an
 * octal size, data padded to 512 bytes, two zero blocks at the end. Directories, links and
 * extended headers are skipped; a truncated archive is an error naming `file`.
 */
export function readTar(bytes: Uint8Array, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + 512 <= bytes.length) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return entries;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const sizeText = field(header, 124, 12).trim();
    const size = Number.parseInt(sizeText || '0', 8);
    if (!Number.isFinite(size) || size < 0) {
      throw new DataFormatError({
        file,
        detail: `readTar: bad size field in the header at byte ${offset}: expected an octal number, received ${JSON.stringify(sizeText)}`,
      });
    }
    const type = String.fromCharCode(header[156] as number);
    const start = offset + 512;
    if (start + size > bytes.length) {
      throw new DataFormatError({
        file,
        detail: `readTar: truncated archive: entry ${JSON.stringify(name)} needs ${size} bytes from byte ${start}, the archive ends at ${bytes.length}`,
      });
    }
    if (type === '0' || type === '\0') {
      entries.push({
        path: prefix ? `${prefix}/${name}` : name,
        data: bytes.subarray(start, start + size),
      });
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  if (offset !== bytes.length) {
    throw new DataFormatError({
      file,
      detail: `readTar: truncated archive: expected 512-byte blocks, received ${bytes.length} bytes`,
    });
  }
  return entries;
}
