import { createRegistry, NoSuchCriticError, type RegisterOptions, type Registry } from '@mi/spec';
import { bilinearCriticPlugin } from './bilinear-critic';
import { cnnCriticPlugin } from './cnn-critic';
import { conditionalGaussianCriticPlugin } from './conditional-gaussian-critic';
import { jointCriticPlugin } from './joint-critic';
import { mineeCriticPlugin } from './minee-critic';
import {
  loadWeights,
  type NeuralCritic,
  type NeuralCriticPlugin,
  readSavedConfig,
} from './neural-critic';
import { onehotCriticPlugin } from './onehot-critic';
import { resnet18CriticPlugin } from './resnet18-critic';
import { separableCriticPlugin } from './separable-critic';

// A plugin for specific options seen as one for any options (create validates them at run time).
const generic = <Options>(plugin: NeuralCriticPlugin<Options>) =>
  plugin as unknown as NeuralCriticPlugin;

/**
 * Every critic this package provides: tabular (joint, separable, bilinear, one-hot), image (CNN,
 * ResNet-18), MI-NEE, and TNCE's conditional Gaussian.
 */
export const builtinCritics: readonly NeuralCriticPlugin[] = [
  generic(jointCriticPlugin),
  generic(separableCriticPlugin),
  generic(bilinearCriticPlugin),
  generic(onehotCriticPlugin),
  generic(cnnCriticPlugin),
  generic(resnet18CriticPlugin),
  generic(mineeCriticPlugin),
  generic(conditionalGaussianCriticPlugin),
];

/** A registry of critic plugins that also rebuilds critics from saved directories. */
export interface CriticRegistry extends Registry<NeuralCriticPlugin> {
  /** Rebuilds a critic saved with `critic.save(directory)`: its config, then its weights. */
  load(directory: string): Promise<NeuralCritic>;
  /** A new registry with `plugins` added (plugins with their own options types welcome). */
  with(
    plugins: NeuralCriticPlugin<never> | readonly NeuralCriticPlugin<never>[],
    options?: RegisterOptions,
  ): CriticRegistry;
}

/**
 * An explicit registry of critics: importing this package registers nothing. Unknown ids throw
 * `NoSuchCriticError` listing the known ones; duplicate ids throw unless `override` is set.
 *
 * @example
 * ```ts
 * const critics = createCriticRegistry(builtinCritics);
 * const critic = critics.resolve('joint:hiddenUnits=256,256;xFeatures=20;yFeatures=20;seed=1');
 * const copy = critics.fromConfig(critic.getConfig());
 * await critic.save('runs/critic');
 * const restored = await critics.load('runs/critic');
 * ```
 */
export function createCriticRegistry(
  plugins: readonly NeuralCriticPlugin<never>[] = builtinCritics,
  options: RegisterOptions = {},
): CriticRegistry {
  return wrap(
    createRegistry<NeuralCriticPlugin>('critic', plugins as readonly NeuralCriticPlugin[], {
      ...options,
      notFound: (id, knownIds) => new NoSuchCriticError({ id, knownIds }),
    }),
  );
}

function wrap(registry: Registry<NeuralCriticPlugin>): CriticRegistry {
  return {
    ...registry,
    async load(directory) {
      const saved = await readSavedConfig(directory);
      const critic = registry.fromConfig(saved.config);
      try {
        await loadWeights(critic, directory, saved.artifacts);
      } catch (error) {
        critic.dispose();
        throw error;
      }
      return critic;
    },
    with: (more, withOptions) =>
      wrap(registry.with(more as NeuralCriticPlugin | readonly NeuralCriticPlugin[], withOptions)),
  };
}
