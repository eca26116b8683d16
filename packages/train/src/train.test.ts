import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infoNCE, mine, minee, nwj } from '@mi/bounds';
import { jointCritic, mineeCritic, separableCritic } from '@mi/critics';
import { correlatedGaussian, gaussianStaircase, mixedGaussian, sampleDataset } from '@mi/datasets';
import { train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mi-train-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('train converges on small Gaussians (MI = 1 nat, d = 5)', () => {
  it('separable critic + InfoNCE: macro average within 0.15 nats of the truth', async () => {
    const data = correlatedGaussian({ dimension: 5, mi: 1 });
    const critic = separableCritic({
      xFeatures: 5,
      yFeatures: 5,
      hiddenUnits: [32],
      embeddingSize: 16,
      seed: 1,
    });
    const result = await train({
      critic,
      bound: infoNCE(),
      data,
      steps: 600,
      batchSize: 64,
      seed: 1,
      optimizer: { kind: 'adam', learningRate: 3e-3 },
      windowSize: 200,
    });
    critic.dispose();
    expect(result.estimateKind).toBe('macro');
    expect(result.ceiling).toBeCloseTo(Math.log(64), 10);
    // InfoNCE is biased low by a few hundredths at I = 1, n = 64; 200-batch average noise ~0.02.
    expect(Math.abs(result.estimate - 1), `estimate ${result.estimate}`).toBeLessThan(0.15);
    expect(result.flags).not.toContain('diverged');
  });

  it('joint critic + NWJ: macro average within 0.2 nats of the truth', async () => {
    const data = correlatedGaussian({ dimension: 5, mi: 1 });
    const critic = jointCritic({ xFeatures: 5, yFeatures: 5, hiddenUnits: [32, 32], seed: 2 });
    const result = await train({
      critic,
      bound: nwj(),
      data,
      steps: 500,
      batchSize: 32,
      seed: 2,
      optimizer: { kind: 'adam', learningRate: 3e-3 },
      windowSize: 200,
    });
    critic.dispose();
    expect(result.estimateKind).toBe('macro');
    expect(Math.abs(result.estimate - 1), `estimate ${result.estimate}`).toBeLessThan(0.2);
  });
});

describe('schedules, finite data and early stopping', () => {
  it('follows the staircase: the sampler and the true MI change at each level', async () => {
    const stairs = gaussianStaircase({ dimension: 3, levels: [1, 2, 3], stepsPerLevel: 4 });
    const critic = separableCritic({
      xFeatures: 3,
      yFeatures: 3,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 3,
    });
    const result = await train({
      critic,
      bound: nwj(),
      data: stairs.samplerAt(0),
      schedule: stairs.schedule,
      steps: stairs.totalSteps,
      batchSize: 8,
      seed: 3,
    });
    critic.dispose();
    expect(Array.from(result.traces.trueMI)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(result.steps).toBe(12);
  });

  it('stops early on a held-out estimate that stops improving, and reports best and final', async () => {
    // Independent x and y: MI = 0, so the held-out estimate cannot keep improving.
    const data = sampleDataset(correlatedGaussian({ dimension: 2, rho: 0 }), {
      size: 160,
      seed: 4,
    });
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 4,
    });
    const result = await train({
      critic,
      bound: nwj(),
      data,
      epochs: 200,
      batchSize: 16,
      seed: 4,
      validation: { fraction: 0.25, every: 4, patience: 3 },
    });
    critic.dispose();
    expect(result.stopReason).toBe('early-stopping');
    expect(result.steps).toBeLessThan(200 * Math.floor(120 / 16));
    expect(result.estimateKind).toBe('validationFinal');
    const history = result.validationHistory.map((v) => v.estimate);
    expect(result.estimates.validationBest).toBe(Math.max(...history));
    expect(result.estimates.validationFinal).toBe(history.at(-1));
    // Patience 3: the last three evaluations did not beat the best before them.
    const best = Math.max(...history.slice(0, -3));
    for (const value of history.slice(-3)) expect(value).toBeLessThanOrEqual(best);
    expect(result.flags).not.toContain('early-stopping-not-triggered');
  });

  it('flags early stopping that never triggered', async () => {
    const data = sampleDataset(correlatedGaussian({ dimension: 2, mi: 0.5 }), {
      size: 64,
      seed: 5,
    });
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 5,
    });
    const result = await train({
      critic,
      bound: infoNCE(),
      data,
      epochs: 2,
      batchSize: 16,
      seed: 5,
      validation: { fraction: 0.25, patience: 50 },
    });
    critic.dispose();
    expect(result.stopReason).toBe('completed');
    expect(result.epochs).toBe(1);
    expect(result.flags).toContain('early-stopping-not-triggered');
  });
});

