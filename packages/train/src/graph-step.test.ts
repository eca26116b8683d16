import { mine, nwj } from '@mi/bounds';
import { createRandom } from '@mi/core';
import { separableCritic } from '@mi/critics';
import { correlatedGaussian } from '@mi/datasets';
import type { Batch, BoundInputContext, Critic, OptimizerOptions } from '@mi/spec';
import { InvalidArgumentError, InvalidStateError } from '@mi/spec';
import { createTrainStep, type StepEvaluation, type StepExecution, train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// The compiled training step (tfjs-node) against the eager one, run side by side from the same
// weights and batches: every loss, estimate, weight and moment must be equal bit for bit, through
// the events a training loop meets (skipped steps, restored weights and moments, checkpoints,
// scores, stateful bounds). Off tfjs-node the step says why it stays eager.

const onTensorflow = tf.getBackend() === 'tensorflow';

const context: BoundInputContext = {
  requires: [],
  random: createRandom(5),
  dataBounds: () => {
    throw new Error('not used by these critics');
  },
};

/** Batch `k` of a seeded correlated pair (the same for both runs). */
function batchOf(k: number): Batch {
  return tf.tidy(() => {
    const x = tf.randomNormal([16, 3], 0, 1, 'float32', 100 + k);
    const noise = tf.randomNormal([16, 3], 0, 1, 'float32', 200 + k);
    return { x, y: tf.add(tf.mul(x, 0.8), tf.mul(noise, 0.6)) };
  });
}

/** x of one other batch with y of another: a resampled marginal sample for step `k`. */
function marginalOf(k: number): { x: tf.Tensor; y: tf.Tensor } {
  const forX = batchOf(1000 + k);
  const forY = batchOf(2000 + k);
  tf.dispose([forX.y, forY.x]);
  return { x: forX.x, y: forY.y };
}

const criticOf = () =>
  separableCritic({ xFeatures: 3, yFeatures: 3, hiddenUnits: [8], embeddingSize: 4, seed: 11 });

/** What one step of a run gave, as plain numbers. */
interface Record {
  loss: number;
  estimate: number;
  scores?: number[];
}

/** Events of a scripted run, by step (from 0). */
interface Script {
  /** Steps whose evaluation is discarded (a non-finite step skipped by the loop). */
  readonly discard?: readonly number[];
  /** Steps whose scores are kept. */
  readonly keepScores?: readonly number[];
  /** Before this step: the weights and moments of `snapshotAt` restored (a resumed checkpoint). */
  readonly restoreAt?: number;
  readonly snapshotAt?: number;
}

/** Trains a fresh critic for `steps` steps; returns the records, weights, moments, execution. */
async function scripted(
  graph: boolean,
  steps: number,
  options: {
    bound?: () => ReturnType<typeof mine>;
    optimizer?: OptimizerOptions;
    script?: Script;
    critic?: () => Critic;
    /** Give every batch a resampled marginal sample (`marginalPairs: 'resampled'`). */
    marginal?: boolean;
  } = {},
) {
  const critic = (options.critic ?? criticOf)();
  const bound = (options.bound ?? (() => mine()))();
  const step = createTrainStep({ critic, bound, optimizer: options.optimizer, graph });
  const script = options.script ?? {};
  let state = bound.initialState();
  const records: Record[] = [];
  const executions: StepExecution[] = [];
  let snapshot:
    | { weights: tf.Tensor[]; moments: Awaited<ReturnType<tf.Optimizer['getWeights']>> }
    | undefined;
  const variables = critic.trainableVariables as tf.Variable[];
  for (let k = 0; k < steps; k++) {
    if (k === script.restoreAt && snapshot !== undefined) {
      variables.forEach((v, i) => {
        v.assign(snapshot?.weights[i] as tf.Tensor);
      });
      await step.optimizer.setWeights(snapshot.moments);
    }
    const plain = batchOf(k);
    const batch: Batch = options.marginal ? { ...plain, marginal: marginalOf(k) } : plain;
    const keepScores = script.keepScores?.includes(k) ?? false;
    const evaluation = step.evaluate(state, batch, context, { keepScores });
    const record: Record = {
      loss: evaluation.loss.dataSync()[0] as number,
      estimate: evaluation.estimate.dataSync()[0] as number,
    };
    if (evaluation.scores !== undefined) record.scores = Array.from(evaluation.scores.dataSync());
    records.push(record);
    if (script.discard?.includes(k)) {
      step.discard(evaluation);
    } else {
      step.update(evaluation);
      tf.dispose([evaluation.loss, evaluation.estimate, evaluation.joint, evaluation.logPartition]);
      if (evaluation.scores) evaluation.scores.dispose();
      tf.dispose(Object.values(state));
      state = evaluation.state;
    }
    tf.dispose([batch.x, batch.y]);
    if (batch.marginal) tf.dispose([batch.marginal.x, batch.marginal.y]);
    executions.push(step.execution);
    if (k === script.snapshotAt) {
      // Copies, as a checkpoint writes them (getWeights hands out the β powers themselves).
      const saved = await step.optimizer.getWeights();
      snapshot = {
        weights: variables.map((v) => v.clone()),
        moments: saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })),
      };
      tf.dispose(saved.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
    }
  }
  const weights = variables.map((v) => Array.from(v.dataSync()));
  const saved = await step.optimizer.getWeights();
  // Names without the critic's instance number (each run makes its own critic).
  const moments = saved.map(
    (w) => [w.name.replace(/-\d+\//, '/'), Array.from(w.tensor.dataSync())] as const,
  );
  // getWeights: the count and the moments read on tfjs-node are the caller's; β powers are not.
  tf.dispose(saved.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  if (snapshot !== undefined) {
    tf.dispose(snapshot.weights);
    tf.dispose(
      snapshot.moments.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor),
    );
  }
  tf.dispose(Object.values(state));
  step.dispose();
  critic.dispose();
  return {
    records,
    weights,
    moments,
    executions,
  };
}

/** Both runs, asserting bit-for-bit equality; returns the graph run. */
async function expectSameAsEager(steps: number, options: Parameters<typeof scripted>[2] = {}) {
  const eager = await scripted(false, steps, options);
  const compiled = await scripted(true, steps, options);
  expect(compiled.records).toEqual(eager.records);
  expect(compiled.weights).toEqual(eager.weights);
  expect(compiled.moments).toEqual(eager.moments);
  return compiled;
}

describe.runIf(onTensorflow)('the compiled training step on tfjs-node', () => {
  it('trains bit for bit as the eager step, with Adam and its moments in the session', async () => {
    const compiled = await expectSameAsEager(12);
    expect(compiled.executions.slice(0, 3).map((e) => e.mode)).toEqual(['eager', 'eager', 'eager']);
    expect(compiled.executions[3]).toMatchObject({ mode: 'graph', optimizerInGraph: false });
    expect(compiled.executions[11]).toMatchObject({ mode: 'graph', optimizerInGraph: true });
    expect(compiled.executions[11]?.graphOps).toBeGreaterThan(10);
  });

  it('feeds a resampled marginal sample to the graph as an input, not a constant', async () => {
    // A fresh sample every step: a graph that froze the first one would differ from step 4 on.
    const compiled = await expectSameAsEager(8, {
      bound: () => mine({ marginals: 'shifted' }),
      marginal: true,
    });
    expect(compiled.executions[7]).toMatchObject({ mode: 'graph', optimizerInGraph: true });
  });

  it('leaves weights and moments alone on a discarded step, as the eager loop does', async () => {
    await expectSameAsEager(10, { script: { discard: [3, 6, 7] } });
  });

  it('takes up weights assigned and moments restored between steps (a resumed checkpoint)', async () => {
    const compiled = await expectSameAsEager(12, { script: { snapshotAt: 5, restoreAt: 8 } });
    expect(compiled.executions[11]).toMatchObject({ mode: 'graph', optimizerInGraph: true });
  });

  it('keeps the score matrix when asked, equal to the eager one', async () => {
    const compiled = await expectSameAsEager(8, { script: { keepScores: [2, 6] } });
    expect(compiled.records[6]?.scores).toHaveLength(16 * 16);
  });

  it('runs SGD and clipped Adam eagerly after the compiled forward and backward pass', async () => {
    for (const optimizer of [
      { kind: 'sgd', learningRate: 0.05, momentum: 0.9 },
      { kind: 'adam', learningRate: 1e-3, clipGradientNorm: 0.5 },
    ] as const) {
      const compiled = await expectSameAsEager(8, { optimizer, bound: () => nwj() });
      expect(compiled.executions[7]).toMatchObject({ mode: 'graph', optimizerInGraph: false });
      expect(compiled.executions[7]?.optimizerReason).toMatch(/not Adam without clipping/);
    }
  });

  it('reads gradients from the session on access, until the next evaluate', () => {
    const critic = criticOf();
    const bound = nwj();
    const step = createTrainStep({ critic, bound });
    const eagerCritic = criticOf();
    const eagerStep = createTrainStep({ critic: eagerCritic, bound, graph: false });
    let last: StepEvaluation | undefined;
    for (let k = 0; k < 7; k++) {
      const batch = batchOf(k);
      const evaluation = step.evaluate({}, batch, context);
      const reference = eagerStep.evaluate({}, batch, context);
      if (k === 6) {
        expect(step.execution.optimizerInGraph).toBe(true);
        // The same variables of two critics, in the same order.
        const names = Object.keys(reference.gradients);
        const own = (critic.trainableVariables as tf.Variable[]).map((v) => v.name);
        expect(Object.keys(evaluation.gradients).sort()).toEqual([...own].sort());
        names.forEach((name, k) => {
          expect(
            Array.from((evaluation.gradients[own[k] as string] as tf.Tensor).dataSync()),
          ).toEqual(Array.from((reference.gradients[name] as tf.Tensor).dataSync()));
        });
        last = evaluation;
        step.update(evaluation);
      } else {
        step.update(evaluation);
      }
      eagerStep.update(reference);
      tf.dispose([evaluation.loss, evaluation.estimate, evaluation.joint, evaluation.logPartition]);
      tf.dispose([reference.loss, reference.estimate, reference.joint, reference.logPartition]);
      tf.dispose([batch.x, batch.y]);
    }
    // A later evaluate replaces the gradients the session held for an evaluation not yet read.
    const batch = batchOf(7);
    const first = step.evaluate({}, batch, context);
    const second = step.evaluate({}, batch, context);
    expect(() => first.gradients).toThrow(InvalidStateError);
    expect(() => step.update(first)).toThrow(/before evaluating the next step/);
    step.update(second);
    for (const e of [first, second]) tf.dispose([e.loss, e.estimate, e.joint, e.logPartition]);
    tf.dispose([batch.x, batch.y]);
    expect(last).toBeDefined();
    step.dispose();
    eagerStep.dispose();
    critic.dispose();
    eagerCritic.dispose();
  });

  it('refuses to apply a step twice, or after discarding it, naming why', () => {
    const critic = criticOf();
    const step = createTrainStep({ critic, bound: nwj() });
    const evaluations: StepEvaluation[] = [];
    for (let k = 0; k < 8; k++) {
      const batch = batchOf(k);
      const evaluation = step.evaluate({}, batch, context);
      evaluations.push(evaluation);
      if (k === 7) {
        expect(step.execution.optimizerInGraph).toBe(true);
        step.discard(evaluation);
        expect(() => step.update(evaluation)).toThrow(/already updated or discarded/);
      } else {
        step.update(evaluation);
        tf.dispose([
          evaluation.loss,
          evaluation.estimate,
          evaluation.joint,
          evaluation.logPartition,
        ]);
      }
      tf.dispose([batch.x, batch.y]);
    }
    expect(() => step.update(evaluations[6] as StepEvaluation)).toThrow(InvalidStateError);
    step.dispose();
    critic.dispose();
  });

  it('keeps the number of tensors flat across compiled steps', () => {
    const critic = criticOf();
    const bound = mine();
    const step = createTrainStep({ critic, bound });
    let state = bound.initialState();
    const counts: number[] = [];
    for (let k = 0; k < 12; k++) {
      const batch = batchOf(k);
      const out = step.run(state, batch, context);
      tf.dispose([out.loss, out.estimate, out.joint, out.logPartition, batch.x, batch.y]);
      tf.dispose(Object.values(state));
      state = out.state;
      counts.push(tf.memory().numTensors);
    }
    expect(step.execution.optimizerInGraph).toBe(true);
    expect(new Set(counts.slice(6)).size).toBe(1);
    tf.dispose(Object.values(state));
    step.dispose();
    critic.dispose();
  });

  it('stays eager for a critic that draws from the run’s random stream, and says so', async () => {
    const drawing = (): Critic => {
      const inner = criticOf();
      return Object.assign(Object.create(inner) as Critic, {
        boundInputs(batch: Batch, ctx: BoundInputContext) {
          ctx.random.uniform();
          return { scores: inner.scores(batch.x, batch.y) };
        },
        dispose: () => inner.dispose(),
      });
    };
    const compiled = await scripted(true, 5, { critic: drawing });
    expect(compiled.executions[4]).toMatchObject({ mode: 'eager' });
    expect(compiled.executions[4]?.reason).toMatch(/random stream/);
  });
});

describe.runIf(!onTensorflow)('the training step off tfjs-node', () => {
  it('stays eager and says why', async () => {
    const compiled = await scripted(true, 4);
    expect(compiled.executions[3]).toMatchObject({ mode: 'eager', optimizerInGraph: false });
    expect(compiled.executions[3]?.reason).toMatch(new RegExp(`backend is '${tf.getBackend()}'`));
    const off = await scripted(false, 1);
    expect(off.executions[0]?.reason).toBe('turned off');
  });
});

describe('train() and the compiled step', () => {
  it('refuses a graph option that is not a boolean, naming it', async () => {
    const critic = criticOf();
    await expect(
      train({
        critic,
        bound: nwj(),
        data: correlatedGaussian({ dimension: 3, mi: 1 }),
        steps: 2,
        batchSize: 8,
        graph: 'yes' as unknown as boolean,
      }),
    ).rejects.toThrow(InvalidArgumentError);
    critic.dispose();
  });

  it('reports how its last step ran', async () => {
    const critic = criticOf();
    const result = await train({
      critic,
      bound: nwj(),
      data: correlatedGaussian({ dimension: 3, mi: 1 }),
      steps: 6,
      batchSize: 8,
    });
    critic.dispose();
    expect(result.execution.mode).toBe(onTensorflow ? 'graph' : 'eager');
    expect(result.execution.optimizerInGraph).toBe(onTensorflow);
  });
});
