import { builtinBounds, createBoundRegistry, evaluateBound } from '@mi/bounds';
import type { Bound, BoundInputs, BoundState } from '@mi/spec';
import { expectNoTensorLeakSync } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Matrix, ReferenceBound } from './reference';
import * as reference from './reference';

// Every built-in bound against an independent float64 reference written from its paper
// (./reference): the reported estimate, the loss value, and ∂loss/∂S against the numeric gradient
// of the objective the loss is meant to carry. Score matrices go well past the clipping thresholds.

const registry = createBoundRegistry(builtinBounds);

/** mulberry32: a small seeded generator of uniforms in [0, 1), independent of tfjs. */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An n × n matrix of float32-representable numbers (so the float64 reference and the float32
 * implementation see the same scores): `offDiagonal` and `diagonal` map a uniform in [0, 1).
 */
function seededMatrix(
  n: number,
  seed: number,
  offDiagonal: (u: number) => number,
  diagonal: (u: number) => number,
): number[][] {
  const next = uniforms(seed);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      Math.fround(i === j ? diagonal(next()) : offDiagonal(next())),
    ),
  );
}

const matrices: Record<string, Matrix> = {
  // Scores of a few nats, the diagonal a little higher: the usual regime.
  moderate: seededMatrix(
    5,
    11,
    (u) => -2 + 4 * u,
    (u) => -1 + 4 * u,
  ),
  // Scores up to ±30: far outside SMILE's τ and the ±10 clip of ReNWJ/ReTUBA.
  wide: seededMatrix(
    6,
    23,
    (u) => -30 + 60 * u,
    (u) => -30 + 60 * u,
  ),
  // The diagonal 20 nats above the rest: a confident critic at high MI.
  separated: seededMatrix(
    8,
    37,
    (u) => -0.5 + u,
    (u) => 19.5 + u,
  ),
};

/** A learned log-baseline log a(y_j) (TUBA) of length n. */
const learnedBaseline = (n: number): number[] =>
  Array.from({ length: n }, (_, j) => Math.fround(-0.5 + j / (n - 1)));

interface Case {
  readonly id: string;
  readonly options?: Record<string, unknown>;
  /** Pass a learned log-baseline (length n) as `inputs.logBaseline`. */
  readonly learned?: boolean;
  readonly reference: (logBaseline: number[] | undefined) => ReferenceBound;
}