describe('checkpoints and resume', () => {
  it('continues bit-for-bit like the uninterrupted run (same seed)', async () => {
    const make = () =>
      separableCritic({ xFeatures: 3, yFeatures: 3, hiddenUnits: [8], embeddingSize: 4, seed: 6 });
    const data = correlatedGaussian({ dimension: 3, mi: 1 });
    const common = { bound: mine({ decay: 0.1 }), data, batchSize: 8, seed: 6 } as const;
    const straight = make();
    const full = await train({ ...common, critic: straight, steps: 20 });
    const checkpointDir = join(directory, 'resume');
    const first = make();
    await train({
      ...common,
      critic: first,
      steps: 10,
      checkpoint: { directory: checkpointDir, every: 5 },
    });
    first.dispose();
    const resumed = make();
    const rest = await train({ ...common, critic: resumed, steps: 20, resumeFrom: checkpointDir });
    expect(Array.from(rest.estimates.perBatch)).toEqual(Array.from(full.estimates.perBatch));
    for (let k = 0; k < straight.trainableVariables.length; k++) {
      expect(Array.from(resumed.trainableVariables[k]!.dataSync())).toEqual(
        Array.from(straight.trainableVariables[k]!.dataSync()),
      );
    }
    straight.dispose();
    resumed.dispose();
  });

  it('resumes a dataset run with validation, a test split and patience bit for bit', async () => {
    const make = () => separableCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [8], seed: 8 });
    const data = sampleDataset(correlatedGaussian({ dimension: 2, mi: 1 }), { size: 160, seed: 8 });
    const common = {
      bound: infoNCE(),
      data,
      batchSize: 8,
      seed: 8,
      validation: { fraction: 0.25, testFraction: 0.25, every: 4, patience: 50 },
    } as const;
    const straight = make();
    const full = await train({ ...common, critic: straight, steps: 40 });
    const checkpointDir = join(directory, 'resume-dataset');
    const first = make();
    await train({
      ...common,
      critic: first,
      steps: 20,
      checkpoint: { directory: checkpointDir, every: 20 },
    });
    first.dispose();
    const resumed = make();
    const rest = await train({ ...common, critic: resumed, steps: 40, resumeFrom: checkpointDir });
    expect(rest.validationHistory).toEqual(full.validationHistory);
    expect(rest.estimates.bestStep).toBe(full.estimates.bestStep);
    expect(rest.estimateKind).toBe('test');
    expect(rest.estimate).toBe(full.estimate);
    for (let k = 0; k < straight.trainableVariables.length; k++) {
      expect(Array.from(resumed.trainableVariables[k]!.dataSync())).toEqual(
        Array.from(straight.trainableVariables[k]!.dataSync()),
      );
    }
    straight.dispose();
    resumed.dispose();
  });

  it('detects a damaged weights file by its checksum', async () => {
    const critic = separableCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [4], seed: 9 });
    const data = correlatedGaussian({ dimension: 2, mi: 1 });
    const checkpointDir = join(directory, 'damaged');
    await train({
      critic,
      bound: nwj(),
      data,
      batchSize: 8,
      steps: 2,
      checkpoint: { directory: checkpointDir, every: 2 },
    });
    const weightsFile = join(checkpointDir, 'weights-2.bin');
    const bytes = await readFile(weightsFile);
    bytes[5] = (bytes[5] as number) ^ 0xff;
    await writeFile(weightsFile, bytes);
    await expect(
      train({
        critic,
        bound: nwj(),
        data,
        batchSize: 8,
        steps: 4,
        resumeFrom: checkpointDir,
      }),
    ).rejects.toThrow(
      'the weights do not match the checksum in checkpoint.json (the file is damaged)',
    );
    critic.dispose();
  });

  it('refuses a checkpoint of another bound', async () => {
    const critic = separableCritic({
      xFeatures: 3,
      yFeatures: 3,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 6,
    });
    const data = correlatedGaussian({ dimension: 3, mi: 1 });
    // Its own checkpoint (a MINE run), so that the test does not rely on another test's files.
    const checkpointDir = join(directory, 'other-bound');
    await train({
      critic,
      bound: mine(),
      data,
      batchSize: 8,
      steps: 2,
      checkpoint: { directory: checkpointDir, every: 2 },
    });
    await expect(
      train({
        critic,
        bound: nwj(),
        data,
        batchSize: 8,
        steps: 20,
        resumeFrom: checkpointDir,
      }),
    ).rejects.toThrow(
      "train: invalid option 'resumeFrom': expected a checkpoint of a run with bound 'nwj' (it holds 'mine')",
    );
    critic.dispose();
  });
});

