import { type BoundRegistry, createBoundRegistry } from '@mi/bounds';
import {
  builtinCritics,
  type CriticRegistry,
  createCriticRegistry,
  type NeuralCritic,
} from '@mi/critics';
import {
  type Bound,
  InvalidArgumentError,
  type PluginKind,
  type PluginSpec,
  type PluginSpecValue,
  parsePluginSpec,
  pluginSpecLabel,
} from '@mi/spec';

/**
 * A bound or critic as a benchmark option: a spec string (`smile:tau=5`,
 * `joint:hiddenUnits=512,512`) or a parsed {@link PluginSpec}.
 */
export type SpecInput = string | PluginSpec;

/**
 * Where benchmarks look names up: bounds and critics, built-in or from plugins (the CLI's
 * `--plugin`). Either registry defaults to the built-ins.
 */
export interface BenchmarkRegistries {
  readonly bounds?: BoundRegistry;
  readonly critics?: CriticRegistry;
}

/** {@link BenchmarkRegistries} with the defaults filled in. */
export interface ResolvedRegistries {
  readonly bounds: BoundRegistry;
  readonly critics: CriticRegistry;
}

/** The registries given, each defaulting to the built-ins. */
export function withDefaultRegistries(registries: BenchmarkRegistries = {}): ResolvedRegistries {
  return {
    bounds: registries.bounds ?? createBoundRegistry(),
    critics: registries.critics ?? createCriticRegistry(),
  };
}

/** A spec in canonical form: a string is parsed; a parsed spec gets its canonical label back. */
export function toPluginSpec(spec: SpecInput, kind: PluginKind): PluginSpec {
  if (typeof spec === 'string') return parsePluginSpec(spec, kind);
  if (spec === null || typeof spec !== 'object' || typeof spec.id !== 'string') {
    throw new InvalidArgumentError({
      functionName: 'toPluginSpec',
      parameter: kind,
      value: spec,
      expected: `a ${kind} spec: 'id' or 'id:key=value;…', or { id, options, label }`,
    });
  }
  const options = spec.options ?? {};
  return { id: spec.id, options, label: pluginSpecLabel(spec.id, options) };
}

/** The bound a spec names, created through the registry (unknown ids and options throw). */
export function createBound(registry: BoundRegistry, spec: SpecInput): Bound {
  return registry.resolve(toPluginSpec(spec, 'bound'));
}

/**
 * What one example of the benchmark's data looks like, which the benchmark passes to every
 * critic. Tabular data (rows of numbers, one-hot rows included) gives `xFeatures` and
 * `yFeatures`; images give `height`, `width`, `xChannels` and `yChannels`.
 */
export type CriticInputs =
  | { readonly kind: 'tabular'; readonly xFeatures: number; readonly yFeatures: number }
  | {
      readonly kind: 'image';
      readonly height: number;
      readonly width: number;
      readonly xChannels: number;
      readonly yChannels: number;
    };

/**
 * Options of the built-in critics only, by id, laid under the spec's own options: a benchmark's
 * protocol (the staircase's 256-256 widths for `joint` and `separable`). A plugin critic never
 * gets them, since it may not accept them.
 */
export type BuiltinCriticDefaults = Readonly<
  Record<string, Readonly<Record<string, PluginSpecValue>>>
>;

/** How the data and the seed reach a critic of a benchmark. */
export interface CriticContext {
  readonly inputs: CriticInputs;
  /** Seed of the critic's initial weights (the run's seed). */
  readonly seed: number;
  readonly builtinDefaults?: BuiltinCriticDefaults;
}

// The built-in one-hot critic counts classes where a tabular critic counts features (a one-hot
// row of N classes has N features).
const BUILTIN_INPUT_NAMES: Readonly<Record<string, (inputs: CriticInputs) => object>> = {
  onehot: (inputs) =>
    inputs.kind === 'tabular' ? { xClasses: inputs.xFeatures, yClasses: inputs.yFeatures } : inputs,
};

/** Whether the registry's plugin for `id` is one of `@mi/critics`' built-ins. */
function isBuiltinCritic(registry: CriticRegistry, id: string): boolean {
  return (builtinCritics as readonly unknown[]).includes(registry.get(id));
}

