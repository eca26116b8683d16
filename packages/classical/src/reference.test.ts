// The estimators against test/reference.py: the papers' formulas evaluated by brute force in
// NumPy/SciPy (O(n²) distance matrices, scipy.special.digamma) on the data stored in each fixture.
import { readFileSync } from 'node:fs';
import { gaussianMI, klEstimator, ksg, type Matrix, mixedKsg } from '@mi/classical';
import { NonFiniteEstimateError } from '@mi/spec';
import { describe, expect, it } from 'vitest';
import { digamma } from './special-functions';

interface Fixture {
  name: string;
  description: string;
  x: { rows: number; columns: number; data: number[] };
  y: { rows: number; columns: number; data: number[] };
  values: {
    ksg1: Record<string, number>;
    ksg2: Record<string, number>;
    mixedKsg: Record<string, number>;
    mixedKsgAuthors: Record<string, number>;
    klEuclidean: Record<string, number | null>;
    klMax: Record<string, number | null>;
    gaussian: number | null;
    canonicalCorrelations: number[] | null;
    sklearnKsg1?: Record<string, number>;
    ksg1Standardized?: Record<string, number>;
  };
}

const fixtureDirectory = new URL('../test/fixtures/', import.meta.url);

function load(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDirectory), 'utf8')) as Fixture;
}

function matrix(m: Fixture['x']): Matrix {
  return { rows: m.rows, columns: m.columns, data: Float64Array.from(m.data) };
}

/** Both implementations sum the same terms in float64; only the summation order differs. */
const TOLERANCE = 1e-9;

const names = [
  'gaussian-1d',
  'gaussian-2x3',
  'rounded',
  'discrete-continuous',
  'discrete',
  'duplicate-rows',
];

describe.each(names)('reference values: %s', (name) => {
  const fixture = load(name);
  const x = matrix(fixture.x);
  const y = matrix(fixture.y);
  const { values } = fixture;

  it.each([1, 3, 5])('KSG algorithms 1 and 2, k = %i', (k) => {
    expect(Math.abs(ksg(x, y, { k }).estimate - (values.ksg1[k] as number))).toBeLessThan(
      TOLERANCE,
    );
    expect(
      Math.abs(ksg(x, y, { k, algorithm: 2 }).estimate - (values.ksg2[k] as number)),
    ).toBeLessThan(TOLERANCE);
  });

  it.each([1, 3, 5])('Mixed KSG, paper and authors-code variants, k = %i', (k) => {
    expect(Math.abs(mixedKsg(x, y, { k }).estimate - (values.mixedKsg[k] as number))).toBeLessThan(
      TOLERANCE,
    );
    expect(
      Math.abs(
        mixedKsg(x, y, { k, variant: 'authors-code' }).estimate -
          (values.mixedKsgAuthors[k] as number),
      ),
    ).toBeLessThan(TOLERANCE);
  });

  it.each([1, 3, 5])('Kozachenko–Leonenko, Euclidean and max-norm, k = %i', (k) => {
    for (const [norm, expected] of [
      ['euclidean', values.klEuclidean[k]],
      ['max', values.klMax[k]],
    ] as const) {
      if (expected === null || expected === undefined) {
        // The reference found a zero k-NN distance: the estimator is −∞ there.
        expect(() => klEstimator(x, y, { k, norm })).toThrow(NonFiniteEstimateError);
      } else {
        expect(Math.abs(klEstimator(x, y, { k, norm }).estimate - expected)).toBeLessThan(
          TOLERANCE,
        );
      }
    }
  });

  it('Gaussian closed form and canonical correlations', () => {
    if (values.gaussian === null || values.canonicalCorrelations === null) {
      expect(() => gaussianMI(x, y)).toThrow(NonFiniteEstimateError);
      return;
    }
    const result = gaussianMI(x, y);
    const expected = values.canonicalCorrelations;
    expect(Math.abs(result.estimate - values.gaussian)).toBeLessThan(TOLERANCE);
    expect(result.canonicalCorrelations).toHaveLength(expected.length);
    result.canonicalCorrelations.forEach((rho, i) => {
      expect(Math.abs(rho - (expected[i] as number))).toBeLessThan(TOLERANCE);
    });
  });

  if (values.sklearnKsg1 !== undefined) {
    it.each([1, 3, 5])('KSG 1 on standardised data equals scikit-learn, k = %i', (k) => {
      const ours = ksg(x, y, { k, standardize: true }).estimate;
      expect(Math.abs(ours - (values.ksg1Standardized?.[k] as number))).toBeLessThan(TOLERANCE);
      // scikit-learn adds noise of relative size 1e-10 and clips at 0; on this continuous data no
      // count changes, so the values agree to rounding.
      expect(Math.abs(ours - (values.sklearnKsg1?.[k] as number))).toBeLessThan(TOLERANCE);
    });
  }
});

describe('digamma', () => {
  const table = JSON.parse(readFileSync(new URL('digamma.json', fixtureDirectory), 'utf8')) as {
    x: number[];
    digamma: number[];
  };

  it('matches scipy.special.digamma to 1e-14 relative', () => {
    table.x.forEach((x, i) => {
      const expected = table.digamma[i] as number;
      expect(Math.abs(digamma(x) - expected)).toBeLessThan(1e-14 * Math.max(1, Math.abs(expected)));
    });
  });

  it('satisfies ψ(1) = −γ and ψ(n + 1) = ψ(n) + 1/n', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 15);
    for (let n = 1; n < 200; n++) {
      expect(Math.abs(digamma(n + 1) - digamma(n) - 1 / n)).toBeLessThan(1e-14);
    }
    expect(digamma(0)).toBeNaN();
    expect(digamma(-1)).toBeNaN();
  });
});
