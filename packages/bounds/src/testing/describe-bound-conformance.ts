import { createRandom } from '@mi/core';
import {
  type BoundInputs,
  type BoundOutput,
  type BoundPlugin,
  InvalidArgumentError,
  ShapeMismatchError,
} from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { evaluateBound } from '../evaluate-bound';
import {
  type GaussianRatioSample,
  logRatioScores,
  sampleGaussianLogRatio,
} from './gaussian-log-ratio';

/** How {@link describeBoundConformance} exercises a plugin. */
export interface BoundConformanceOptions<Options> {
  /** Options passed to `plugin.create`. */
  readonly options?: Options;
  /** A name for the suite (defaults to the plugin id and options). */
  readonly name?: string;
  /**
   * Builds the bound's inputs from a score matrix, for bounds that need more than `scores`
   * (e.g. a learned baseline). Tensors it creates are disposed by the suite.
   */
  readonly inputs?: (scores: tf.Tensor2D) => BoundInputs;
  /**
   * A scalar, computed from the outputs, whose derivative is the gradient the loss carries.
   * Defaults to `loss`. Bounds that report one value and train on another (JS, SMILE) return the
   * training objective here (e.g. `−terms.jsObjective`); `false` skips the finite-difference check
   * (MINE's moving-average gradient depends on state and is tested by hand instead).
   */
  readonly gradientReference?: ((output: BoundOutput) => tf.Scalar) | false;
  /** An unregularised plugin whose estimate this one must equal (regularised bounds). */
  readonly sameEstimateAs?: { readonly plugin: BoundPlugin<never>; readonly options?: unknown };
  /**
   * Agreement with the truth when the critic is the exact log density ratio of a correlated
   * Gaussian (n = 512, d = 5, MI = 1 and 2 nats). `transform` maps the log ratio to the bound's
   * optimal critic (NWJ's is ratio + 1); `tolerance` is in nats and should reflect the bound's
   * known bias. `false` skips it (bounds whose inputs are not a score matrix).
   */
  readonly truth?:
    | {
        readonly tolerance: number;
        readonly transform?: (logRatio: tf.Tensor2D) => tf.Tensor2D;
        /** Build the inputs from the Gaussian sample yourself (MI-NEE). */
        readonly inputs?: (sample: GaussianRatioSample) => BoundInputs;
      }
    | false;
  /** Whether scores as large as ±1e4 must give a finite estimate (false for NWJ-type e^T terms). */
  readonly finiteForLargeScores?: boolean;
}

function randomScores(n: number, seed: number, scale = 1): tf.Tensor2D {
  const values = createRandom(seed).fillNormal(new Float32Array(n * n));
  for (let k = 0; k < values.length; k++) values[k] = (values[k] as number) * scale;
  // A positive diagonal, as a trained critic would give.
  for (let i = 0; i < n; i++) values[i * n + i] = (values[i * n + i] as number) + 1;
  return tf.tensor2d(values, [n, n]);
}

// The score matrix each input set was built from, when the inputs do not hold it (MI-NEE).
const sourceScores = new WeakMap<BoundInputs, tf.Tensor>();

function disposeInputs(inputs: BoundInputs): void {
  tf.dispose(
    Object.values(inputs).flatMap((v) => (v instanceof tf.Tensor ? [v] : Object.values(v ?? {}))),
  );
  const scores = sourceScores.get(inputs);
  if (scores !== undefined && !scores.isDisposed) scores.dispose();
}

/**
 * The checks every bound plugin must pass, as a vitest `describe` block. Run it in your plugin's
 * tests:
 *
 * ```ts
 * import { describeBoundConformance } from '@mi/bounds/testing';
 * describeBoundConformance(myBound, { truth: { tolerance: 0.1 } });
 * ```
 *
 * It checks: the plugin contract (id, version, formula); scalar finite outputs with the terms
 * `joint` and `logPartition`; no tensor leak and untouched inputs; the state round trip (same
 * keys and shapes, and the same result from a restored state); the gradient against central
 * finite differences on a small random score matrix; the ceiling, when the bound has one, above
 * every estimate; equality with an unregularised counterpart; agreement with the truth when the
 * critic is the exact Gaussian log density ratio; and, for a bound with `reads: 'shifted-pairs'`,
 * that it reads no other entry and gives the matrix's outputs and gradients from the 2n pairs
 * alone (other bounds must reject those inputs).
 */
