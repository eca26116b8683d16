import type { BoundRegistry } from '@mi/bounds';
import { type Bound, InvalidArgumentError } from '@mi/spec';

/** A bound named on the command line: `id` or `id:key=value;key=value` (e.g. `smile:tau=5`). */
export interface BoundSpec {
  readonly id: string;
  readonly options: Readonly<Record<string, number | string | boolean>>;
  /** The canonical text, options sorted: the label in tables and records. */
  readonly label: string;
}

/** Parses `smile:tau=5`, `remine:distance=l1;lambda=0.5`, `infonce`. */
export function parseBoundSpec(text: string): BoundSpec {
  const [id, rest] = text.trim().split(/:(.*)/s, 2) as [string, string | undefined];
  const options: Record<string, number | string | boolean> = {};
  if (rest !== undefined && rest !== '') {
    for (const part of rest.split(';')) {
      const [key, raw] = part.split('=', 2);
      if (!key || raw === undefined) {
        throw new InvalidArgumentError({
          functionName: 'parseBoundSpec',
          parameter: 'bound',
          value: text,
          expected: "'id' or 'id:key=value;key=value', e.g. smile:tau=5",
        });
      }
      options[key.trim()] = parseValue(raw.trim());
    }
  }
  const keys = Object.keys(options).sort();
  const label = keys.length === 0 ? id : `${id}:${keys.map((k) => `${k}=${options[k]}`).join(';')}`;
  return { id, options, label };
}

function parseValue(raw: string): number | string | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'Infinity' || raw === 'inf') return Number.POSITIVE_INFINITY;
  const number = Number(raw);
  return raw !== '' && Number.isFinite(number) ? number : raw;
}

/** Creates the bound a spec names, from a registry (unknown ids throw `NoSuchBoundError`). */
export function createBoundFromSpec(registry: BoundRegistry, spec: BoundSpec): Bound {
  return registry.get(spec.id).create(spec.options as never);
}
