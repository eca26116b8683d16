import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { measureTrainingStep, perfStepFlops } from './measure-training-step';
import { pytorchStepFlops } from './pytorch-reference';

describe('measureTrainingStep', () => {
  it('runs warm-up, timed and profiled steps of the separable critic and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const result = await measureTrainingStep({
      critic: 'separable',
      backend: 'cpu',
      bound: 'nwj',
      warmupSteps: 1,
      timedSteps: 2,
      seed: 3,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('measured');
    expect(result.timedSteps).toBe(2);
    expect(result.flopsPerStep).toBe(3 * 20_447_232);
    // The step leaves only the variables and Adam's two moments per variable behind.
    expect(result.leakedTensorsPerStep).toBe(0);
    const variables = result.details?.['variables'] as number;
    expect(variables).toBe(12); // g and h: three dense layers each, kernel + bias
    expect(result.details?.['parameters']).toBe(
      2 * (20 * 256 + 256 + 256 * 256 + 256 + 256 * 32 + 32),
    );
    expect(result.tensorsAfter! - before).toBeGreaterThanOrEqual(3 * variables);
    expect(result.profile!.kernels).toBeGreaterThan(50);
    expect(result.profile!.peakTensors).toBeGreaterThan(result.tensorsAfter!);
    expect(Number.isFinite(result.details?.['lastLoss'] as number)).toBe(true);
    // Adam updates every variable element-wise: several kernels per variable.
    const phases = result.phases!;
    expect(phases.repetitions).toBe(1); // one repetition per phase on cpu
    expect(phases.optimizer.kernels).toBeGreaterThanOrEqual(5 * variables);
    expect(phases.forward.kernels).toBeGreaterThan(0);
    expect(phases.backward.kernels).toBeGreaterThan(phases.forward.kernels);
    expect(
      phases.forward.kernels + phases.backward.kernels + phases.optimizer.kernels,
    ).toBeLessThanOrEqual(result.profile!.kernels);
  });
});

describe('step FLOPs', () => {
  it('counts PyTorch’s tiled joint first layer and our split one', () => {
    expect(perfStepFlops('joint')).toBe(3 * 540_278_784);
    expect(pytorchStepFlops('joint')).toBe(3 * 622_854_144);
    expect(pytorchStepFlops('cnn')).toBe(perfStepFlops('cnn'));
  });
});
