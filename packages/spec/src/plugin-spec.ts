import { InvalidArgumentError } from './errors/invalid-argument-error';

/** A value an option can take in a spec string. */
export type PluginSpecValue = number | string | boolean | readonly (number | string)[];

/**
 * A plugin named with its options, as on the command line: `smile:tau=5`,
 * `remine:distance=l1;lambda=0.5`, `joint:hiddenUnits=512,512`.
 */
export interface PluginSpec {
  readonly id: string;
  readonly options: Readonly<Record<string, PluginSpecValue>>;
  /** The canonical text, options sorted by key: the label in tables and records. */
  readonly label: string;
}

/**
 * Parses `id` or `id:key=value;key=value`. Values are numbers, `true`/`false`, `Infinity` (or
 * `inf`), comma-separated lists (`512,512` → `[512, 512]`) or plain strings.
 *
 * @example
 * ```ts
 * parsePluginSpec('smile:tau=5');               // { id: 'smile', options: { tau: 5 }, label: 'smile:tau=5' }
 * parsePluginSpec('joint:hiddenUnits=64,64');   // options: { hiddenUnits: [64, 64] }
 * ```
 */
export function parsePluginSpec(text: string, kind = 'plugin'): PluginSpec {
  const bad = () =>
    new InvalidArgumentError({
      functionName: 'parsePluginSpec',
      parameter: kind,
      value: text,
      expected: "'id' or 'id:key=value;key=value', e.g. smile:tau=5 or joint:hiddenUnits=64,64",
    });
  if (typeof text !== 'string') throw bad();
  const [rawId, rest] = text.trim().split(/:(.*)/s, 2) as [string, string | undefined];
  const id = rawId.trim();
  if (id === '') throw bad();
  const options: Record<string, PluginSpecValue> = {};
  if (rest !== undefined && rest.trim() !== '') {
    for (const part of rest.split(';')) {
      const [key, raw] = part.split(/=(.*)/s, 2);
      if (key === undefined || key.trim() === '' || raw === undefined) throw bad();
      options[key.trim()] = parseValue(raw.trim());
    }
  }
  return { id, options, label: pluginSpecLabel(id, options) };
}

/** The canonical text of a spec: `id:key=value;…` with keys sorted. */
export function pluginSpecLabel(id: string, options: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(options).sort();
  if (keys.length === 0) return id;
  const text = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));
  return `${id}:${keys.map((k) => `${k}=${text(options[k])}`).join(';')}`;
}

/**
 * Splits a comma-separated list of specs (`smile:tau=5,infonce,joint:hiddenUnits=64,64`): a comma
 * starts a new spec only where an id follows, so list values keep their commas.
 */
export function splitPluginSpecs(text: string): string[] {
  return text
    .split(/,(?=\s*[a-z][a-z0-9-]*(?:[:,]|\s*$))/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function parseValue(raw: string): PluginSpecValue {
  if (!raw.includes(',')) return parseScalar(raw);
  return raw.split(',').map((item) => {
    const value = parseScalar(item.trim());
    return typeof value === 'boolean' ? String(value) : value;
  });
}

function parseScalar(raw: string): number | string | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'Infinity' || raw === 'inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Infinity' || raw === '-inf') return Number.NEGATIVE_INFINITY;
  const number = Number(raw);
  return raw !== '' && Number.isFinite(number) ? number : raw;
}