export function describeBoundConformance<Options>(
  plugin: BoundPlugin<Options>,
  conformance: BoundConformanceOptions<Options> = {},
): void {
  const create = () => plugin.create(conformance.options);
  const makeInputs = (scores: tf.Tensor2D): BoundInputs => {
    if (!conformance.inputs) return { scores };
    const inputs = conformance.inputs(scores);
    sourceScores.set(inputs, scores);
    return inputs;
  };
  const name =
    conformance.name ??
    `${plugin.id}${conformance.options ? ` ${JSON.stringify(conformance.options)}` : ''}`;

  describe(`bound conformance: ${name}`, () => {
    it('is a v1 plugin with an id, a formula and references', () => {
      expect(plugin.specificationVersion).toBe('v1');
      expect(plugin.id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(plugin.formula.length).toBeGreaterThan(0);
      expect(plugin.references.length).toBeGreaterThan(0);
      const bound = create();
      expect(bound.id).toBeTypeOf('string');
      expect(() => JSON.stringify(bound.config)).not.toThrow();
    });

    it('round-trips its config: create(config) rebuilds the same bound, with the same value', () => {
      const bound = create();
      const config = JSON.parse(JSON.stringify(bound.config, infinityReplacer), infinityReviver);
      const rebuilt = plugin.create(config as Options);
      expect(rebuilt.config).toEqual(bound.config);
      const inputs = makeInputs(randomScores(6, 5));
      const a = evaluateBound(bound, inputs);
      const b = evaluateBound(rebuilt, inputs);
      expect(b.estimate).toBe(a.estimate);
      expect(b.loss).toBe(a.loss);
      disposeInputs(inputs);
    });

    it('returns finite scalars with joint and logPartition terms, leaking nothing', () => {
      const scores = randomScores(8, 1);
      const inputs = makeInputs(scores);
      const bound = create();
      const state = bound.initialState();
      const before = tf.memory().numTensors;
      const output = bound.compute(inputs, state);
      const made = [
        output.loss,
        output.estimate,
        ...Object.values(output.terms),
        ...Object.values(output.state),
      ];
      expect(tf.memory().numTensors - before).toBe(new Set(made.map((t) => t.id)).size);
      for (const t of [output.loss, output.estimate, ...Object.values(output.terms)]) {
        expect(t.rank).toBe(0);
        expect(Number.isFinite(t.dataSync()[0])).toBe(true);
      }
      expect(Object.keys(output.terms)).toEqual(expect.arrayContaining(['joint', 'logPartition']));
      tf.dispose(made);
      expect(tf.memory().numTensors).toBe(before);
      // The inputs are the caller's: still alive.
      expect(scores.isDisposed).toBe(false);
      tf.dispose(Object.values(state));
      disposeInputs(inputs);
    });

    it('threads its state: same keys and shapes, and a restored state gives the same step', () => {
      const bound = create();
      const inputs = makeInputs(randomScores(6, 2));
      const initial = bound.initialState();
      const first = bound.compute(inputs, initial);
      expect(Object.keys(first.state).sort()).toEqual(Object.keys(initial).sort());
      for (const key of Object.keys(initial))
        expect(first.state[key]?.shape).toEqual(initial[key]?.shape);
      // Round trip through plain numbers, as a checkpoint does.
      const saved = Object.fromEntries(
        Object.entries(first.state).map(([k, v]) => [k, Array.from(v.dataSync())]),
      );
      const restored = Object.fromEntries(
        Object.entries(saved).map(([k, v]) => [k, tf.tensor(v, first.state[k]?.shape)]),
      );
      const a = bound.compute(inputs, first.state);
      const b = bound.compute(inputs, restored);
      expect(b.estimate.dataSync()[0]).toBe(a.estimate.dataSync()[0]);
      expect(b.loss.dataSync()[0]).toBe(a.loss.dataSync()[0]);
      for (const o of [first, a, b]) {
        tf.dispose([o.loss, o.estimate, ...Object.values(o.terms)]);
      }
      tf.dispose([
        ...Object.values(initial),
        ...Object.values(first.state),
        ...Object.values(restored),
      ]);
      tf.dispose([...Object.values(a.state), ...Object.values(b.state)]);
      disposeInputs(inputs);
    });

    const gradientReference = conformance.gradientReference;
    if (gradientReference !== false) {
      it('has the gradient of its training objective (central finite differences)', () => {
        const bound = create();
        const reference = gradientReference ?? ((o: BoundOutput) => o.loss);
        const base = randomScores(4, 3, 0.7);
        const state = bound.initialState();
        const lossOf = (s: tf.Tensor) =>
          tf.tidy(() => {
            const inputs = makeInputs(s as tf.Tensor2D);
            const output = bound.compute(inputs, state);
            return reference(output);
          });
        const analytic = tf.tidy(() =>
          tf.grad((s) => bound.compute(makeInputs(s as tf.Tensor2D), state).loss)(base),
        );
        const reference0 = tf.tidy(() => tf.grad(lossOf)(base));
        // The reference scalar's autodiff gradient equals the loss gradient…
        const a = analytic.dataSync();
        const r = reference0.dataSync();
        for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(r[k] as number, 4);
        // …and both equal central finite differences of the reference scalar.
        const values = base.dataSync();
        const epsilon = 1e-2;
        for (let k = 0; k < values.length; k++) {
          const at = (delta: number) =>
            tf.tidy(() => {
              const shifted = Float32Array.from(values);
              shifted[k] = (shifted[k] as number) + delta;
              return lossOf(tf.tensor2d(shifted, base.shape)).dataSync()[0] as number;
            });
          const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
          expect(Math.abs((a[k] as number) - numeric), `entry ${k}`).toBeLessThan(
            3e-3 + 3e-2 * Math.abs(numeric),
          );
        }
        tf.dispose([analytic, reference0, base, ...Object.values(state)]);
      });
    }

    it('stays below its ceiling, when it has one', () => {
      const bound = create();
      const n = 16;
      const ceiling = bound.ceiling(n);
      if (ceiling === undefined) return;
      expect(Number.isFinite(ceiling)).toBe(true);
      // A critic that separates the pairs perfectly pushes estimates to the ceiling, not past it.
      for (const scale of [1, 10, 100]) {
        const inputs = makeInputs(
          tf.tidy(() => tf.add(tf.mul(tf.eye(n), scale * 5), randomScores(n, 4)) as tf.Tensor2D),
        );
        const values = evaluateBound(bound, inputs);
        expect(values.estimate).toBeLessThanOrEqual(ceiling + 1e-4);
        tf.dispose(Object.values(values.state));
        disposeInputs(inputs);
      }
    });

    if (conformance.sameEstimateAs) {
      const other = conformance.sameEstimateAs;
      it(`reports the same estimate as ${other.plugin.id} (the regulariser only changes the loss)`, () => {
        const inputs = makeInputs(randomScores(8, 5));
        const mine = evaluateBound(create(), inputs);
        const theirs = evaluateBound(other.plugin.create(other.options as never), inputs);
        expect(mine.estimate).toBeCloseTo(theirs.estimate, 5);
        tf.dispose([...Object.values(mine.state), ...Object.values(theirs.state)]);
        disposeInputs(inputs);
      });
    }

    if (conformance.finiteForLargeScores !== false) {
      it('stays finite for scores of ±1e4 (log-sum-exp everywhere)', () => {
        const n = 6;
        const inputs = makeInputs(
          tf.tidy(() => tf.mul(tf.sign(randomScores(n, 6)), 1e4) as tf.Tensor2D),
        );
        const values = evaluateBound(create(), inputs);
        expect(Number.isFinite(values.estimate)).toBe(true);
        tf.dispose(Object.values(values.state));
        disposeInputs(inputs);
      });
    }

    if (create().reads === 'shifted-pairs') {
      it("reads only S_ii and S_i,(i+1) mod n, and gives the matrix's outputs from them alone", () => {
        const n = 6;
        const scores = randomScores(n, 7);
        const values = scores.arraySync() as number[][];
        const read = (i: number, j: number) => j === i || j === (i + 1) % n;
        // Every entry the bound does not read, changed: the outputs must not move.
        const others = tf.tensor2d(
          values.map((row, i) => row.map((v, j) => (read(i, j) ? v : v + 3 * Math.sin(i + 2 * j)))),
        );
        const joint = tf.tensor1d(values.map((row, i) => row[i] as number));
        const shifted = tf.tensor1d(values.map((row, i) => row[(i + 1) % n] as number));
        const bound = create();
        const state = bound.initialState();
        const fromMatrix = evaluateBound(bound, { scores }, state);
        const fromOthers = evaluateBound(bound, { scores: others }, state);
        const fromPairs = evaluateBound(bound, { shiftedPairs: { joint, shifted } }, state);
        for (const other of [fromOthers, fromPairs]) {
          expect(other.estimate).toBeCloseTo(fromMatrix.estimate, 5);
          expect(other.loss).toBeCloseTo(fromMatrix.loss, 5);
          for (const [term, value] of Object.entries(fromMatrix.terms))
            expect(other.terms[term], term).toBeCloseTo(value, 5);
        }
        // The gradient: the matrix's on the 2n entries, zero on every other.
        const matrixGradient = tf.tidy(() =>
          tf.grad((s) => bound.compute({ scores: s as tf.Tensor2D }, state).loss)(scores),
        );
        const [jointGradient, shiftedGradient] = tf.tidy(() =>
          tf.grads(
            (j, sh) =>
              bound.compute(
                { shiftedPairs: { joint: j as tf.Tensor1D, shifted: sh as tf.Tensor1D } },
                state,
              ).loss,
          )([joint, shifted]),
        ) as [tf.Tensor, tf.Tensor];
        const g = matrixGradient.arraySync() as number[][];
        const gj = jointGradient.dataSync();
        const gs = shiftedGradient.dataSync();
        for (let i = 0; i < n; i++) {
          expect(gj[i]).toBeCloseTo(g[i]?.[i] as number, 5);
          expect(gs[i]).toBeCloseTo(g[i]?.[(i + 1) % n] as number, 5);
          for (let j = 0; j < n; j++) if (!read(i, j)) expect(g[i]?.[j]).toBe(0);
        }
        const short = tf.zeros([n - 1]);
        expect(() =>
          bound.compute({ shiftedPairs: { joint, shifted: short as tf.Tensor1D } }, state),
        ).toThrow(ShapeMismatchError);
        expect(() =>
          bound.compute({ scores, shiftedPairs: { joint, shifted } } as never, state),
        ).toThrow('not both');
        expect(() => bound.compute({ shiftedPairs: null } as never, state)).toThrow(
          "invalid option 'inputs.shiftedPairs'",
        );
        expect(() => bound.compute({} as never, state)).toThrow('or the shifted pairs');
        const one = tf.zeros([1]) as tf.Tensor1D;
        expect(() => bound.compute({ shiftedPairs: { joint: one, shifted: one } }, state)).toThrow(
          ShapeMismatchError,
        );
        tf.dispose([
          scores,
          others,
          joint,
          shifted,
          short,
          one,
          matrixGradient,
          jointGradient,
          shiftedGradient,
        ]);
        tf.dispose([
          ...Object.values(state),
          ...[fromMatrix, fromOthers, fromPairs].flatMap((o) => Object.values(o.state)),
        ]);
      });
    } else {
      it('rejects shifted pairs in place of the score matrix, which it reads whole', () => {
        const pair = tf.zeros([4]) as tf.Tensor1D;
        const bound = create();
        const state = bound.initialState();
        expect(() =>
          bound.compute({ shiftedPairs: { joint: pair, shifted: pair } }, state),
        ).toThrow(InvalidArgumentError);
        tf.dispose([pair, ...Object.values(state)]);
      });
    }

    const truth = conformance.truth;
    if (truth) {
      for (const trueMI of [1, 2]) {
        it(`lands within ${truth.tolerance} nats of MI = ${trueMI} with the exact log-ratio critic (n = 512, d = 5)`, () => {
          const sample = sampleGaussianLogRatio({
            n: 512,
            dimension: 5,
            trueMI,
            seed: 10 + trueMI,
          });
          let inputs: BoundInputs;
          if (truth.inputs) inputs = truth.inputs(sample);
          else {
            const ratio = logRatioScores(sample);
            const scores = truth.transform ? tf.tidy(() => truth.transform!(ratio)) : ratio;
            if (scores !== ratio) ratio.dispose();
            inputs = makeInputs(scores);
          }
          const values = evaluateBound(create(), inputs);
          expect(Math.abs(values.estimate - trueMI), `estimate ${values.estimate}`).toBeLessThan(
            truth.tolerance,
          );
          tf.dispose(Object.values(values.state));
          disposeInputs(inputs);
        });
      }
    }
  });
}

// Configs travel as JSON (checkpoints, results folders); JSON has no Infinity (τ = ∞).
function infinityReplacer(_key: string, value: unknown): unknown {
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

function infinityReviver(_key: string, value: unknown): unknown {
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}
