import {
  classicalEstimatorIds,
  classicalEstimators,
  gaussianMI,
  getClassicalEstimator,
  klEntropy,
  klEstimator,
  ksg,
  type Matrix,
  mixedKsg,
} from '@mi/classical';
import {
  InvalidArgumentError,
  MIError,
  NonFiniteEstimateError,
  NoSuchPluginError,
  ShapeMismatchError,
} from '@mi/spec';
import { describe, expect, it } from 'vitest';
import { createNormalStream } from './preprocessing';

function gaussianPair(rows: number, seed: number, dx = 1, dy = 1): { x: Matrix; y: Matrix } {
  const normal = createNormalStream(seed);
  const x = Float64Array.from({ length: rows * dx }, () => normal());
  const y = new Float64Array(rows * dy);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dy; c++) y[r * dy + c] = 0.7 * (x[r * dx + (c % dx)] as number) + normal();
  }
  return { x: { rows, columns: dx, data: x }, y: { rows, columns: dy, data: y } };
}

function column(values: number[]): Matrix {
  return { rows: values.length, columns: 1, data: Float64Array.from(values) };
}

/** Runs `run` and returns what it threw, to check the type and fields of an error. */
function thrown(run: () => unknown): MIError {
  try {
    run();
  } catch (error) {
    expect(MIError.isInstance(error)).toBe(true);
    return error as MIError;
  }
  throw new Error('expected an error');
}

const { x, y } = gaussianPair(200, 1);

describe('input validation (every k-NN estimator)', () => {
  const runners = {
    ksg: (a: unknown, b: unknown, o?: unknown) => ksg(a as Matrix, b as Matrix, o as never),
    mixedKsg: (a: unknown, b: unknown, o?: unknown) =>
      mixedKsg(a as Matrix, b as Matrix, o as never),
    klEstimator: (a: unknown, b: unknown, o?: unknown) =>
      klEstimator(a as Matrix, b as Matrix, o as never),
  };

  describe.each(Object.entries(runners))('%s', (functionName, run) => {
    const invalid = (a: unknown, b: unknown, o: unknown, parameter: string) => {
      const error = thrown(() => run(a, b, o));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).parameter).toBe(parameter);
      expect((error as InvalidArgumentError).functionName).toBe(functionName);
      expect(error.message).toContain(functionName);
    };

    it('rejects what is not a matrix, naming the argument', () => {
      invalid(null, y, {}, 'x');
      invalid(x, [[1], [2]], {}, 'y');
      invalid({ rows: 1.5, columns: 1, data: new Float64Array(2) }, y, {}, 'x.rows');
      invalid({ rows: 200, columns: 0, data: new Float64Array(0) }, y, {}, 'x.columns');
      invalid(x, { rows: 200, columns: 1, data: new Float32Array(200) }, {}, 'y.data');
    });

    it('rejects NaN and ±Infinity, naming the row and column', () => {
      const data = Float64Array.from(y.data);
      data[17] = Number.NaN;
      invalid(x, { ...y, data }, {}, 'y[17][0]');
      const wide = { rows: 200, columns: 2, data: new Float64Array(400) };
      wide.data[5] = Number.POSITIVE_INFINITY;
      invalid(wide, y, {}, 'x[2][1]');
    });

    it('rejects mismatched shapes with ShapeMismatchError', () => {
      const rows = thrown(() =>
        run(x, { rows: 199, columns: 1, data: y.data.subarray(0, 199) }, {}),
      );
      expect(ShapeMismatchError.isInstance(rows)).toBe(true);
      expect((rows as ShapeMismatchError).parameter).toBe('y');
      expect((rows as ShapeMismatchError).received).toEqual([199, 1]);
      const length = thrown(() => run({ rows: 200, columns: 2, data: x.data }, y, {}));
      expect(ShapeMismatchError.isInstance(length)).toBe(true);
      expect((length as ShapeMismatchError).parameter).toBe('x');
    });

    it('rejects bad k, including k ≥ rows, and too few rows', () => {
      for (const k of [0, -1, 2.5, Number.NaN, '3']) invalid(x, y, { k }, 'k');
      invalid(x, y, { k: 200 }, 'k');
      expect(() => run(x, y, { k: 199 })).not.toThrow();
      invalid(column([1]), column([2]), {}, 'x.rows');
    });

    it('rejects bad shared options and unknown keys', () => {
      invalid(x, y, { jitter: -1 }, 'jitter');
      invalid(x, y, { jitter: Number.NaN }, 'jitter');
      invalid(x, y, { seed: 0.5 }, 'seed');
      invalid(x, y, { standardize: 'yes' }, 'standardize');
      invalid(x, y, { neighbours: 3 }, 'neighbours');
      invalid(x, y, 'k=3', 'options');
    });
  });

  it('rejects the estimator-specific options', () => {
    expect(() => ksg(x, y, { algorithm: 3 as 1 })).toThrow(/ksg: invalid option 'algorithm'/);
    expect(() => mixedKsg(x, y, { variant: 'code' as 'paper' })).toThrow(
      /mixedKsg: invalid option 'variant'/,
    );
    expect(() => klEstimator(x, y, { norm: 'l1' as 'max' })).toThrow(
      /klEstimator: invalid option 'norm'/,
    );
    // Options of one estimator are unknown to another.
    expect(() => mixedKsg(x, y, { algorithm: 2 } as never)).toThrow(InvalidArgumentError);
  });
});

