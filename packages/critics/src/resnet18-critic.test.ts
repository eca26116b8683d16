import { resnet18Critic } from '@mi/critics';
import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const count = (variables: readonly tf.Variable[]) => variables.reduce((s, v) => s + v.size, 0);

describe('resnet18Critic', () => {
  it('has 11,173,962 trainable parameters with the SLB head on CIFAR-10', () => {
    // conv k×k×in×out has k²·in·out weights (no bias: batch norm follows); each batch norm has
    // γ and β (2·channels trainable) and two moving statistics (2·channels, not trainable).
    //   stem:   3·3·3·64 = 1,728 + BN 128                                          =     1,856
    //   stage1: 2 blocks × (2 · 3·3·64·64 = 73,728 + 2 BN 256)                      =   147,968
    //   stage2: block1 3·3·64·128 + 3·3·128·128 + 1·1·64·128 = 229,376 + 3 BN 768
    //           block2 2 · 147,456 + 2 BN 512 = 295,424                             =   525,568
    //   stage3: block1 294,912 + 589,824 + 32,768 + 3 BN 1,536 = 919,040
    //           block2 2 · 589,824 + 1,024 = 1,180,672                              = 2,099,712
    //   stage4: block1 1,179,648 + 2,359,296 + 131,072 + 3 BN 3,072 = 3,673,088
    //           block2 2 · 2,359,296 + 2,048 = 4,720,640                            = 8,393,728
    //   head:   512·10 + 10                                                         =     5,130
    //   total                                                                       = 11,173,962
    // Moving statistics: 2 · (64 + 4·64 + 5·128 + 5·256 + 5·512) = 2 · 4,800 = 9,600.
    const critic = resnet18Critic({ head: 'slb', classes: 10, seed: 1 });
    expect(count(critic.trainableVariables)).toBe(11_173_962);
    expect(count(critic.nonTrainableVariables)).toBe(9_600);
    critic.dispose();
  });

  it('has 11,171,073 parameters with the pair head on 3 + 3 channels (stem 3·3·6·64, head 512 + 1)', () => {
    const critic = resnet18Critic({ seed: 1 });
    expect(count(critic.trainableVariables)).toBe(11_173_962 - 1_728 - 5_130 + 3_456 + 513);
    critic.dispose();
  });

  const small = { height: 4, width: 4, xChannels: 1, widths: [2, 2, 4, 4] };

  it('scores SLB pairs as S[i][j] = f(x_i)[label_j] and CLB pairs as f(x_i)·f(y_j)', () => {
    const slb = resnet18Critic({ ...small, head: 'slb', classes: 3, seed: 2 });
    slb.setTraining(false);
    const x = tf.randomNormal([4, 4, 4, 1], 0, 1, 'float32', 3);
    const labels = [2, 0, 1, 2];
    const f = slb.embed(x).arraySync();
    const s = slb.scores(x, tf.tensor1d(labels, 'int32'));
    expectAllClose(
      s,
      f.flatMap((row) => labels.map((label) => row[label]!)),
    );
    const clb = resnet18Critic({ ...small, head: 'clb', embeddingSize: 3, seed: 2 });
    clb.setTraining(false);
    const y = tf.randomNormal([4, 4, 4, 1], 0, 1, 'float32', 4);
    const fx = clb.embed(x).arraySync();
    const fy = clb.embed(y).arraySync();
    const c = clb.scores(x, y);
    expectAllClose(
      c,
      fx.flatMap((a) => fy.map((b) => a.reduce((sum, v, k) => sum + v * b[k]!, 0))),
      { atol: 1e-5, rtol: 1e-4 },
    );
    tf.dispose([x, y, s, c]);
    slb.dispose();
    clb.dispose();
  });

  it('updates the batch-norm moving statistics in training mode only', () => {
    const critic = resnet18Critic({ ...small, yChannels: 1, seed: 5 });
    const mean = critic.weights.get('stem/bn/moving-mean')!;
    const x = tf.randomNormal([2, 4, 4, 1], 3, 1, 'float32', 6);
    critic.setTraining(false);
    tf.dispose(critic.scores(x, x));
    expectAllClose(mean, [0, 0]);
    critic.setTraining(true);
    tf.dispose(critic.scores(x, x));
    expect(Array.from(mean.dataSync()).some((v) => v !== 0)).toBe(true);
    tf.dispose(x);
    critic.dispose();
  });

  it("rejects embed on the pair head and 'clb' with different channel counts", () => {
    const critic = resnet18Critic({ ...small, yChannels: 1, seed: 5 });
    expect(() => critic.embed(tf.zeros([1, 4, 4, 1]))).toThrow(
      "resnet18.embed: invalid option 'head'",
    );
    critic.dispose();
    expect(() => resnet18Critic({ head: 'clb', xChannels: 3, yChannels: 1 })).toThrow(
      "resnet18Critic: invalid option 'yChannels': expected xChannels (3)",
    );
  });
});
