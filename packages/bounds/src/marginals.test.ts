import {
  builtinBounds,
  createBoundRegistry,
  donskerVaradhan,
  MARGINAL_SAMPLINGS,
  mine,
  nwj,
  remine,
  remineJoint,
  renwj,
} from '@mi/bounds';
import { diagonal, logMeanExpOffDiagonal } from '@mi/core';
import { type Bound, InvalidArgumentError, ShapeMismatchError } from '@mi/spec';
import { expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as reference from './reference';

// The `marginals` option of the DV/NWJ family: 'shifted' reads the n scores S_i,(i+1) mod n as
// the marginal samples; the default 'all-pairs' must be the previous behaviour, bit for bit.

const registry = createBoundRegistry(builtinBounds);

const S = [
  [1.0, 0.5, -0.3, 0.7],
  [0.2, 2.0, 0.1, -1.1],
  [-0.4, 0.3, 1.5, 0.9],
  [0.6, -0.8, 0.25, 1.2],
].map((row) => row.map(Math.fround));

/** Estimate, loss and ∂loss/∂S of a bound on `values`, from its initial state; leaks nothing. */
function run(bound: Bound, values: number[][]) {
  return expectNoTensorLeakSync(() => {
    const scores = tf.tensor2d(values);
    const state = bound.initialState();
    try {
      const output = bound.compute({ scores }, state);
      const estimate = output.estimate.dataSync()[0] as number;
      const loss = output.loss.dataSync()[0] as number;
      tf.dispose([
        output.estimate,
        output.loss,
        ...Object.values(output.terms),
        ...Object.values(output.state),
      ]);
      const g = tf.grad((s) => bound.compute({ scores: s as tf.Tensor2D }, state).loss)(scores);
      const gradient = g.arraySync() as number[][];
      g.dispose();
      return { estimate, loss, gradient };
    } finally {
      tf.dispose([scores, ...Object.values(state)]);
    }
  });
}

describe("marginals: 'shifted'", () => {
  it('reads exactly the n pairs (i, (i+1) mod n): hand values on a 4 × 4 matrix', () => {
    // Joint mean (1 + 2 + 1.5 + 1.2)/4; shifted pairs 0.5, 0.1, 0.9, 0.6.
    const joint = (1 + 2 + 1.5 + 1.2) / 4;
    const shifted = [0.5, 0.1, 0.9, 0.6];
    const logMean = Math.log(shifted.reduce((a, v) => a + Math.exp(v), 0) / 4);
    expect(reference.shiftedPairsOf(S)).toEqual(shifted.map(Math.fround));
    const dv = run(donskerVaradhan({ marginals: 'shifted' }), S);
    expect(dv.estimate).toBeCloseTo(joint - logMean, 5);
    const n = run(nwj({ marginals: 'shifted' }), S);
    expect(n.estimate).toBeCloseTo(joint - Math.exp(logMean - 1), 5);
  });

  it('has a gradient only on the diagonal and the n shifted entries', () => {
    for (const bound of [
      donskerVaradhan({ marginals: 'shifted' }),
      nwj({ marginals: 'shifted' }),
      remine({ marginals: 'shifted' }),
      renwj({ marginals: 'shifted' }),
    ]) {
      const { gradient } = run(bound, S);
      gradient.forEach((row, i) => {
        row.forEach((g, j) => {
          const used = i === j || j === (i + 1) % 4;
          if (!used) expect(g, `${bound.id} ∂loss/∂S[${i}][${j}]`).toBe(0);
          else expect(Math.abs(g), `${bound.id} ∂loss/∂S[${i}][${j}]`).toBeGreaterThan(0);
        });
      });
    }
  });

  it('n = 2: the two anti-diagonal entries are the marginal samples', () => {
    const two = [
      [3, -1],
      [2, 0.5],
    ];
    const logMean = Math.log((Math.exp(-1) + Math.exp(2)) / 2);
    for (const marginals of MARGINAL_SAMPLINGS) {
      // With n = 2 the shift and all pairs see the same two entries.
      const dv = run(donskerVaradhan({ marginals }), two);
      expect(dv.estimate).toBeCloseTo(1.75 - logMean, 5);
      const ref = reference.referenceGradient(reference.dv({ marginals }), two);
      dv.gradient.forEach((row, i) => {
        row.forEach((g, j) => {
          expect(g).toBeCloseTo(ref[i]?.[j] as number, 4);
        });
      });
    }
  });

  it('n = 1: a ShapeMismatchError naming scores (the only shifted pair would be the joint pair)', () => {
    for (const bound of [
      donskerVaradhan({ marginals: 'shifted' }),
      mine({ marginals: 'shifted' }),
      nwj({ marginals: 'shifted' }),
      remine({ marginals: 'shifted' }),
      renwj({ marginals: 'shifted' }),
    ]) {
      expectNoTensorLeakSync(() => {
        const single = tf.tensor2d([[1]]);
        const state = bound.initialState();
        let caught: unknown;
        try {
          bound.compute({ scores: single }, state);
        } catch (error) {
          caught = error;
        }
        tf.dispose([single, ...Object.values(state)]);
        expect(ShapeMismatchError.isInstance(caught), `${bound.id}`).toBe(true);
        expect((caught as Error).message).toContain(
          `${bound.id}.compute: argument 'scores' has shape [1, 1], expected [2, 2]`,
        );
      });
    }
  });

  it('MINE keeps its moving average of the shifted term', () => {
    expectNoTensorLeakSync(() => {
      const scores = tf.tensor2d(S);
      const bound = mine({ marginals: 'shifted' });
      const state = bound.initialState();
      const output = bound.compute({ scores }, state);
      // The first batch starts the average: log ma = log mean of the n shifted e^{S}.
      expect(output.state['logAverage']?.dataSync()[0]).toBeCloseTo(
        reference.logPartitionShifted(S),
        5,
      );
      expect(output.terms['logPartition']?.dataSync()[0]).toBeCloseTo(
        reference.logPartitionShifted(S),
        5,
      );
      tf.dispose([
        scores,
        output.loss,
        output.estimate,
        ...Object.values(output.terms),
        ...Object.values(output.state),
        ...Object.values(state),
      ]);
    });
  });

  it('the regularisers pull the shifted term: terms.regularizer = λ·d(L_shifted, C)', () => {
    const L = reference.logPartitionShifted(S);
    for (const [bound, expected] of [
      [remine({ marginals: 'shifted', lambda: 0.5, target: 0.3 }), 0.5 * (L - 0.3) ** 2],
      [remineJoint({ marginals: 'shifted' }), L ** 2],
      [renwj({ marginals: 'shifted' }), (L - 1) ** 2],
    ] as const) {
      const values = evaluateBoundTerms(bound, S);
      expect(values['regularizer'], bound.id).toBeCloseTo(expected, 5);
    }
  });

  it('is deterministic: the same scores give the same bits', () => {
    const a = run(remine({ marginals: 'shifted' }), S);
    const b = run(remine({ marginals: 'shifted' }), S);
    expect(b).toEqual(a);
  });
});

function evaluateBoundTerms(bound: Bound, values: number[][]): Record<string, number> {
  return expectNoTensorLeakSync(() => {
    const scores = tf.tensor2d(values);
    const output = bound.compute({ scores }, bound.initialState());
    const terms = Object.fromEntries(
      Object.entries(output.terms).map(([k, v]) => [k, v.dataSync()[0] as number]),
    );
    tf.dispose([
      scores,
      output.loss,
      output.estimate,
      ...Object.values(output.terms),
      ...Object.values(output.state),
    ]);
    return terms;
  });
}

describe("marginals: 'all-pairs' (default) is the previous behaviour", () => {
  // The DV value as the bound computed it before the option existed: the joint mean less the
  // fused off-diagonal log-mean-exp of @mi/core.
  const previousDv = (s: tf.Tensor2D) =>
    tf.neg(tf.sub(tf.mean(diagonal(s)), logMeanExpOffDiagonal(s))) as tf.Scalar;
  const previousNwj = (s: tf.Tensor2D) =>
    tf.neg(tf.sub(tf.mean(diagonal(s)), tf.exp(tf.sub(logMeanExpOffDiagonal(s), 1)))) as tf.Scalar;

  it.each([
    ['dv', () => donskerVaradhan(), previousDv],
    ['dv all-pairs', () => donskerVaradhan({ marginals: 'all-pairs' }), previousDv],
    ['nwj', () => nwj(), previousNwj],
    ['nwj all-pairs', () => nwj({ marginals: 'all-pairs' }), previousNwj],
  ] as const)('%s: loss and gradient equal, bit for bit', (_, make, previous) => {
    const bound = make();
    const now = run(bound, S);
    const before = expectNoTensorLeakSync(() => {
      const scores = tf.tensor2d(S);
      const loss = tf.tidy(() => previous(scores).dataSync()[0] as number);
      const g = tf.grad((s) => previous(s as tf.Tensor2D))(scores);
      const gradient = g.arraySync() as number[][];
      tf.dispose([scores, g]);
      return { loss, gradient };
    });
    expect(now.loss).toBe(before.loss);
    expect(now.gradient).toEqual(before.gradient);
  });

  it('keeps the configs as they were: marginals appears only when shifted', () => {
    expect(donskerVaradhan().config).toEqual({});
    expect(donskerVaradhan({ marginals: 'all-pairs' }).config).toEqual({});
    expect(nwj({ clip: 10 }).config).toEqual({ clip: 10 });
    expect(remine().config).toEqual({ distance: 'l2', lambda: 1, target: 0 });
    expect(donskerVaradhan({ marginals: 'shifted' }).config).toEqual({ marginals: 'shifted' });
    expect(renwj({ marginals: 'shifted' }).config).toEqual({
      clip: 10,
      marginals: 'shifted',
      distance: 'log-euclidean',
      lambda: 1,
      target: 1,
    });
  });

  it('the default and all-pairs agree on every bound with the option', () => {
    for (const id of ['dv', 'mine', 'nwj', 'remine', 'remine-j', 'renwj']) {
      const plugin = registry.get(id);
      const a = run(plugin.create(undefined as never), S);
      const b = run(plugin.create({ marginals: 'all-pairs' } as never), S);
      expect(b, id).toEqual(a);
    }
  });
});

describe('marginals through the registry', () => {
  it.each([
    'dv',
    'mine',
    'nwj',
    'mine-f',
    'remine',
    'remine-j',
    'renwj',
  ])('%s:marginals=shifted resolves to the shifted bound', (id) => {
    const bound = registry.resolve(`${id}:marginals=shifted`);
    expect(bound.config['marginals']).toBe('shifted');
    const rebuilt = registry.get(id).create(bound.config as never);
    expect(run(rebuilt, S)).toEqual(run(bound, S));
  });

  it('resolves a spec with other options: remine:lambda=0.1;target=2;marginals=shifted', () => {
    const bound = registry.resolve('remine:lambda=0.1;target=2;marginals=shifted');
    expect(bound.config).toEqual({
      marginals: 'shifted',
      distance: 'l2',
      lambda: 0.1,
      target: 2,
    });
    const expected = reference.remine({ lambda: 0.1, target: 2, marginals: 'shifted' });
    expect(run(bound, S).loss).toBeCloseTo(expected.loss(S), 5);
  });

  it.each([
    ['dv:marginals=shuffled', 'dv', '"shuffled"'],
    ['nwj:marginals=1', 'nwj', '1'],
    ['mine:marginals=true', 'mine', 'true'],
    ['remine:marginals=all', 'remine', '"all"'],
    ['renwj:clip=10;marginals=diagonal', 'renwj', '"diagonal"'],
  ])('%s: InvalidArgumentError naming marginals and the value received', (spec, id, shown) => {
    let caught: unknown;
    try {
      registry.resolve(spec);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    const error = caught as InvalidArgumentError;
    expect(error.parameter).toBe('marginals');
    expect(error.message).toBe(
      `${id}: invalid option 'marginals': expected one of 'all-pairs', 'shifted', received ${shown}`,
    );
  });

  it('bounds without the option reject it as unknown', () => {
    expect(() => registry.resolve('smile:marginals=shifted')).toThrow(
      "smile: unknown option 'marginals'",
    );
  });
});
