import { describe, expect, it } from 'vitest';
import { KdTree, type TreeNorm } from './kd-tree';
import type { Matrix } from './matrix';
import { createNormalStream } from './preprocessing';

/** Points with many ties: coordinates on a coarse grid, plus exact duplicate rows. */
function tiedPoints(rows: number, columns: number, seed: number, grid: number): Matrix {
  const normal = createNormalStream(seed);
  const data = new Float64Array(rows * columns);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(normal() * grid) / grid;
  // Every 7th row is a copy of an earlier row.
  for (let r = 7; r < rows; r += 7) {
    const source = (r * 5) % 11 === 0 ? 0 : Math.floor(r / 3);
    data.copyWithin(r * columns, source * columns, (source + 1) * columns);
  }
  return { rows, columns, data };
}

function continuousPoints(rows: number, columns: number, seed: number): Matrix {
  const normal = createNormalStream(seed);
  return { rows, columns, data: Float64Array.from({ length: rows * columns }, () => normal()) };
}

function bruteDistance(m: Matrix, a: number, b: number, norm: TreeNorm): number {
  let result = 0;
  for (let c = 0; c < m.columns; c++) {
    const delta = (m.data[b * m.columns + c] as number) - (m.data[a * m.columns + c] as number);
    if (norm === 'max') result = Math.max(result, Math.abs(delta));
    else result += delta * delta;
  }
  return norm === 'max' ? result : Math.sqrt(result);
}

/** All other rows sorted by (distance, index): the order kNearest promises. */
function bruteNeighbors(
  m: Matrix,
  row: number,
  norm: TreeNorm,
): { index: number; distance: number }[] {
  const all: { index: number; distance: number }[] = [];
  for (let j = 0; j < m.rows; j++) {
    if (j !== row) all.push({ index: j, distance: bruteDistance(m, row, j, norm) });
  }
  return all.sort((a, b) => a.distance - b.distance || a.index - b.index);
}

describe('KdTree', () => {
  const cases: { name: string; matrix: Matrix; norm: TreeNorm; leafSize: number }[] = [
    { name: '1-D ties, max', matrix: tiedPoints(300, 1, 1, 4), norm: 'max', leafSize: 4 },
    { name: '2-D ties, max', matrix: tiedPoints(300, 2, 2, 3), norm: 'max', leafSize: 12 },
    {
      name: '3-D ties, euclidean',
      matrix: tiedPoints(250, 3, 3, 2),
      norm: 'euclidean',
      leafSize: 5,
    },
    { name: '5-D continuous, max', matrix: continuousPoints(250, 5, 4), norm: 'max', leafSize: 12 },
    {
      name: '4-D continuous, euclidean',
      matrix: continuousPoints(250, 4, 5),
      norm: 'euclidean',
      leafSize: 1,
    },
    {
      name: 'all rows equal',
      matrix: { rows: 40, columns: 2, data: new Float64Array(80).fill(1.5) },
      norm: 'max',
      leafSize: 4,
    },
  ];

  for (const { name, matrix, norm, leafSize } of cases) {
    it(`finds the same k nearest neighbours as brute force (${name})`, () => {
      const tree = new KdTree(matrix, { norm, leafSize });
      for (const k of [1, 2, 5, 17]) {
        const indices = new Int32Array(k);
        const distances = new Float64Array(k);
        for (let row = 0; row < matrix.rows; row++) {
          const expected = bruteNeighbors(matrix, row, norm).slice(0, k);
          const kth = tree.kNearest(row, k, indices, distances, true);
          expect(Array.from(indices)).toEqual(expected.map((e) => e.index));
          expect(Array.from(distances)).toEqual(expected.map((e) => e.distance));
          expect(kth).toBe(expected[k - 1]?.distance);
          // Without identity only the distances are promised.
          tree.kNearest(row, k, indices, distances, false);
          expect(Array.from(distances)).toEqual(expected.map((e) => e.distance));
        }
      }
    });

    it(`counts points within a radius as brute force, < and ≤, itself excluded (${name})`, () => {
      const tree = new KdTree(matrix, { norm, leafSize });
      for (let row = 0; row < matrix.rows; row++) {
        const sorted = bruteNeighbors(matrix, row, norm);
        // Radii exactly at neighbour distances (where < and ≤ differ), 0, and in between.
        const radii = [0, ...[0, 1, 3, 10, 40].map((i) => sorted[i]?.distance ?? 0)];
        radii.push((radii[2] as number) * 0.5 + (radii[3] as number) * 0.5, 1e9);
        for (const radius of radii) {
          const strict = sorted.filter((e) => e.distance < radius).length;
          const inclusive = sorted.filter((e) => e.distance <= radius).length;
          expect(tree.countWithin(row, radius, false)).toBe(strict);
          expect(tree.countWithin(row, radius, true)).toBe(inclusive);
        }
      }
    });
  }

  it('measures distances as the brute force does', () => {
    const m = continuousPoints(50, 3, 9);
    const tree = new KdTree(m, { norm: 'euclidean' });
    expect(tree.distanceBetween(3, 17)).toBe(bruteDistance(m, 3, 17, 'euclidean'));
    expect(tree.distanceBetween(17, 3)).toBe(bruteDistance(m, 3, 17, 'euclidean'));
  });

  it('takes O(n log n) distance evaluations: 4× the points costs far less than 16× the work', () => {
    // KSG's queries in 2-D: 3 nearest neighbours in the joint space, then counts in each marginal.
    const work = (rows: number): number => {
      const joint = continuousPoints(rows, 2, 11);
      const x = { rows, columns: 1, data: joint.data.filter((_, i) => i % 2 === 0) };
      const trees = [new KdTree(joint), new KdTree(x)];
      const indices = new Int32Array(3);
      const distances = new Float64Array(3);
      for (let row = 0; row < rows; row++) {
        const radius = (trees[0] as KdTree).kNearest(row, 3, indices, distances, false);
        (trees[1] as KdTree).countWithin(row, radius, false);
      }
      return trees.reduce((sum, t) => sum + t.work.distanceEvaluations + t.work.nodesVisited, 0);
    };
    const small = work(10_000);
    const large = work(40_000);
    // n log n predicts 4 × log(40k)/log(10k) ≈ 4.6; brute force would be 16.
    expect(large / small).toBeLessThan(6);
    expect(large / small).toBeGreaterThan(3);
    // And the per-point work is small: tens of evaluations, not thousands.
    expect(small / 10_000).toBeLessThan(200);
  });
});
