import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFormatError } from '@mi/spec';

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Reads a file; a missing or unreadable file becomes a `DataFormatError` naming it. */
export function readBytes(path: string, functionName: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    throw new DataFormatError({
      file: path,
      detail: `${functionName}: cannot read the file (${code ?? String(cause)})`,
      cause,
    });
  }
}

/** Reads a file and inflates it when it is gzip-compressed (by content, not by name). */
export function readMaybeGzip(path: string, functionName: string): Uint8Array {
  const bytes = readBytes(path, functionName);
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (cause) {
    throw new DataFormatError({
      file: path,
      detail: `${functionName}: the gzip stream is corrupt or truncated (${(cause as Error).message})`,
      cause,
    });
  }
}