/**
 * The options a critic of a benchmark is created with: the data-dependent ones the benchmark
 * supplies (the {@link CriticInputs} and the seed), then, for built-in critics only, the
 * benchmark's defaults for that critic, then the spec's own options, which win over the
 * defaults. The contract for a critic plugin is therefore: it is created with its spec's options
 * plus `xFeatures`, `yFeatures` and `seed` (tabular benchmarks) or `height`, `width`,
 * `xChannels`, `yChannels` and `seed` (image benchmarks), and nothing else. A spec may not set
 * what the benchmark supplies (the data decides the input widths; each run its seed).
 */
export function criticOptions(
  registry: CriticRegistry,
  spec: PluginSpec,
  context: CriticContext,
): Record<string, PluginSpecValue> {
  const builtin = isBuiltinCritic(registry, spec.id);
  const id = registry.get(spec.id).id;
  const { kind: _kind, ...inputs } = context.inputs;
  const supplied: Record<string, PluginSpecValue> = {
    ...((builtin ? BUILTIN_INPUT_NAMES[id]?.(context.inputs) : undefined) ??
      (inputs as Record<string, number>)),
    seed: context.seed,
  };
  for (const key of Object.keys(spec.options)) {
    if (key in supplied) {
      throw new InvalidArgumentError({
        functionName: 'benchmark',
        parameter: 'critic',
        value: spec.label,
        expected: `no '${key}' in the critic spec: the benchmark sets it (${Object.keys(supplied).join(', ')} come from the data and the run)`,
      });
    }
  }
  const defaults = builtin ? (context.builtinDefaults?.[id] ?? {}) : {};
  return { ...supplied, ...defaults, ...spec.options };
}

/**
 * Creates the critic a spec names for one run, through the registry, with the options of
 * {@link criticOptions}. The caller owns the critic and disposes it.
 */
export function createCritic(
  registry: CriticRegistry,
  spec: SpecInput,
  context: CriticContext,
): NeuralCritic {
  const parsed = toPluginSpec(spec, 'critic');
  return registry.resolve({ ...parsed, options: criticOptions(registry, parsed, context) });
}

/**
 * The built-in defaults that apply to a critic spec, with the spec's own values where it sets
 * them: what a run's parameters record about the critic beyond its label (`hiddenUnits` of the
 * staircase's joint critic). Empty for a plugin critic.
 */
export function appliedDefaults(
  registry: CriticRegistry,
  spec: PluginSpec,
  builtinDefaults: BuiltinCriticDefaults,
): Record<string, PluginSpecValue> {
  if (!isBuiltinCritic(registry, spec.id)) return {};
  const defaults = builtinDefaults[registry.get(spec.id).id] ?? {};
  return Object.fromEntries(
    Object.keys(defaults).map((key) => [key, spec.options[key] ?? (defaults[key] as never)]),
  );
}

/**
 * Resolves bound and critic specs once through the registries, so that an unknown name or a bad
 * option fails before any data is read or any training starts. Critics are created on
 * placeholder inputs — tabular (one feature each), or with `inputs: 'image'` 8 × 8 images of one
 * channel, for the image benchmarks — and disposed at once.
 *
 * @example
 * ```ts
 * validateSpecs({ bounds: ['smile:tau=5'], critics: ['joint:hiddenUnits=64,64'] });
 * validateSpecs({ critics: ['cnn:head=separable'], inputs: 'image' });
 * ```
 * @throws the registries' errors: `NoSuchBoundError`, `NoSuchCriticError`, `InvalidArgumentError`.
 */
export function validateSpecs(options: {
  readonly bounds?: readonly SpecInput[];
  readonly critics?: readonly SpecInput[];
  readonly registries?: BenchmarkRegistries;
  /** The kind of data the critics will score. Default `'tabular'`. */
  readonly inputs?: CriticInputs['kind'];
}): void {
  const registries = withDefaultRegistries(options.registries);
  for (const spec of options.bounds ?? []) createBound(registries.bounds, spec);
  const inputs: CriticInputs =
    options.inputs === 'image'
      ? { kind: 'image', height: 8, width: 8, xChannels: 1, yChannels: 1 }
      : { kind: 'tabular', xFeatures: 1, yFeatures: 1 };
  for (const spec of options.critics ?? []) {
    createCritic(registries.critics, spec, { inputs, seed: 0 }).dispose();
  }
}
