import { validateSpecs } from '@mi/bench';
import { builtinCritics, createCriticRegistry, separableCriticPlugin } from '@mi/critics';
import { NoSuchBoundError, NoSuchCriticError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { appliedDefaults, createCritic, criticOptions, toPluginSpec } from './specs';

const tabular = { kind: 'tabular', xFeatures: 3, yFeatures: 2 } as const;
const staircase = {
  joint: { hiddenUnits: [8] },
  separable: { hiddenUnits: [8], embeddingSize: 4 },
};

describe('critic specs', () => {
  const plugin = { ...separableCriticPlugin, id: 'my-separable' };
  const critics = createCriticRegistry([...builtinCritics, plugin]);

  it('lays the data, then built-in defaults, then the spec options', () => {
    const spec = toPluginSpec('separable:embeddingSize=2', 'critic');
    expect(
      criticOptions(critics, spec, { inputs: tabular, seed: 5, builtinDefaults: staircase }),
    ).toEqual({
      xFeatures: 3,
      yFeatures: 2,
      seed: 5,
      hiddenUnits: [8],
      embeddingSize: 2,
    });
    expect(appliedDefaults(critics, spec, staircase)).toEqual({
      hiddenUnits: [8],
      embeddingSize: 2,
    });
  });

  it('gives a plugin critic only its spec options, the input widths and the seed', () => {
    const spec = toPluginSpec(
      { id: 'my-separable', options: { embeddingSize: 2 }, label: 'x' },
      'critic',
    );
    expect(spec.label).toBe('my-separable:embeddingSize=2');
    expect(
      criticOptions(critics, spec, { inputs: tabular, seed: 1, builtinDefaults: staircase }),
    ).toEqual({
      xFeatures: 3,
      yFeatures: 2,
      seed: 1,
      embeddingSize: 2,
    });
    expect(appliedDefaults(critics, spec, staircase)).toEqual({});
  });

  it('gives the built-in one-hot critic class counts instead of feature counts', () => {
    const before = tf.memory().numTensors;
    const critic = createCritic(critics, 'onehot', { inputs: tabular, seed: 2 });
    expect(critic.getConfig().config).toMatchObject({ xClasses: 3, yClasses: 2, seed: 2 });
    critic.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a spec that sets what the benchmark supplies', () => {
    const spec = toPluginSpec('joint:seed=3', 'critic');
    expect(() => criticOptions(critics, spec, { inputs: tabular, seed: 1 })).toThrow(
      "no 'seed' in the critic spec",
    );
  });
});

describe('validateSpecs', () => {
  it('resolves bounds and critics through the registries without leaking tensors', () => {
    const before = tf.memory().numTensors;
    validateSpecs({ bounds: ['smile:tau=5', 'infonce'], critics: ['joint:hiddenUnits=4,4'] });
    expect(tf.memory().numTensors).toBe(before);
    expect(() => validateSpecs({ bounds: ['smiley'] })).toThrow(NoSuchBoundError);
    expect(() => validateSpecs({ critics: ['cosine'] })).toThrow(NoSuchCriticError);
    expect(() => validateSpecs({ bounds: ['smile:tau'] })).toThrow("invalid option 'bound'");
  });
});