describe('ksg', () => {
  it('is symmetric in x and y and invariant to reordering the samples', () => {
    for (const algorithm of [1, 2] as const) {
      const forward = ksg(x, y, { algorithm }).estimate;
      expect(ksg(y, x, { algorithm }).estimate).toBeCloseTo(forward, 12);
      const order = Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
      const px = column(order.map((i) => x.data[i] as number));
      const py = column(order.map((i) => y.data[i] as number));
      expect(ksg(px, py, { algorithm }).estimate).toBeCloseTo(forward, 12);
    }
  });

  it('reports the estimator, k and rows', () => {
    expect(ksg(x, y, { k: 4 })).toMatchObject({ estimator: 'ksg', k: 4, rows: 200 });
    expect(ksg(x, y, { algorithm: 2 })).toMatchObject({ estimator: 'ksg2', k: 3, rows: 200 });
  });

  it('with standardize, is invariant to rescaling a column', () => {
    const scaled = column(Array.from(x.data, (v) => 1000 * v + 5));
    expect(ksg(scaled, y).estimate).not.toBeCloseTo(ksg(x, y).estimate, 3);
    expect(ksg(scaled, y, { standardize: true }).estimate).toBeCloseTo(
      ksg(x, y, { standardize: true }).estimate,
      9,
    );
  });

  it('jitter is off by default, seeded, and breaks the ties of repeated values', () => {
    const rounded = column(Array.from(x.data, (v) => Math.round(v)));
    const plain = ksg(rounded, y).estimate;
    expect(ksg(rounded, y, { jitter: 0 }).estimate).toBe(plain);
    const jittered = ksg(rounded, y, { jitter: 1e-10, seed: 5 }).estimate;
    expect(jittered).not.toBe(plain);
    expect(ksg(rounded, y, { jitter: 1e-10, seed: 5 }).estimate).toBe(jittered);
    expect(ksg(rounded, y, { jitter: 1e-10, seed: 6 }).estimate).not.toBe(jittered);
    // Continuous data: the tiny noise changes no count.
    expect(ksg(x, y, { jitter: 1e-10 }).estimate).toBeCloseTo(ksg(x, y).estimate, 12);
  });
});

describe('klEstimator and klEntropy', () => {
  it('estimates the entropy of a standard normal (½ log 2πe ≈ 1.419)', () => {
    const normal = createNormalStream(12);
    const sample = column(Array.from({ length: 4000 }, () => normal()));
    expect(
      Math.abs(klEntropy(sample, { k: 3 }) - 0.5 * Math.log(2 * Math.PI * Math.E)),
    ).toBeLessThan(0.06);
    // In 1-D the Euclidean and max-norms coincide.
    expect(klEntropy(sample, { norm: 'max' })).toBeCloseTo(klEntropy(sample), 12);
  });

  it('throws NonFiniteEstimateError on duplicates, and jitter is the way out', () => {
    const repeated = column(Array.from({ length: 200 }, (_, i) => i % 20));
    const error = thrown(() => klEstimator(repeated, y));
    expect(NonFiniteEstimateError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/jitter/);
    expect(Number.isFinite(klEstimator(repeated, y, { jitter: 1e-6 }).estimate)).toBe(true);
  });

  it('rejects bad entropy arguments', () => {
    expect(() => klEntropy(x, { k: 200 })).toThrow(/klEntropy: invalid option 'k'/);
    expect(() => klEntropy(x, { norm: 'l2' as 'max' })).toThrow(/klEntropy: invalid option 'norm'/);
    expect(() => klEntropy({ rows: 2, columns: 1, data: new Float64Array(3) })).toThrow(
      ShapeMismatchError,
    );
    expect(() => klEntropy(x, { jitter: 1 } as never)).toThrow(/invalid option 'jitter'/);
  });
});