describe('failure handling', () => {
  it('stops a diverging run with the step and the last finite estimate, never returning NaN', async () => {
    const critic = separableCritic({
      xFeatures: 3,
      yFeatures: 3,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 7,
    });
    const result = await train({
      critic,
      bound: nwj(),
      data: correlatedGaussian({ dimension: 3, mi: 2 }),
      steps: 200,
      batchSize: 8,
      seed: 7,
      optimizer: { kind: 'sgd', learningRate: 50 },
    });
    critic.dispose();
    expect(result.stopReason).toBe('non-finite');
    expect(result.flags).toContain('diverged');
    expect(result.nonFinite?.step).toBe(result.steps);
    expect(result.nonFinite?.lastFiniteEstimate).toBe(result.estimates.perBatch.at(-1));
    expect(result.nonFinite?.reason).toContain("bound 'nwj'");
    expect(Number.isFinite(result.estimate)).toBe(true);
  });

  /** NWJ on a tiny separable critic, aborted by its signal during step 4. */
  async function abortedAfterFiveSteps(
    options: Pick<Parameters<typeof train>[0], 'data' | 'batchSize' | 'validation'>,
  ) {
    const controller = new AbortController();
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [4],
      embeddingSize: 2,
      seed: 8,
    });
    const result = await train({
      critic,
      bound: nwj(),
      steps: 1000,
      ...options,
      signal: controller.signal,
      callbacks: {
        onStep: ({ step }) => {
          if (step === 4) controller.abort();
        },
      },
    });
    critic.dispose();
    return result;
  }

  it('stops when aborted', async () => {
    const result = await abortedAfterFiveSteps({
      data: correlatedGaussian({ dimension: 2, mi: 1 }),
      batchSize: 4,
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.steps).toBe(5);
    expect(result.flags).toContain('aborted');
  });

  it('skips the closing held-out passes when aborted, so it stops within a step', async () => {
    const result = await abortedAfterFiveSteps({
      data: sampleDataset(correlatedGaussian({ dimension: 2, mi: 1 }), { size: 200, seed: 8 }),
      batchSize: 8,
      validation: { fraction: 0.2, testFraction: 0.2, every: 3 },
    });
    expect(result.stopReason).toBe('aborted');
    // The evaluation due at step 3 ran; neither the final one at step 5 nor the test pass did.
    expect(result.validationHistory.map((v) => v.step)).toEqual([3]);
    expect(result.estimates.test).toBeUndefined();
  });

  it('rejects bad options with typed errors', async () => {
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [4],
      embeddingSize: 2,
      seed: 9,
    });
    const data = correlatedGaussian({ dimension: 2, mi: 1 });
    const small = sampleDataset(data, { size: 10, seed: 1 });
    const base = { critic, bound: nwj(), data } as const;
    await expect(train({ ...base, batchSize: 1, steps: 1 })).rejects.toThrow(
      "train: invalid option 'batchSize': expected an integer >= 2, received 1",
    );
    await expect(train({ ...base, batchSize: 4 })).rejects.toThrow(
      "train: invalid option 'steps': expected steps (or epochs, for a finite dataset), received undefined",
    );
    await expect(train({ ...base, batchSize: 4, epochs: 2 })).rejects.toThrow(
      "invalid option 'epochs'",
    );
    await expect(train({ ...base, data: small, batchSize: 16, steps: 2 })).rejects.toThrow(
      "train: invalid option 'batchSize': expected at most the 10 training rows of dataset",
    );
    await expect(train({ ...base, bound: minee(), batchSize: 4, steps: 2 })).rejects.toThrow(
      "expected a critic that provides 'entropic' (bound 'minee' requires it): one with boundInputs()",
    );
    critic.dispose();
  });
});

describe('diagnostics and logs', () => {
  it('records the two terms, histograms at chosen steps, ceilings and a JSONL log', async () => {
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [8],
      embeddingSize: 4,
      seed: 10,
    });
    const logFile = join(directory, 'log', 'steps.jsonl');
    const result = await train({
      critic,
      bound: infoNCE(),
      data: correlatedGaussian({ dimension: 2, mi: 1 }),
      steps: 30,
      batchSize: 8,
      seed: 10,
      histogramSteps: [0, 29],
      histogramBins: 5,
      logFile,
    });
    critic.dispose();
    expect(result.traces.joint.length).toBe(30);
    for (let k = 0; k < 30; k++) {
      expect(result.traces.estimate[k]).toBeCloseTo(
        (result.traces.joint[k] as number) - (result.traces.logPartition[k] as number),
        4,
      );
    }
    expect(result.histograms.map((h) => h.step)).toEqual([0, 29]);
    const histogram = result.histograms[0]!;
    expect(histogram.joint.reduce((a, b) => a + b, 0)).toBe(8);
    expect(histogram.marginal.reduce((a, b) => a + b, 0)).toBe(56);
    const lines = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(30);
    expect(lines[3].step).toBe(3);
    expect(lines[3].estimate).toBeCloseTo(result.traces.estimate[3] as number, 5);
  });
});

