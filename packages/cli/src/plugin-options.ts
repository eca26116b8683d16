import type { NeuralCriticPlugin } from '@mi/critics';
import {
  type BoundPlugin,
  InvalidArgumentError,
  type PluginSpecValue,
  parsePluginSpec,
  pluginSpecLabel,
} from '@mi/spec';

/** One option of a bound or critic, as `mi bounds` and `mi critics` show it. */
export interface PluginOption {
  readonly name: string;
  /** The value used when the spec does not set it (absent when the option is required). */
  readonly default?: unknown;
  /** The plugin cannot be created without it. */
  readonly required: boolean;
  /** Set by `mi estimate` and the benchmarks, not by a spec: from the data, or per run. */
  readonly setBy?: 'data' | 'run';
}

/** A plugin's options with their defaults, and a spec that sets them all. */
export interface PluginOptions {
  /** Undefined when the plugin could not be created to read them (see `error`). */
  readonly options: readonly PluginOption[] | undefined;
  readonly error?: string;
  /** `id:key=value;key=value` with the defaults: a spec a user can start from. */
  readonly example: string;
}

// The inputs a benchmark gives a critic from its data (tabular, one-hot, image) and per run.
const DATA_INPUTS = new Set([
  'xFeatures',
  'yFeatures',
  'xClasses',
  'yClasses',
  'height',
  'width',
  'xChannels',
  'yChannels',
]);
const RUN_INPUTS = new Set(['seed']);

/**
 * The options of a bound, read without a new contract: the bound created with no options keeps
 * its options after defaults in `bound.config` (what a checkpoint stores and `create` accepts).
 */
export function boundOptions(plugin: BoundPlugin): PluginOptions {
  return describeOptions(plugin.id, (options) => plugin.create(options as never).config);
}

/**
 * The options of a critic: the critic created with no options (and a placeholder 1 for each
 * option it requires, such as `xFeatures`), its `getConfig().config` read, then disposed.
 * Creating a critic makes its weights, so this needs a backend.
 */
export function criticOptions(plugin: NeuralCriticPlugin): PluginOptions {
  return describeOptions(plugin.id, (options) => {
    const critic = plugin.create(options as never);
    try {
      return critic.getConfig().config;
    } finally {
      critic.dispose();
    }
  });
}

function describeOptions(
  id: string,
  configOf: (options: Record<string, number>) => unknown,
): PluginOptions {
  const placeholders: Record<string, number> = {};
  let config: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      config = configOf(placeholders);
      break;
    } catch (error) {
      // A required option is reported as missing (received undefined): give it a 1 and retry.
      const missing =
        InvalidArgumentError.isInstance(error) &&
        error.value === undefined &&
        !(error.parameter in placeholders) &&
        attempt < 16
          ? error.parameter
          : undefined;
      if (missing === undefined) {
        return { options: undefined, error: (error as Error).message, example: id };
      }
      placeholders[missing] = 1;
    }
  }
  const values =
    config !== null && typeof config === 'object' ? (config as Record<string, unknown>) : {};
  const options: PluginOption[] = Object.entries(values).map(([name, value]) => {
    const setBy = DATA_INPUTS.has(name) ? 'data' : RUN_INPUTS.has(name) ? 'run' : undefined;
    const required = name in placeholders;
    return {
      name,
      ...(required ? {} : { default: value }),
      required,
      ...(setBy === undefined ? {} : { setBy }),
    };
  });
  // The example sets what a spec may set, with values that read back as they are.
  const settable = Object.fromEntries(
    options
      .filter((o) => !o.required && o.setBy === undefined && roundTrips(id, o.name, o.default))
      .map((o) => [o.name, o.default]),
  );
  return { options, example: pluginSpecLabel(id, settable) };
}

/** Whether `key=value` in a spec parses back to `value` (a one-item list does not). */
function roundTrips(id: string, key: string, value: unknown): boolean {
  if (Array.isArray(value) && value.length < 2) return false;
  try {
    const parsed = parsePluginSpec(pluginSpecLabel(id, { [key]: value })).options[key];
    return JSON.stringify(parsed) === JSON.stringify(value as PluginSpecValue);
  } catch {
    return false;
  }
}

/** A default as a spec writes it; a list of fewer than two items in brackets (`[]`, `[256]`). */
function formatValue(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  return value.length < 2 ? `[${value.join(',')}]` : value.join(',');
}

/** `tau=5`, `hiddenUnits=256,256`, `xFeatures (required, set from the data)`, `seed=0 (set per run)`. */
export function formatOption(option: PluginOption): string {
  const notes = [
    ...(option.required ? ['required'] : []),
    ...(option.setBy === 'data' ? ['set from the data'] : []),
    ...(option.setBy === 'run' ? ['set per run'] : []),
  ];
  const value = option.required ? '' : `=${formatValue(option.default)}`;
  return `${option.name}${value}${notes.length === 0 ? '' : ` (${notes.join(', ')})`}`;
}