const cases: readonly Case[] = [
  { id: 'dv', reference: () => reference.dv() },
  // A fresh state: the first batch starts the average (or, debiased, 0 corrected by 1 − (1 − δ)).
  { id: 'mine', reference: () => reference.mine() },
  {
    id: 'mine',
    options: { decay: 0.25, debias: true },
    reference: () => reference.mine({ decay: 0.25, debias: true }),
  },
  {
    id: 'mine',
    options: { decay: 0.25, initial: 2 },
    reference: () => reference.mine({ decay: 0.25, initial: 2 }),
  },
  { id: 'nwj', reference: () => reference.nwj() },
  { id: 'mine-f', reference: () => reference.nwj() },
  // The partition term over the n shifted pairs S_i,(i+1) mod n (the papers' marginal samples).
  {
    id: 'dv',
    options: { marginals: 'shifted' },
    reference: () => reference.dv({ marginals: 'shifted' }),
  },
  {
    id: 'dv',
    options: { marginals: 'all-pairs' },
    reference: () => reference.dv({ marginals: 'all-pairs' }),
  },
  {
    id: 'mine',
    options: { marginals: 'shifted' },
    reference: () => reference.mine({ marginals: 'shifted' }),
  },
  {
    id: 'mine',
    options: { decay: 0.25, initial: 2, marginals: 'shifted' },
    reference: () => reference.mine({ decay: 0.25, initial: 2, marginals: 'shifted' }),
  },
  {
    id: 'nwj',
    options: { marginals: 'shifted' },
    reference: () => reference.nwj({ marginals: 'shifted' }),
  },
  {
    id: 'nwj',
    options: { clip: 5, marginals: 'shifted' },
    reference: () => reference.nwj({ clip: 5, marginals: 'shifted' }),
  },
  {
    id: 'remine',
    options: { marginals: 'shifted' },
    reference: () => reference.remine({ marginals: 'shifted' }),
  },
  {
    id: 'remine',
    options: { distance: 'l1', lambda: 0.5, target: 0.2, marginals: 'shifted' },
    reference: () =>
      reference.remine({ distance: 'l1', lambda: 0.5, target: 0.2, marginals: 'shifted' }),
  },
  {
    id: 'remine-j',
    options: { target: 0.2, marginals: 'shifted' },
    reference: () => reference.remineJoint({ target: 0.2, marginals: 'shifted' }),
  },
  {
    id: 'renwj',
    options: { marginals: 'shifted' },
    reference: () => reference.renwj({ marginals: 'shifted' }),
  },
  {
    id: 'renwj',
    options: { clip: 5, lambda: 0.5, marginals: 'shifted' },
    reference: () => reference.renwj({ clip: 5, lambda: 0.5, marginals: 'shifted' }),
  },
  { id: 'tuba', reference: () => reference.tuba() },
  {
    id: 'tuba',
    options: { logBaseline: 0.5 },
    reference: () => reference.tuba({ logBaseline: 0.5 }),
  },
  {
    id: 'tuba',
    options: { logBaseline: 'learned' },
    learned: true,
    reference: (logBaseline) => reference.tuba({ logBaseline: logBaseline ?? [] }),
  },
  { id: 'infonce', reference: () => reference.infoNCE() },
  {
    id: 'infonce',
    options: { direction: 'columns' },
    reference: () => reference.infoNCE({ direction: 'columns' }),
  },
  {
    id: 'infonce',
    options: { direction: 'symmetric' },
    reference: () => reference.infoNCE({ direction: 'symmetric' }),
  },
  // Reports NWJ(T) by default, NWJ(T + 1) with readout 'nwj-shifted'; trains on the JS objective.
  { id: 'js', reference: () => reference.js() },
  {
    id: 'js',
    options: { readout: 'nwj-shifted' },
    reference: () => reference.js({ readout: 'nwj-shifted' }),
  },
  { id: 'interpolated', reference: () => reference.interpolated() },
  {
    id: 'interpolated',
    options: { alpha: 0.5 },
    reference: () => reference.interpolated({ alpha: 0.5 }),
  },
  { id: 'smile', reference: () => reference.smile() },
  { id: 'smile', options: { tau: 1 }, reference: () => reference.smile({ tau: 1 }) },
  {
    id: 'smile',
    options: { tau: Number.POSITIVE_INFINITY },
    reference: () => reference.smile({ tau: Number.POSITIVE_INFINITY }),
  },
  { id: 'smile-dv', reference: () => reference.smileDv() },
  { id: 'smile-dv', options: { tau: 1 }, reference: () => reference.smileDv({ tau: 1 }) },
  { id: 'remine', reference: () => reference.remine() },
  {
    id: 'remine',
    options: { distance: 'l1', lambda: 0.5, target: 0.2 },
    reference: () => reference.remine({ distance: 'l1', lambda: 0.5, target: 0.2 }),
  },
  { id: 'remine-j', reference: () => reference.remineJoint() },
  {
    id: 'remine-j',
    options: { target: 0.2 },
    reference: () => reference.remineJoint({ target: 0.2 }),
  },
  {
    id: 'remine-j',
    options: { distance: 'log-euclidean', target: 2 },
    reference: () => reference.remineJoint({ distance: 'log-euclidean', target: 2 }),
  },
  { id: 'renwj', reference: () => reference.renwj() },
  {
    id: 'renwj',
    options: { clip: 5, lambda: 0.5 },
    reference: () => reference.renwj({ clip: 5, lambda: 0.5 }),
  },
  { id: 'resmile', reference: () => reference.resmile() },
  { id: 'reinfonce', reference: () => reference.reinfonce() },
  {
    id: 'reinfonce',
    options: { direction: 'columns', lambda: 0.5 },
    reference: () => reference.reinfonce({ direction: 'columns', lambda: 0.5 }),
  },
  { id: 'retuba', reference: () => reference.retuba() },
  { id: 'rejs', reference: () => reference.rejs() },
  {
    id: 'rejs',
    options: { readout: 'nwj-shifted', lambda: 0.5 },
    reference: () => reference.rejs({ readout: 'nwj-shifted', lambda: 0.5 }),
  },
  {
    id: 'rejs',
    options: { distance: 'linear-l2' },
    reference: () => reference.rejs({ distance: 'linear-l2' }),
  },
  {
    id: 'rejs',
    options: { distance: 'l2', target: -1 },
    reference: () => reference.rejs({ distance: 'l2', target: -1 }),
  },
  {
    id: 'remine-j',
    options: { distance: 'linear-l2', target: 2 },
    reference: () => reference.remineJoint({ distance: 'linear-l2', target: 2 }),
  },
  // Default τ = 1e-5 clips the log ratio at ±11.5 (the wide matrix goes past it); τ = 0.25 clips
  // at ±log 3 everywhere; τ = 0 does not clip.
  { id: 'ccmi', reference: () => reference.ccmi() },
  { id: 'ccmi', options: { tau: 0.25 }, reference: () => reference.ccmi({ tau: 0.25 }) },
  { id: 'ccmi', options: { tau: 0 }, reference: () => reference.ccmi({ tau: 0 }) },
  { id: 'tnce', reference: () => reference.tnce() },
];

