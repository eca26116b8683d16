import { cnnCritic } from '@mi/critics';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('cnnCritic', () => {
  it('has the paper-003 MNIST shapes: conv 5×5×(1+1)×64 split in x and y, conv 5×5×64×128, dense 6272×1024, 1024×1', () => {
    const critic = cnnCritic({ seed: 1 });
    expect([...critic.weights].map(([name, v]) => `${name} ${v.shape.join('×')}`)).toEqual([
      'conv0/x-filter 5×5×1×64',
      'conv0/y-filter 5×5×1×64',
      'conv0/bias 64',
      'conv1/filter 5×5×64×128',
      'conv1/bias 128',
      'dense0/kernel 6272×1024',
      'dense0/bias 1024',
      'dense1/kernel 1024×1',
      'dense1/bias 1',
    ]);
    critic.dispose();
  });

  it('takes one SGD step at MNIST size on the active backend (wasm needs Conv2DBackpropFilter)', () => {
    const critic = cnnCritic({ seed: 2 });
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const y = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4);
    const optimizer = tf.train.sgd(0.01);
    const filter = critic.weights.get('conv0/x-filter')!;
    const before = filter.dataSync().slice();
    const numTensors = tf.memory().numTensors;
    const loss = optimizer.minimize(
      () => {
        // A DV-style loss: −(mean of the joint pairs − log mean exp of the scores).
        const s = critic.scores(x, y);
        return tf.neg(
          tf.sub(tf.div(tf.sum(tf.mul(s, tf.eye(2))), 2), tf.sub(tf.logSumExp(s), Math.log(4))),
        ) as tf.Scalar;
      },
      true,
      [...critic.trainableVariables],
    );
    expect(Number.isFinite(loss!.dataSync()[0])).toBe(true);
    loss!.dispose();
    expect(tf.memory().numTensors).toBe(numTensors);
    const after = filter.dataSync();
    expect(after.some((v, k) => v !== before[k])).toBe(true);
    optimizer.dispose();
    tf.dispose([x, y]);
    critic.dispose();
  });

  it('takes CIFAR-10 images (32 × 32 × 3) and rejects options that shrink images to nothing', () => {
    const critic = cnnCritic({
      height: 32,
      width: 32,
      xChannels: 3,
      yChannels: 3,
      filters: [2, 2],
      denseUnits: [4],
      seed: 1,
    });
    expect(critic.weights.get('dense0/kernel')!.shape).toEqual([8 * 8 * 2, 4]);
    const images = tf.zeros([2, 32, 32, 3]);
    const scores = critic.scores(images, images);
    expect(scores.shape).toEqual([2, 2]);
    tf.dispose([images, scores]);
    critic.dispose();
    expect(() => cnnCritic({ height: 4, width: 4, filters: [2, 2, 2, 2], padding: 0 })).toThrow(
      "cnnCritic: invalid option 'filters'",
    );
  });

  it("separable head: one encoder per side with the pair head's layout, S = G·Hᵀ", () => {
    const critic = cnnCritic({ head: 'separable', embeddingSize: 8, seed: 1 });
    expect([...critic.weights].map(([name, v]) => `${name} ${v.shape.join('×')}`)).toEqual([
      'g/conv0/filter 5×5×1×64',
      'g/conv0/bias 64',
      'g/conv1/filter 5×5×64×128',
      'g/conv1/bias 128',
      'g/dense0/kernel 6272×1024',
      'g/dense0/bias 1024',
      'g/dense1/kernel 1024×8',
      'g/dense1/bias 8',
      'h/conv0/filter 5×5×1×64',
      'h/conv0/bias 64',
      'h/conv1/filter 5×5×64×128',
      'h/conv1/bias 128',
      'h/dense0/kernel 6272×1024',
      'h/dense0/bias 1024',
      'h/dense1/kernel 1024×8',
      'h/dense1/bias 8',
    ]);
    expect(critic.getConfig().config).toMatchObject({ head: 'separable', embeddingSize: 8 });
    critic.dispose();
    // The pair head keeps its config without an embedding size.
    const pair = cnnCritic({ height: 8, width: 8, filters: [2], denseUnits: [], seed: 1 });
    expect(pair.getConfig().config['head']).toBe('pair');
    expect(pair.getConfig().config['embeddingSize']).toBeUndefined();
    pair.dispose();
    expect(() => cnnCritic({ head: 'joint' as never })).toThrow("cnnCritic: invalid option 'head'");
  });
});
