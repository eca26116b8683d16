import { builtinCritics, createCriticRegistry, jointCriticPlugin } from '@mi/critics';
import { DuplicatePluginError, NoSuchCriticError } from '@mi/spec';
import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { small, smallCase } from './testing/small-critic-cases';

describe('createCriticRegistry', () => {
  it('holds the eight built-in critics in the order of the design', () => {
    const registry = createCriticRegistry(builtinCritics);
    expect(registry.kind).toBe('critic');
    expect(registry.ids()).toEqual([
      'joint',
      'separable',
      'bilinear',
      'onehot',
      'cnn',
      'resnet18',
      'minee',
      'conditional-gaussian',
    ]);
    for (const plugin of registry.list()) {
      expect(plugin.specificationVersion).toBe('v1');
      expect(plugin.references.length).toBeGreaterThan(0);
    }
  });

  it('names the known critics when asked for an unknown one, and rejects duplicates', () => {
    const registry = createCriticRegistry();
    expect(() => registry.get('mlp')).toThrow(NoSuchCriticError);
    expect(() => registry.get('mlp')).toThrow(
      "no critic named 'mlp'; known critics: joint, separable, bilinear, onehot, cnn, resnet18, minee, conditional-gaussian",
    );
    expect(() => registry.with(jointCriticPlugin)).toThrow(DuplicatePluginError);
    const replaced = registry.with(
      { ...jointCriticPlugin, displayName: 'mine' },
      { override: true },
    );
    expect(replaced.get('joint').displayName).toBe('mine');
    expect(typeof replaced.fromConfig).toBe('function');
    expect(registry.get('joint').displayName).not.toBe('mine');
  });

  it.each(
    Object.keys(small),
  )('round-trips the %s config: same options and seed, same scores', (id) => {
    const registry = createCriticRegistry();
    const { options, x, y } = smallCase(id, 9);
    const critic = registry.get(id).create(options);
    const config = critic.getConfig();
    expect(config.id).toBe(id);
    expect(config.config['seed']).toBe(9);
    const copy = registry.fromConfig(JSON.parse(JSON.stringify(config)));
    expect(copy.getConfig()).toEqual(config);
    const [a, b] = [critic, copy].map((c) => c.scores(x, y));
    expectAllClose(a!, b!.dataSync(), { atol: 0, rtol: 0 });
    tf.dispose([a!, b!, x, y]);
    critic.dispose();
    copy.dispose();
  });

  it('records a drawn seed when none is given, so the config still reproduces the critic', () => {
    const registry = createCriticRegistry();
    const critic = registry.get('joint').create({ xFeatures: 1, yFeatures: 1, hiddenUnits: [2] });
    const seed = critic.getConfig().config['seed'];
    expect(Number.isInteger(seed)).toBe(true);
    const copy = registry.fromConfig(critic.getConfig());
    expectAllClose(copy.trainableVariables[0]!, critic.trainableVariables[0]!.dataSync(), {
      atol: 0,
      rtol: 0,
    });
    critic.dispose();
    copy.dispose();
    expect(() => registry.fromConfig({ id: 'joint', config: { xFeatures: 1 } })).toThrow(
      "jointCritic: invalid option 'yFeatures': expected an integer >= 1, received undefined",
    );
  });
});
