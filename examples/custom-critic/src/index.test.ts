import { builtinCritics, createCriticRegistry } from '@mi/critics';
import { describeCriticConformance } from '@mi/critics/testing';
import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type CosineCritic, cosineCriticPlugin } from './index';

// The same suite every built-in critic passes.
describeCriticConformance(cosineCriticPlugin, {
  options: { xFeatures: 3, yFeatures: 2, embeddingSize: 4 },
  inputs: { x: [3], y: [2] },
});
describeCriticConformance(cosineCriticPlugin, {
  options: { xFeatures: 2, yFeatures: 2, embeddingSize: 2, temperature: 1, maxScale: 5 },
  inputs: { x: [2], y: [2] },
  batchSize: 6,
});

describe('cosine as a registered plugin', () => {
  it('registers next to the built-ins and resolves from a spec string', () => {
    const registry = createCriticRegistry(builtinCritics).with(cosineCriticPlugin);
    expect(registry.ids()).toContain('cosine');
    const critic = registry.resolve('cosine:xFeatures=2;yFeatures=2;temperature=0.5;seed=3');
    expect(critic.getConfig()).toEqual({
      id: 'cosine',
      config: {
        xFeatures: 2,
        yFeatures: 2,
        embeddingSize: 16,
        temperature: 0.5,
        maxScale: 100,
        seed: 3,
      },
    });
    critic.dispose();
  });

  it('scores are cosines times the scale: |S| ≤ 1/τ, and the diagonal of aligned pairs is 1/τ', () => {
    const critic = cosineCriticPlugin.create({
      xFeatures: 2,
      yFeatures: 2,
      embeddingSize: 2,
      temperature: 0.25,
      seed: 1,
    }) as CosineCritic;
    expect(critic.scale()).toBeCloseTo(4, 5);
    const x = tf.tensor2d([
      [1, 0],
      [0, 2],
      [-1, 3],
    ]);
    const scores = critic.scores(x, tf.zeros([3, 2]));
    for (const value of scores.dataSync()) expect(Math.abs(value)).toBeLessThanOrEqual(4 + 1e-5);
    // With W_h = W_g and b_h = b_g, h(x) = g(x): every joint pair has cosine 1.
    const g = critic.weights;
    g.get('h/kernel')!.assign(g.get('g/kernel')!);
    g.get('h/bias')!.assign(g.get('g/bias')!);
    const pairs = critic.pairs(x, x);
    for (const value of pairs.dataSync()) expect(value).toBeCloseTo(4, 4);
    tf.dispose([x, scores, pairs]);
    critic.dispose();
  });

  it('rejects bad options with typed errors', () => {
    expect(() => cosineCriticPlugin.create({ xFeatures: 2, yFeatures: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      cosineCriticPlugin.create({ xFeatures: 2, yFeatures: 2, temperature: 0.1, maxScale: 5 }),
    ).toThrow("cosineCritic: invalid option 'maxScale'");
  });
});
