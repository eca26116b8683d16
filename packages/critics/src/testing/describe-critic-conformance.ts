import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRandom } from '@mi/core';
import { type Critic, InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { NeuralCritic, NeuralCriticPlugin } from '../neural-critic';
import { createCriticRegistry } from '../registry';

/** A batch of n pairs for a critic: x and y with n rows each. */
export interface CriticInputs {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor;
}

/**
 * How {@link describeCriticConformance} exercises a critic plugin. One entry per configuration;
 * the flags say which checks apply (each defaults to the behaviour every built-in has).
 */
export interface CriticConformanceOptions<Options> {
  /** Options passed to `plugin.create`; the suite adds `seed`. Keep the network tiny. */
  readonly options: Options;
  /** A name for the suite (defaults to the plugin id and options). */
  readonly name?: string;
  /**
   * The inputs: the shape of one x and one y (`{ x: [5], y: [28, 28, 1] }`), whose entries the
   * suite draws from N(0, 1), or a function that builds a batch of `n` pairs from a seed (one-hot
   * rows, labels, images in a range). The suite disposes the tensors it gets.
   */
  readonly inputs:
    | { readonly x: readonly number[]; readonly y: readonly number[] }
    | ((n: number, seed: number) => CriticInputs);
  /** Batch size n of the checks. Default `4`. */
  readonly batchSize?: number;
  /**
   * A scalar that depends on every trainable variable, for the gradient check. Defaults to
   * `sum(scores(x, y))`. Critics with variables that `scores` does not use (MI-NEE's x and y
   * heads, a learned-baseline head) return a scalar that touches them too (e.g. the sum of
   * `entropicScores`). Runs inside `tf.variableGrads`, which disposes its intermediates.
   */
  readonly gradientTarget?: (critic: NeuralCritic, x: tf.Tensor, y: tf.Tensor) => tf.Scalar;
  /**
   * Whether T(x_i, y_j) depends on that pair only, in inference mode (`setTraining(false)`):
   * then `scores(x, y)[i][j]` must equal `pairs` on the pair alone, and `pairs(x, y)` the diagonal
   * of `scores(x, y)`. Default `true`; `false` skips the orientation check, for critics whose
   * scores depend on the rest of the batch even in inference mode.
   */
  readonly independentPairs?: boolean;
  /**
   * Whether the critic checks the size of the last axis of x and y (feature count, channels,
   * classes): a batch one wider must throw `ShapeMismatchError`. Default `true`; `false` for
   * critics that accept any width. Always skipped for an argument given as rank-1 labels.
   */
  readonly checksFeatureWidth?: boolean;
  /**
   * Tolerance of the orientation check: |a − b| ≤ tolerance · (1 + |a|). Default `1e-5` (the
   * float32 difference between two summation orders of a small network).
   */
  readonly tolerance?: number;
}

const SEED = 11;

/**
 * The checks every critic plugin must pass, as a vitest `describe` block. Run it in your plugin's
 * tests, with tiny options:
 *
 * ```ts
 * import { describeCriticConformance } from '@mi/critics/testing';
 * describeCriticConformance(myCriticPlugin, {
 *   options: { xFeatures: 3, yFeatures: 2, hiddenUnits: [4] },
 *   inputs: { x: [3], y: [2] },
 * });
 * ```
 *
 * It checks: the plugin contract (kind `critic`, version `v1`, kebab-case id, display name,
 * description, references; the critic's id and config name the plugin; every variable under a
 * unique name in `weights`) and a typed `InvalidArgumentError` for an unknown option; the score
 * orientation `S[i][j] = T(x_i, y_j)` against `pairs` evaluated one row of pairs at a time, and
 * `pairs` against the diagonal of `scores`; finite, non-zero gradients for every trainable
 * variable; the config round trip through JSON and `createCriticRegistry([plugin]).fromConfig`,
 * and the save/load round trip through `createCriticRegistry([plugin]).load`, both to the bit;
 * seeded initialisation; no leaked tensors, `dispose()` freeing the variables and the inputs left
 * alive; and `ShapeMismatchError`s naming the argument for mismatched batches and wrong widths.
 */
export function describeCriticConformance<Options>(
  plugin: NeuralCriticPlugin<Options>,
  conformance: CriticConformanceOptions<Options>,
): void {
  const n = conformance.batchSize ?? 4;
  const tolerance = conformance.tolerance ?? 1e-5;
  const create = (seed = SEED): NeuralCritic => plugin.create({ ...conformance.options, seed });
  const registry = () => createCriticRegistry([plugin as NeuralCriticPlugin<never>]);
  const makeInputs = (seed: number): CriticInputs => {
    const { inputs } = conformance;
    if (typeof inputs === 'function') return inputs(n, seed);
    const random = createRandom(seed);
    const draw = (shape: readonly number[]) => {
      const full = [n, ...shape];
      return tf.tensor(random.fillNormal(new Float32Array(tf.util.sizeFromShape(full))), full);
    };
    return { x: draw(inputs.x), y: draw(inputs.y) };
  };
  const gradientTarget =
    conformance.gradientTarget ??
    ((critic: NeuralCritic, x: tf.Tensor, y: tf.Tensor) => tf.sum(critic.scores(x, y)));
  const name =
    conformance.name ?? `${plugin.id} ${JSON.stringify(conformance.options, jsonReplacer)}`;

  describe(`critic conformance: ${name}`, () => {
    it('is a v1 critic plugin with a kebab-case id, a description and references', () => {
      expect(plugin.kind).toBe('critic');
      expect(plugin.specificationVersion).toBe('v1');
      expect(plugin.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      for (const alias of plugin.aliases ?? []) expect(alias).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(plugin.displayName.trim().length).toBeGreaterThan(0);
      expect(plugin.description.trim().length).toBeGreaterThan(0);
      expect(plugin.references.length).toBeGreaterThan(0);
      for (const reference of plugin.references) {
        expect(reference.citation.trim().length).toBeGreaterThan(0);
        expect(reference.title.trim().length).toBeGreaterThan(0);
      }
      expect(registry().get(plugin.id)).toBe(plugin);

      const critic = create();
      try {
        expect(critic.id).toBe(plugin.id);
        expect(critic.getConfig().id).toBe(plugin.id);
        expect(critic.trainableVariables.length).toBeGreaterThan(0);
        const all = [...critic.trainableVariables, ...critic.nonTrainableVariables];
        expect(new Set(all.map((v) => v.name)).size, 'unique tfjs variable names').toBe(all.length);
        // Saved files name the weights by these keys: every variable is there, once.
        expect(critic.weights.size).toBe(all.length);
        expect(new Set(critic.weights.values())).toEqual(new Set(all));
      } finally {
        critic.dispose();
      }
    });

    it('rejects an unknown option with an InvalidArgumentError naming it, leaking nothing', () => {
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        plugin.create({ ...conformance.options, seed: SEED, notAnOption: 1 } as never).dispose();
      } catch (caught) {
        error = caught;
      }
      expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidArgumentError).parameter).toBe('notAnOption');
      expect(tf.memory().numTensors).toBe(before);
    });

    if (conformance.independentPairs !== false) {
      it('orients scores as S[i][j] = T(x_i, y_j), rows indexed by x, with pairs on the diagonal', () => {
        const { x, y } = makeInputs(1);
        const critic = create();
        // Batch norm normalises with the batch's statistics in training: compare per pair with
        // the moving statistics.
        critic.setTraining(false);
        const scores = critic.scores(x, y);
        expect(scores.shape).toEqual([n, n]);
        expect(scores.dtype).toBe('float32');
        const matrix = scores.arraySync();
        for (const value of matrix.flat()) expect(Number.isFinite(value)).toBe(true);
        for (let i = 0; i < n; i++) {
          // Row i: x_i against every y_j, scored as n joint pairs.
          const row = tf.tidy(() => {
            const xi = tf.gather(x, tf.fill([n], i, 'int32'));
            return Array.from(critic.pairs(xi, y).dataSync());
          });
          for (let j = 0; j < n; j++) {
            expectClose(matrix[i]![j]!, row[j]!, tolerance, `S[${i}][${j}] vs T(x_${i}, y_${j})`);
          }
        }
        const pairs = critic.pairs(x, y);
        expect(pairs.shape).toEqual([n]);
        const diagonal = pairs.dataSync();
        for (let i = 0; i < n; i++) {
          expectClose(matrix[i]![i]!, diagonal[i]!, tolerance, `pairs[${i}] vs S[${i}][${i}]`);
        }
        tf.dispose([scores, pairs, x, y]);
        critic.dispose();
      });
    }

    if (hasShiftedPairs(create())) {
      it('gives S_ii and S_i,(i+1) mod n of scores with shiftedPairs', () => {
        const { x, y } = makeInputs(1);
        const critic = create();
        critic.setTraining(false);
        const matrix = tf.tidy(() => critic.scores(x, y).arraySync());
        const { joint, shifted } = (critic.shiftedPairs as NonNullable<Critic['shiftedPairs']>)(
          x,
          y,
        );
        expect(joint.shape).toEqual([n]);
        expect(shifted.shape).toEqual([n]);
        const [j, s] = [joint.dataSync(), shifted.dataSync()];
        for (let i = 0; i < n; i++) {
          expectClose(matrix[i]![i]!, j[i]!, tolerance, `joint[${i}] vs S[${i}][${i}]`);
          const next = (i + 1) % n;
          expectClose(matrix[i]![next]!, s[i]!, tolerance, `shifted[${i}] vs S[${i}][${next}]`);
        }
        tf.dispose([joint, shifted, x, y]);
        critic.dispose();
      });
    }

    it('has finite, non-zero gradients for every trainable variable', () => {
      const { x, y } = makeInputs(2);
      const critic = create();
      const names = nameOf(critic);
      const { value, grads } = tf.variableGrads(
        () => gradientTarget(critic, x, y),
        critic.trainableVariables as tf.Variable[],
      );
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      for (const variable of critic.trainableVariables) {
        const gradient = grads[variable.name];
        expect(gradient, `no gradient reaches '${names(variable)}'`).toBeDefined();
        const values = gradient!.dataSync();
        expect(
          values.every((v) => Number.isFinite(v)),
          `finite gradient of '${names(variable)}'`,
        ).toBe(true);
        expect(
          values.some((v) => v !== 0),
          `non-zero gradient of '${names(variable)}'`,
        ).toBe(true);
      }
      tf.dispose([value, ...Object.values(grads), x, y]);
      critic.dispose();
    });

    it('round-trips its config through JSON and createCriticRegistry([plugin]).fromConfig', () => {
      const { x, y } = makeInputs(3);
      const critic = create();
      const config = critic.getConfig();
      const parsed = JSON.parse(JSON.stringify(config));
      expect(parsed, 'the config survives JSON unchanged').toEqual(config);
      expect(config.config['seed']).toBe(SEED);
      const copy = registry().fromConfig(parsed);
      expect(copy.getConfig()).toEqual(config);
      expectSameWeights(copy, critic);
      expectSameScores(copy, critic, x, y);
      tf.dispose([x, y]);
      critic.dispose();
      copy.dispose();
    });

    it('saves and loads: createCriticRegistry([plugin]).load restores every weight exactly', async () => {
      const { x, y } = makeInputs(4);
      const critic = create();
      // Move every weight (batch-norm statistics included) away from its seeded value, so only a
      // real load reproduces it.
      for (const variable of [...critic.trainableVariables, ...critic.nonTrainableVariables]) {
        tf.tidy(() => variable.assign(tf.add(tf.mul(variable, 1.25), 0.01)));
      }
      const directory = await mkdtemp(path.join(tmpdir(), `mi-critic-${plugin.id}-`));
      const critics: NeuralCritic[] = [critic];
      try {
        await critic.save(directory);
        const restored = await registry().load(directory);
        critics.push(restored);
        expect(restored.getConfig()).toEqual(critic.getConfig());
        expectSameWeights(restored, critic);
        expectSameScores(restored, critic, x, y);
        // Loading into a critic built with another seed replaces its weights.
        const other = create(SEED + 1);
        critics.push(other);
        await other.load(directory);
        expectSameWeights(other, critic);
      } finally {
        for (const each of critics) each.dispose();
        tf.dispose([x, y]);
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('is seeded: the same seed gives the same weights and scores, another seed others', () => {
      const { x, y } = makeInputs(5);
      const [a, b, c] = [create(SEED), create(SEED), create(SEED + 1)];
      expectSameWeights(b!, a!);
      expectSameScores(b!, a!, x, y);
      const differs = a!.trainableVariables.some((variable, k) => {
        const other = c!.trainableVariables[k]!;
        return !tf.util.arraysEqual(Array.from(variable.dataSync()), Array.from(other.dataSync()));
      });
      expect(differs, `seeds ${SEED} and ${SEED + 1} give the same weights`).toBe(true);
      tf.dispose([x, y]);
      for (const critic of [a, b, c]) critic!.dispose();
    });

    it('leaks no tensors: outputs only, dispose() frees the variables, inputs untouched', () => {
      const { x, y } = makeInputs(6);
      const before = tf.memory().numTensors;
      const critic = create();
      const variables = [...critic.trainableVariables, ...critic.nonTrainableVariables];
      const created = tf.memory().numTensors;
      for (const training of [true, false]) {
        critic.setTraining(training);
        const scores = critic.scores(x, y);
        expect(tf.memory().numTensors, `scores (training ${training})`).toBe(created + 1);
        const pairs = critic.pairs(x, y);
        expect(tf.memory().numTensors, `pairs (training ${training})`).toBe(created + 2);
        tf.dispose([scores, pairs]);
      }
      critic.setTraining(true);
      const { value, grads } = tf.variableGrads(
        () => gradientTarget(critic, x, y),
        critic.trainableVariables as tf.Variable[],
      );
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors, 'gradients').toBe(created);
      critic.dispose();
      expect(tf.memory().numTensors, 'after dispose()').toBe(before);
      for (const variable of variables) expect(variable.isDisposed).toBe(true);
      expect(x.isDisposed || y.isDisposed, 'the caller’s inputs were disposed').toBe(false);
      tf.dispose([x, y]);
    });

    it('throws ShapeMismatchError naming the argument for mismatched batches and wrong widths', () => {
      const { x, y } = makeInputs(7);
      const critic = create();
      const before = tf.memory().numTensors;
      const expectShapeError = (
        call: () => tf.Tensor,
        parameters: readonly string[],
        what: string,
      ) => {
        let error: unknown;
        try {
          tf.dispose(call());
        } catch (caught) {
          error = caught;
        }
        expect(ShapeMismatchError.isInstance(error), `${what}: ${String(error)}`).toBe(true);
        const parameter = (error as ShapeMismatchError).parameter;
        expect(parameters, `${what}: names '${parameter}'`).toContain(parameter);
        expect((error as Error).message).toContain(`'${parameter}'`);
      };
      const [shortX, shortY] = [x, y].map((t) => tf.slice(t, 0, n - 1)) as [tf.Tensor, tf.Tensor];
      const wide = (t: tf.Tensor) =>
        tf.tidy(() =>
          tf.concat([t, tf.zerosLike(tf.slice(t, 0, [...t.shape.slice(0, -1), 1]))], -1),
        );
      const cases: [tf.Tensor, tf.Tensor, readonly string[], string][] = [
        [x, shortY, ['x', 'y'], 'one row fewer in y'],
        [shortX, y, ['x', 'y'], 'one row fewer in x'],
      ];
      const made = [shortX, shortY];
      if (conformance.checksFeatureWidth !== false) {
        if (x.rank >= 2) {
          const wideX = wide(x);
          made.push(wideX);
          cases.push([wideX, y, ['x'], `x of shape [${wideX.shape}]`]);
        }
        if (y.rank >= 2) {
          const wideY = wide(y);
          made.push(wideY);
          cases.push([x, wideY, ['y'], `y of shape [${wideY.shape}]`]);
        }
      }
      const afterInputs = tf.memory().numTensors;
      for (const [a, b, parameters, what] of cases) {
        expectShapeError(() => critic.scores(a, b), parameters, `scores, ${what}`);
        expectShapeError(() => critic.pairs(a, b), parameters, `pairs, ${what}`);
      }
      expect(tf.memory().numTensors, 'tensors left by the failed calls').toBe(afterInputs);
      tf.dispose(made);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      critic.dispose();
    });
  });
}

/** The stable name of each variable (its key in `weights`), for messages. */
function nameOf(critic: NeuralCritic): (variable: tf.Variable) => string {
  const names = new Map<tf.Variable, string>();
  for (const [name, variable] of critic.weights) names.set(variable, name);
  return (variable) => names.get(variable) ?? variable.name;
}

function expectSameWeights(actual: NeuralCritic, expected: NeuralCritic): void {
  expect([...actual.weights.keys()]).toEqual([...expected.weights.keys()]);
  for (const [name, variable] of expected.weights) {
    const other = actual.weights.get(name)!;
    expect(other.shape, name).toEqual(variable.shape);
    expect(Array.from(other.dataSync()), name).toEqual(Array.from(variable.dataSync()));
  }
}

/** Whether the critic implements `shiftedPairs`; disposes it. */
function hasShiftedPairs(critic: NeuralCritic): boolean {
  const has = critic.shiftedPairs !== undefined;
  critic.dispose();
  return has;
}

/** Bit-equal scores and pairs in inference mode (then back to training, the default). */
function expectSameScores(
  actual: NeuralCritic,
  expected: NeuralCritic,
  x: tf.Tensor,
  y: tf.Tensor,
): void {
  for (const critic of [actual, expected]) critic.setTraining(false);
  const [a, b] = [actual, expected].map((critic) =>
    tf.tidy(() => [
      Array.from(critic.scores(x, y).dataSync()),
      Array.from(critic.pairs(x, y).dataSync()),
    ]),
  );
  expect(a![0], 'scores').toEqual(b![0]);
  expect(a![1], 'pairs').toEqual(b![1]);
  for (const critic of [actual, expected]) critic.setTraining(true);
}

function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tolerance * (1 + Math.abs(expected)),
  );
}

// Option values such as Infinity print as strings in suite names.
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