function labelOf(c: Case): string {
  if (c.options === undefined) return c.id;
  const options = Object.entries(c.options)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : String(value)}`)
    .join(', ');
  return `${c.id} { ${options} }`;
}

/** |received − expected| ≤ tolerance·max(1, |expected|): float32 against float64. */
function expectNear(received: number, expected: number, tolerance: number, what: string): void {
  expect(Number.isFinite(expected), `${what}: the reference is ${expected}`).toBe(true);
  expect(
    Math.abs(received - expected),
    `${what}: received ${received}, reference ${expected}`,
  ).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

/** Every entry within `tolerance`·max(1e-3, max |expected|) of the reference gradient. */
function expectGradientNear(received: Matrix, expected: Matrix, tolerance: number): void {
  const scale = Math.max(1e-3, ...expected.flat().map(Math.abs));
  expected.forEach((row, i) => {
    row.forEach((e, j) => {
      const r = received[i]?.[j] ?? Number.NaN;
      expect(
        Math.abs(r - e),
        `∂loss/∂S[${i}][${j}]: received ${r}, reference ${e} (largest |entry| ${scale})`,
      ).toBeLessThanOrEqual(tolerance * scale);
    });
  });
}

interface Measured {
  readonly estimate: number;
  readonly loss: number;
  readonly gradient: number[][];
}

/**
 * Runs a bound once on `S` from its initial state, and differentiates the loss with `tf.grad`;
 * disposes everything it made (the caller checks that no tensor is left).
 */
function measure(bound: Bound, S: Matrix, logBaseline: number[] | undefined): Measured {
  const scores = tf.tensor2d(S as number[][]);
  const baseline = logBaseline === undefined ? undefined : tf.tensor1d(logBaseline);
  const state: BoundState = bound.initialState();
  const inputsFor = (s: tf.Tensor2D): BoundInputs =>
    baseline === undefined ? { scores: s } : { scores: s, logBaseline: baseline };
  try {
    const output = bound.compute(inputsFor(scores), state);
    const estimate = output.estimate.dataSync()[0] as number;
    const loss = output.loss.dataSync()[0] as number;
    tf.dispose([
      output.estimate,
      output.loss,
      ...Object.values(output.terms),
      ...Object.values(output.state),
    ]);
    const gradientTensor = tf.grad((s) => bound.compute(inputsFor(s as tf.Tensor2D), state).loss)(
      scores,
    );
    const gradient = gradientTensor.arraySync() as number[][];
    gradientTensor.dispose();
    return { estimate, loss, gradient };
  } finally {
    tf.dispose([scores, ...(baseline === undefined ? [] : [baseline]), ...Object.values(state)]);
  }
}

describe('every built-in bound against its float64 reference', () => {
  it('has a reference case for every built-in id and for the alias mine-f', () => {
    const covered = new Set(cases.map((c) => c.id));
    for (const plugin of builtinBounds) {
      if (plugin.id === 'minee') continue; // its inputs are not a score matrix: tested below
      expect(covered.has(plugin.id), `no reference case for '${plugin.id}'`).toBe(true);
    }
    expect(covered.has('mine-f')).toBe(true);
  });

  for (const c of cases) {
    describe(labelOf(c), () => {
      for (const [name, S] of Object.entries(matrices)) {
        const logBaseline = c.learned ? learnedBaseline(S.length) : undefined;
        const run = (): { measured: Measured; ref: ReferenceBound } => {
          const ref = c.reference(logBaseline);
          const bound = registry.get(c.id).create(c.options as never);
          const measured = expectNoTensorLeakSync(() => measure(bound, S, logBaseline));
          return { measured, ref };
        };

        it(`estimate on the ${name} matrix`, () => {
          const { measured, ref } = run();
          expectNear(measured.estimate, ref.estimate(S), 1e-4, 'estimate');
        });

        it(`loss value on the ${name} matrix`, () => {
          const { measured, ref } = run();
          expectNear(measured.loss, ref.loss(S), 1e-4, 'loss');
        });

        it(`∂loss/∂S on the ${name} matrix`, () => {
          const { measured, ref } = run();
          expectGradientNear(measured.gradient, reference.referenceGradient(ref, S), 1e-4);
        });
      }
    });
  }
});

describe('mine over three steps against its reference', () => {
  const base = matrices['moderate'] as Matrix;
  const batches: Matrix[] = [
    base,
    base.map((row) => row.map((v) => Math.fround(v + 0.5))),
    base.map((row) => row.map((v) => Math.fround(2 * v))),
  ];

  it.each([
    [{ decay: 0.5 }],
    [{ decay: 0.25, debias: true }],
    [{ decay: 0.25, initial: 2 }],
    [{ decay: 0.25, initial: 2, clamp: { max: 1.5 } }],
    [{ decay: 0.25, clamp: { min: 2 } }],
    [{ decay: 0.5, marginals: 'shifted' }],
    [{ decay: 0.25, debias: true, marginals: 'shifted' }],
  ] as const)('%o: state, estimate, loss and gradient at each step', (options) => {
    expectNoTensorLeakSync(() => {
      const bound = registry.get('mine').create(options as never);
      let state = bound.initialState();
      let referenceState = reference.mineInitialState(options);
      for (const S of batches) {
        const ref = reference.mine(options, referenceState);
        const scores = tf.tensor2d(S as number[][]);
        const gradientTensor = tf.grad(
          (s) => bound.compute({ scores: s as tf.Tensor2D }, state).loss,
        )(scores);
        const output = bound.compute({ scores }, state);
        tf.dispose(Object.values(state));
        state = output.state;
        referenceState = ref.nextState(S);
        expectNear(output.estimate.dataSync()[0] as number, ref.estimate(S), 1e-5, 'estimate');
        expectNear(output.loss.dataSync()[0] as number, ref.loss(S), 1e-5, 'loss');
        expectNear(
          state['logAverage']!.dataSync()[0] as number,
          referenceState.logAverage,
          1e-5,
          'logAverage',
        );
        expect(state['steps']!.dataSync()[0]).toBe(referenceState.steps);
        expectGradientNear(
          gradientTensor.arraySync() as number[][],
          reference.referenceGradient(ref, S),
          1e-4,
        );
        tf.dispose([
          scores,
          gradientTensor,
          output.estimate,
          output.loss,
          ...Object.values(output.terms),
        ]);
      }
      tf.dispose(Object.values(state));
    });
  });
});

describe('interpolated (I_α) at a 20-nat separation', () => {
  const S = matrices['separated'] as Matrix;
  const n = S.length;

  it.each([[0.01], [0.5]])('α = %f: finite and within 1e-3 of the float64 value', (alpha) => {
    const expected = reference.interpolatedValue(S, { alpha });
    // The reference itself: the joint term reaches log(n − 1) − log α at this separation, and the
    // partition term is mean e^{S_ij − b(x_j, y_j)} ≈ mean e^{S_ij} ≈ 1 (off-diagonal scores ≈ 0,
    // b(x_j, y_j) ≈ 0), so I_α sits about 1 nat below its ceiling.
    const ceiling = reference.interpolatedCeiling(n, alpha);
    expect(Number.isFinite(expected)).toBe(true);
    expect(expected).toBeLessThanOrEqual(ceiling);
    expect(expected).toBeGreaterThan(ceiling - 1.1);
    const received = expectNoTensorLeakSync(() => {
      const scores = tf.tensor2d(S as number[][]);
      try {
        return evaluateBound(registry.get('interpolated').create({ alpha } as never), { scores })
          .estimate;
      } finally {
        scores.dispose();
      }
    });
    expect(Number.isFinite(received)).toBe(true);
    expect(
      Math.abs(received - expected),
      `received ${received}, reference ${expected}`,
    ).toBeLessThanOrEqual(1e-3);
  });

  it.each([[2], [8], [64], [512]])('ceiling(%i) = 1 + log(n − 1) − log α', (size) => {
    for (const alpha of [0.01, 0.5]) {
      const bound = registry.get('interpolated').create({ alpha } as never);
      const expected = 1 + Math.log(size - 1) - Math.log(alpha);
      expect(reference.interpolatedCeiling(size, alpha)).toBe(expected);
      expect(bound.ceiling(size)).toBeCloseTo(expected, 10);
    }
  });
});

describe('minee against its reference', () => {
  const next = uniforms(53);
  const vector = (length: number, scale: number) =>
    Array.from({ length }, () => Math.fround(scale * (2 * next() - 1)));
  // Data batch of 4, reference batch 3 × larger; then scores up to ±30.
  const inputs: Record<string, reference.EntropicReferenceScores> = {
    moderate: {
      jointData: vector(4, 2),
      jointReference: vector(12, 2),
      xData: vector(4, 2),
      xReference: vector(12, 2),
      yData: vector(4, 2),
      yReference: vector(12, 2),
    },
    wide: {
      jointData: vector(4, 30),
      jointReference: vector(12, 30),
      xData: vector(4, 30),
      xReference: vector(12, 30),
      yData: vector(4, 30),
      yReference: vector(12, 30),
    },
  };

  it.each(Object.entries(inputs))('%s: estimate, loss and gradients of the six heads', (_, e) => {
    const bound = registry.get('minee').create(undefined as never);
    const measured = expectNoTensorLeakSync(() => {
      const rows = reference.mineeAsRows(e).map((row) => tf.tensor1d(row));
      const asInputs = (t: readonly tf.Tensor[]): BoundInputs => {
        const [jointData, jointReference, xData, xReference, yData, yReference] =
          t as tf.Tensor1D[];
        return {
          entropic: {
            jointData: jointData!,
            jointReference: jointReference!,
            xData: xData!,
            xReference: xReference!,
            yData: yData!,
            yReference: yReference!,
          },
        };
      };
      try {
        const output = bound.compute(asInputs(rows), {});
        const estimate = output.estimate.dataSync()[0] as number;
        const loss = output.loss.dataSync()[0] as number;
        tf.dispose([output.estimate, output.loss, ...Object.values(output.terms)]);
        const gradients = tf.grads((...t: tf.Tensor[]) => bound.compute(asInputs(t), {}).loss)(
          rows,
        );
        const gradient = gradients.map((g) => Array.from(g.dataSync()));
        tf.dispose(gradients);
        return { estimate, loss, gradient };
      } finally {
        tf.dispose(rows);
      }
    });
    expectNear(measured.estimate, reference.minee.estimate(e), 1e-4, 'estimate');
    expectNear(measured.loss, reference.minee.loss(e), 1e-4, 'loss');
    const expected = reference.numericGradient(
      (rows) => reference.minee.objective(reference.mineeFromRows(rows)),
      reference.mineeAsRows(e),
    );
    expectGradientNear(measured.gradient, expected, 1e-4);
  });
});

describe('the reference helpers', () => {
  it('numericGradient is exact to float64 precision on a known gradient', () => {
    // f(S) = Σ S_ij³ has ∂f/∂S_ij = 3 S_ij².
    const S = [
      [1, -2],
      [0.5, 3],
    ];
    const f = (M: Matrix) => M.flat().reduce((sum, v) => sum + v ** 3, 0);
    const g = reference.numericGradient(f, S);
    S.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(Math.abs((g[i]?.[j] ?? Number.NaN) - 3 * v * v)).toBeLessThan(1e-8);
      });
    });
  });

  it('logSumExp neither overflows nor underflows', () => {
    expect(reference.logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 12);
    expect(reference.logSumExp([-1000, -1000])).toBeCloseTo(-1000 + Math.log(2), 12);
    expect(reference.logSumExp([Number.NEGATIVE_INFINITY, 0])).toBe(0);
    expect(reference.softplus(1000)).toBe(1000);
    expect(reference.softplus(-1000)).toBeCloseTo(Math.exp(-1000), 300);
  });
});