describe('gaussianMI', () => {
  it('is invariant to invertible affine maps of x and of y', () => {
    const pair = gaussianPair(300, 4, 2, 3);
    const base = gaussianMI(pair.x, pair.y);
    const mixed = new Float64Array(600);
    for (let r = 0; r < 300; r++) {
      const a = pair.x.data[2 * r] as number;
      const b = pair.x.data[2 * r + 1] as number;
      mixed[2 * r] = 3 * a + b + 100;
      mixed[2 * r + 1] = a - 2e-3 * b - 7;
    }
    const transformed = gaussianMI({ rows: 300, columns: 2, data: mixed }, pair.y);
    expect(transformed.estimate).toBeCloseTo(base.estimate, 10);
    expect(transformed.canonicalCorrelations).toHaveLength(2);
    transformed.canonicalCorrelations.forEach((rho, i) => {
      expect(rho).toBeCloseTo(base.canonicalCorrelations[i] as number, 10);
    });
  });

  it('keeps its accuracy when a canonical correlation is within 1e-12 of 1', () => {
    // x and e are centred and orthogonal with equal norms, y = x + δe: exactly 1 − r² = δ²/(1 + δ²),
    // so I = ½ log(1 + 1/δ²). From r itself, 1 − r² would keep only ~4 digits at δ = 1e-6.
    const n = 400;
    const delta = 1e-6;
    const xs = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const es = Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 1 : -1));
    const ys = xs.map((v, i) => v + delta * (es[i] as number));
    const result = gaussianMI(column(xs), column(ys));
    expect(Math.abs(result.estimate - 0.5 * Math.log1p(1 / (delta * delta)))).toBeLessThan(1e-8);
    expect(result).toMatchObject({ estimator: 'gaussian', rows: n });
    expect(result.k).toBeUndefined();
  });

  it('rejects singular inputs and reports an infinite MI as NonFiniteEstimateError', () => {
    const constant = thrown(() =>
      gaussianMI(column(new Array(10).fill(2)), column([...Array(10).keys()])),
    );
    expect(InvalidArgumentError.isInstance(constant)).toBe(true);
    expect((constant as InvalidArgumentError).parameter).toBe('x');
    expect(constant.message).toMatch(/column 0 is constant/);

    const pair = gaussianPair(50, 8, 1, 2);
    const collinear = Float64Array.from(pair.y.data);
    for (let r = 0; r < 50; r++) collinear[2 * r + 1] = 2 * (collinear[2 * r] as number) + 1;
    const dependent = thrown(() => gaussianMI(pair.x, { rows: 50, columns: 2, data: collinear }));
    expect((dependent as InvalidArgumentError).parameter).toBe('y');
    expect(dependent.message).toMatch(/linear combination/);

    const linear = column(Array.from(pair.x.data, (v) => 3 * v - 1));
    expect(() => gaussianMI(pair.x, linear)).toThrow(NonFiniteEstimateError);

    const few = thrown(() =>
      gaussianMI(column([1, 2, 3]), {
        rows: 3,
        columns: 2,
        data: Float64Array.of(1, 5, 2, 3, 4, 4),
      }),
    );
    expect((few as InvalidArgumentError).parameter).toBe('x.rows');
    expect(() => gaussianMI(x, y, { k: 3 } as never)).toThrow(/gaussianMI: invalid option 'k'/);
    expect(() => gaussianMI(x, column([1, 2]))).toThrow(ShapeMismatchError);
  });
});

describe('classicalEstimators', () => {
  it('lists every estimator under its id, with a description and references', () => {
    expect(Object.keys(classicalEstimators).sort()).toEqual([...classicalEstimatorIds].sort());
    for (const id of classicalEstimatorIds) {
      const entry = classicalEstimators[id];
      expect(entry.id).toBe(id);
      expect(entry.displayName.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeGreaterThan(20);
      expect(entry.references.length).toBeGreaterThan(0);
      expect(getClassicalEstimator(id)).toBe(entry);
    }
  });

  it('runs each estimator as its function does', () => {
    const options = { k: 4 };
    expect(classicalEstimators.ksg.estimate(x, y, options)).toEqual(ksg(x, y, options));
    expect(classicalEstimators.ksg2.estimate(x, y, options)).toEqual(
      ksg(x, y, { ...options, algorithm: 2 }),
    );
    expect(classicalEstimators['mixed-ksg'].estimate(x, y, options)).toEqual(
      mixedKsg(x, y, options),
    );
    expect(classicalEstimators.kl.estimate(x, y, options)).toEqual(klEstimator(x, y, options));
    expect(classicalEstimators.gaussian.estimate(x, y)).toEqual(gaussianMI(x, y));
    expect(classicalEstimators.gaussian.estimate(x, y, { k: undefined })).toEqual(gaussianMI(x, y));
    for (const id of classicalEstimatorIds) {
      expect(classicalEstimators[id].estimate(x, y).estimator).toBe(id);
    }
  });

  it('the Gaussian entry rejects k-NN options instead of ignoring them', () => {
    const error = thrown(() => classicalEstimators.gaussian.estimate(x, y, { k: 3 }));
    expect((error as InvalidArgumentError).parameter).toBe('k');
    expect(classicalEstimators.gaussian.usesNeighbors).toBe(false);
  });

  it('an unknown id throws NoSuchPluginError listing the known ids', () => {
    const error = thrown(() => getClassicalEstimator('kraskov'));
    expect(NoSuchPluginError.isInstance(error)).toBe(true);
    expect((error as NoSuchPluginError).knownIds).toEqual(classicalEstimatorIds);
    expect(error.message).toMatch(/ksg, ksg2, mixed-ksg, kl, gaussian/);
    expect(() => getClassicalEstimator('toString')).toThrow(NoSuchPluginError);
  });
});
