import { DuplicatePluginError } from './errors/duplicate-plugin-error';
import { InvalidArgumentError } from './errors/invalid-argument-error';
import { NoSuchPluginError } from './errors/no-such-plugin-error';
import { UnsupportedSpecificationVersionError } from './errors/unsupported-specification-version-error';
import { type Plugin, type PluginKind, SUPPORTED_SPECIFICATION_VERSIONS } from './plugin';
import { type PluginSpec, parsePluginSpec } from './plugin-spec';

/** Options of {@link Registry.with} and {@link createRegistry}. */
export interface RegisterOptions {
  /** Replace an existing plugin with the same id or alias instead of throwing. */
  readonly override?: boolean;
}

/** What a plugin's `create` returns: a `Bound` for bound plugins, a `Critic` for critic plugins. */
export type ProductOf<P> = P extends { create(...args: never[]): infer R } ? R : never;

/** What a configured object stores to be rebuilt: its plugin id and its options after defaults. */
export interface PluginConfig {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * An immutable set of plugins looked up by id or alias. `with` returns a new registry; the
 * original is unchanged, so two parts of a program never see each other's registrations.
 */
export interface Registry<P extends Plugin> {
  /** What the registry holds: `bound` or `critic`. */
  readonly kind: PluginKind;
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
  /**
   * The configured object a spec names: `'smile:tau=5'`, `'joint:hiddenUnits=512,512'`, or a parsed
   * {@link PluginSpec}. The plugin's `create` validates the options (unknown keys included).
   */
  resolve(spec: string | PluginSpec): ProductOf<P>;
  /** Rebuilds what a checkpoint stored: `plugin(id).create(config)`. */
  fromConfig(config: PluginConfig): ProductOf<P>;
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
  kind: PluginKind,
  plugins: readonly P[],
  options: RegisterOptions & { notFound?: NotFoundErrorFactory } = {},
): Registry<P> {
  const notFound =
    options.notFound ?? ((id, knownIds) => new NoSuchPluginError({ kind, id, knownIds }));
  return buildRegistry(kind, [], plugins, options.override ?? false, notFound);
}

function buildRegistry<P extends Plugin>(
  kind: PluginKind,
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

  const get = (id: string): P => {
    const plugin = byName.get(id);
    if (plugin === undefined)
      throw notFound(
        id,
        ordered.map((p) => p.id),
      );
    return plugin;
  };
  const create = (id: string, options: unknown): ProductOf<P> => {
    const plugin = get(id) as unknown as { create?: (options: unknown) => ProductOf<P> };
    if (typeof plugin.create !== 'function') {
      throw new InvalidArgumentError({
        functionName: `${kind} registry`,
        parameter: 'id',
        value: id,
        expected: `a ${kind} plugin with a create(options) method`,
      });
    }
    return plugin.create(options);
  };
  return {
    kind,
    get,
    has: (id) => byName.has(id),
    ids: () => ordered.map((p) => p.id),
    list: () => [...ordered],
    with(more, withOptions = {}) {
      const extra: readonly P[] = Array.isArray(more) ? more : [more as P];
      return buildRegistry(kind, ordered, extra, withOptions.override ?? false, notFound);
    },
    resolve(spec) {
      const parsed = typeof spec === 'string' ? parsePluginSpec(spec, kind) : spec;
      // Copies, so the created object never shares arrays with the caller's spec.
      return create(parsed.id, structuredClone(parsed.options));
    },
    fromConfig(config) {
      if (
        config == null ||
        typeof config !== 'object' ||
        typeof config.id !== 'string' ||
        config.config == null ||
        typeof config.config !== 'object'
      ) {
        throw new InvalidArgumentError({
          functionName: `${kind} registry.fromConfig`,
          parameter: 'config',
          value: config,
          expected: `a ${kind} config { id, config }`,
        });
      }
      return create(config.id, structuredClone(config.config));
    },
  };
}

function namesOf(plugin: Plugin): string[] {
  return [plugin.id, ...(plugin.aliases ?? [])];
}

function validatePlugin(kind: PluginKind, plugin: Plugin): void {
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
  if (plugin.kind !== kind) {
    throw new InvalidArgumentError({
      functionName: 'createRegistry',
      parameter: 'plugin.kind',
      value: plugin.kind,
      expected: `'${kind}' (plugin '${plugin.id}' is not a ${kind} plugin)`,
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