describe('memory', () => {
  const cases = [
    [
      'separable + infonce',
      () =>
        separableCritic({
          xFeatures: 2,
          yFeatures: 2,
          hiddenUnits: [4],
          embeddingSize: 2,
          seed: 11,
        }),
      () => infoNCE(),
    ],
    [
      'joint + mine (stateful)',
      () => jointCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [4], seed: 12 }),
      () => mine(),
    ],
    [
      'minee critic + minee (reference samples)',
      () =>
        mineeCritic({ xFeatures: 1, yFeatures: 1, hiddenUnits: [4], referenceFactor: 2, seed: 13 }),
      () => minee(),
    ],
  ] as const;
  it.each(
    cases,
  )('%s: the same tensor count after step 10 and step 1000', async (_name, makeCritic, makeBound) => {
    const critic = makeCritic();
    const counts = new Map<number, number>();
    const data = _name.startsWith('minee')
      ? mixedGaussian({ rho: 0.9 })
      : correlatedGaussian({ dimension: 2, mi: 1 });
    await train({
      critic,
      bound: makeBound(),
      data,
      steps: 1000,
      batchSize: 4,
      seed: 14,
      callbacks: {
        onStep: ({ step }) => {
          if (step === 10 || step === 999) counts.set(step, tf.memory().numTensors);
        },
      },
    });
    expect(counts.get(999)).toBe(counts.get(10));
    critic.dispose();
  });
});

describe('observing scores', () => {
  it('hands the batch and the score matrix to the callback every k steps', async () => {
    const critic = separableCritic({
      xFeatures: 2,
      yFeatures: 2,
      hiddenUnits: [4],
      embeddingSize: 2,
      seed: 15,
    });
    const seen: { step: number; n: number; x: number; scores: number }[] = [];
    const before = tf.memory().numTensors;
    await train({
      critic,
      bound: nwj(),
      data: correlatedGaussian({ dimension: 2, mi: 1 }),
      steps: 7,
      batchSize: 3,
      seed: 15,
      observe: {
        every: 3,
        callback: (o) => {
          seen.push({ step: o.step, n: o.n, x: o.x.length, scores: o.scores.length });
        },
      },
    });
    expect(seen).toEqual([
      { step: 0, n: 3, x: 6, scores: 9 },
      { step: 3, n: 3, x: 6, scores: 9 },
      { step: 6, n: 3, x: 6, scores: 9 },
    ]);
    // Nothing of the run is left: only the critic's own variables, until it is disposed.
    expect(tf.memory().numTensors).toBe(before);
    critic.dispose();
  });
});

describe('bounds that read only the shifted pairs', () => {
  const run = async (options: { histogramSteps?: number[] }) => {
    const critic = jointCritic({ xFeatures: 1, yFeatures: 1, hiddenUnits: [6], seed: 21 });
    const calls = { scores: 0, shiftedPairs: 0 };
    const scores = critic.scores.bind(critic);
    const shiftedPairs = critic.shiftedPairs.bind(critic);
    critic.scores = (x, y) => {
      calls.scores += 1;
      return scores(x, y);
    };
    critic.shiftedPairs = (x, y) => {
      calls.shiftedPairs += 1;
      return shiftedPairs(x, y);
    };
    const before = tf.memory().numTensors;
    const result = await train({
      critic,
      bound: mine({ marginals: 'shifted' }),
      data: sampleDataset(mixedGaussian({ rho: 0.9 }), { size: 40, seed: 3 }),
      steps: 6,
      batchSize: 8,
      seed: 21,
      validation: { fraction: 0.25 },
      ...options,
    });
    expect(tf.memory().numTensors).toBe(before);
    critic.dispose();
    return { calls, estimates: result.traces.estimate, heldOut: result.estimates };
  };

  it('train 2n pairs per step instead of n² with the same estimates, and score the matrix when histograms need it', async () => {
    const pairs = await run({});
    expect(pairs.calls.scores).toBe(0);
    // Six steps, and the held-out passes.
    expect(pairs.calls.shiftedPairs).toBeGreaterThanOrEqual(6);
    // A histogram step past the end: every training step scores the matrix (the held-out passes,
    // which keep no scores, still read only the pairs), and nothing else changes.
    const matrix = await run({ histogramSteps: [1000] });
    expect(matrix.calls.scores).toBe(6);
    expect(matrix.calls.shiftedPairs).toBe(pairs.calls.shiftedPairs - 6);
    expect(matrix.heldOut.validationFinal).toBeCloseTo(pairs.heldOut.validationFinal as number, 5);
    expect(pairs.estimates).toHaveLength(6);
    for (const [k, value] of pairs.estimates.entries()) {
      expect(value).toBeCloseTo(matrix.estimates[k] as number, 5);
    }
  });
});
