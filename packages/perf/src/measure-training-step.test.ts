import {
  createCriticRegistry,
  type JointCriticOptions,
  jointCritic,
  jointCriticPlugin,
} from '@mi/critics';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { measureTrainingStep, perfStepFlops } from './measure-training-step';
import { pytorchStepFlops } from './pytorch-reference';

describe('measureTrainingStep', () => {
  it('times the compiled graph on tfjs-node once it is checked, and says how each step ran', async () => {
    const before = tf.memory().numTensors;
    const result = await measureTrainingStep({
      critic: 'separable',
      backend: 'cpu',
      bound: 'infonce',
      warmupSteps: 4,
      timedSteps: 2,
      seed: 3,
      phases: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.leakedTensorsPerStep).toBe(0);
    if (tf.getBackend() === 'tensorflow') {
      expect(result.details).toMatchObject({ execution: 'graph', optimizerInGraph: true });
      expect(result.details?.['graphOps']).toBeGreaterThan(20);
      expect(result.profile!.kernels).toBeLessThan(10);
    } else {
      expect(result.details?.['execution']).toBe('eager');
      expect(result.details?.['eagerReason']).toMatch(/graphs run on tfjs-node/);
    }
  });

  it('runs warm-up, timed and profiled steps of the separable critic and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const result = await measureTrainingStep({
      critic: 'separable',
      backend: 'cpu',
      bound: 'nwj',
      warmupSteps: 1,
      timedSteps: 2,
      seed: 3,
      // The eager step, whose kernels the counts below describe (on tfjs-node the compiled
      // graph's steps run a handful of kernels; see the next test).
      graph: false,
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
    // The variables, Adam's two β powers and its state: two flat moment buffers, or on
    // tfjs-node the handles of TensorFlow's three resource variables (values, m, v).
    const optimizerState = tf.getBackend() === 'tensorflow' ? 3 : 2;
    expect(result.tensorsAfter! - before).toBe(variables + 2 + optimizerState);
    expect(result.profile!.kernels).toBeGreaterThan(50);
    expect(result.profile!.peakTensors).toBeGreaterThan(result.tensorsAfter!);
    expect(Number.isFinite(result.details?.['lastLoss'] as number)).toBe(true);
    // The flat Adam: one kernel whatever the number of variables.
    const phases = result.phases!;
    expect(phases.repetitions).toBe(1); // one repetition per phase on cpu
    expect(phases.optimizer.kernels).toBe(1);
    expect(phases.forward.kernels).toBeGreaterThan(0);
    expect(phases.backward.kernels).toBeGreaterThan(phases.forward.kernels);
    expect(
      phases.forward.kernels + phases.backward.kernels + phases.optimizer.kernels,
    ).toBeLessThanOrEqual(result.profile!.kernels);
  });
});

describe('measureTrainingStep on sampled negatives', () => {
  it('trains the joint critic on each row’s pair and k partners (InfoNCE over k + 1)', async () => {
    // A small joint critic in place of the built-in one (the registry is the harness's seam).
    const critics = createCriticRegistry().with(
      {
        ...jointCriticPlugin,
        create: (options: JointCriticOptions) => jointCritic({ ...options, hiddenUnits: [8, 8] }),
      },
      { override: true },
    );
    const before = tf.memory().numTensors;
    const result = await measureTrainingStep({
      critic: 'joint-k64',
      n: 128,
      registries: { critics },
      backend: 'cpu',
      bound: 'infonce',
      warmupSteps: 1,
      timedSteps: 1,
      seed: 1,
      phases: false,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('measured');
    expect(result.n).toBe(128);
    expect(result.phases).toBeUndefined();
    expect(result.leakedTensorsPerStep).toBe(0);
    // At initialisation the loss is near −(log(k + 1) − log(k + 1)) = 0, within the critic's spread.
    expect(Math.abs(result.details?.['lastLoss'] as number)).toBeLessThan(1);
    expect(result.details?.['bound']).toBe('infonce over 64 sampled negatives (harness step)');
    // The count is the benchmark's network: 2n·(dx + dy)·h₁ + 2·n·65·(h₁h₂ + h₂), times three.
    expect(result.flopsPerStep).toBe(3 * (2 * 128 * 40 * 256 + 2 * 128 * 65 * (256 * 256 + 256)));
  });
});

describe('step FLOPs', () => {
  it('counts PyTorch’s tiled joint first layer and our split one', () => {
    expect(perfStepFlops('joint')).toBe(3 * 540_278_784);
    expect(pytorchStepFlops('joint')).toBe(3 * 622_854_144);
    expect(pytorchStepFlops('cnn')).toBe(perfStepFlops('cnn'));
  });
});
