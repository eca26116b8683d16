import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal parameters always serialise the same way. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return v;
  });
}

/** A deterministic id of a run from its parameters: the first 16 hex digits of their SHA-256. */
export function runId(benchmark: string, params: Readonly<Record<string, unknown>>): string {
  return createHash('sha256')
    .update(`${benchmark}\n${stableStringify(params)}`)
    .digest('hex')
    .slice(0, 16);
}
