import { DuplicatePluginError } from './errors/duplicate-plugin-error';
import { InvalidArgumentError } from './errors/invalid-argument-error';
import { NoSuchPluginError } from './errors/no-such-plugin-error';
import { UnsupportedSpecificationVersionError } from './errors/unsupported-specification-version-error';
import { type Plugin, SUPPORTED_SPECIFICATION_VERSIONS } from './plugin';

/** Options of {@link Registry.with} and {@link createRegistry}. */
export interface RegisterOptions {
  /** Replace an existing plugin with the same id or alias instead of throwing. */
  readonly override?: boolean;
}

/**
 * An immutable set of plugins looked up by id or alias. `with` returns a new registry; the
 * original is unchanged, so two parts of a program never see each other's registrations.
 */
export interface Registry<P extends Plugin> {
  /** What the registry holds, for messages: `bound`, `critic`. */
  readonly kind: string;
  /** The plugin with this id or alias; throws the registry's not-found error listing known ids. */
  get(id: string): P;
  /** Whether an id or alias is known. */
  has(id: string): boolean;
  /** The canonical ids, in registration order. */
  ids(): readonly string[];
  /** The plugins, in registration order. */
  list(): readonly P[];
  /** A new registry with `plugins` added. Duplicate ids throw unless `override` is set. */
  with(plugins: P | readonly P[], options?: RegisterOptions): Registry<P>;
}

/** How a registry reports a missing id; a subclass of {@link NoSuchPluginError}. */
export type NotFoundErrorFactory = (id: string, knownIds: readonly string[]) => Error;

/**
 * Builds a registry of plugins. Validates each plugin's id and `specificationVersion` and rejects
 * duplicate ids or aliases (unless `override`).
 *
 * @example
 * ```ts
 * const bounds = createRegistry('bound', builtinBounds);
 * const mine = createRegistry('bound', builtinBounds).with(myBound);
 * ```
 */
export function createRegistry<P extends Plugin>(
  kind: string,
  plugins: readonly P[],
  options: RegisterOptions & { notFound?: NotFoundErrorFactory } = {},
): Registry<P> {
  const notFound =
    options.notFound ?? ((id, knownIds) => new NoSuchPluginError({ kind, id, knownIds }));
  return buildRegistry(kind, [], plugins, options.override ?? false, notFound);
}

function buildRegistry<P extends Plugin>(
  kind: string,
  base: readonly P[],
  added: readonly P[],
  override: boolean,
  notFound: NotFoundErrorFactory,
): Registry<P> {
  const ordered: P[] = [...base];
  const byName = new Map<string, P>();
  for (const plugin of ordered) for (const name of namesOf(plugin)) byName.set(name, plugin);

  for (const plugin of added) {
    validatePlugin(kind, plugin);
    for (const name of namesOf(plugin)) {
      const existing = byName.get(name);
      if (existing === undefined) continue;
      if (!override) throw new DuplicatePluginError({ kind, id: name });
      // Replacing a plugin removes all of its names, not just the one that clashed.
      ordered.splice(ordered.indexOf(existing), 1);
      for (const old of namesOf(existing)) byName.delete(old);
    }
    for (const name of namesOf(plugin)) byName.set(name, plugin);
    ordered.push(plugin);
  }

  return {
    kind,
    get(id) {
      const plugin = byName.get(id);
      if (plugin === undefined)
        throw notFound(
          id,
          ordered.map((p) => p.id),
        );
      return plugin;
    },
    has: (id) => byName.has(id),
    ids: () => ordered.map((p) => p.id),
    list: () => [...ordered],
    with(more, withOptions = {}) {
      const extra: readonly P[] = Array.isArray(more) ? more : [more as P];
      return buildRegistry(kind, ordered, extra, withOptions.override ?? false, notFound);
    },
  };
}

function namesOf(plugin: Plugin): string[] {
  return [plugin.id, ...(plugin.aliases ?? [])];
}

function validatePlugin(kind: string, plugin: Plugin): void {
  if (plugin == null || typeof plugin !== 'object') {
    throw new InvalidArgumentError({
      functionName: 'createRegistry',
      parameter: 'plugin',
      value: plugin,
      expected: `a ${kind} plugin object`,
    });
  }
  if (typeof plugin.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(plugin.id)) {
    throw new InvalidArgumentError({
      functionName: 'createRegistry',
      parameter: 'plugin.id',
      value: plugin.id,
      expected: 'a kebab-case id (lowercase letters, digits and dashes)',
    });
  }
  if (!SUPPORTED_SPECIFICATION_VERSIONS.includes(plugin.specificationVersion)) {
    throw new UnsupportedSpecificationVersionError({
      kind,
      id: plugin.id,
      version: plugin.specificationVersion,
      supported: SUPPORTED_SPECIFICATION_VERSIONS,
    });
  }
}
