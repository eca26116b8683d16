import { createRandom } from '@mi/core';
import {
  correlatedGaussian,
  gaussianMI,
  labelledGaussians,
  mixedGaussian,
  type TabularData,
} from '@mi/datasets';
import { InvalidArgumentError, type RandomSource } from '@mi/spec';

/** A task with a known MI that draws a finite data set of any size. */
export interface EstimationTask {
  readonly id: string;
  readonly description: string;
  /** I(X; Y) in nats. */
  readonly trueMI: number;
  /** `rows` pairs, seeded. */
  draw(rows: number, seed: number): TabularData;
}

/** A task from a function that fills X and Y row by row (float64). */
function task(
  id: string,
  description: string,
  trueMI: number,
  columns: { x: number; y: number },
  fill: (random: RandomSource, x: Float64Array, y: Float64Array) => void,
): EstimationTask {
  return {
    id,
    description,
    trueMI,
    draw(rows, seed) {
      const random = createRandom(seed);
      const x = new Float64Array(rows * columns.x);
      const y = new Float64Array(rows * columns.y);
      for (let r = 0; r < rows; r++) {
        fill(
          random,
          x.subarray(r * columns.x, (r + 1) * columns.x),
          y.subarray(r * columns.y, (r + 1) * columns.y),
        );
      }
      return tabular(`${id}[${rows}, seed ${seed}]`, x, columns.x, y, columns.y, rows);
    },
  };
}

/** A task from a sampler of @mi/datasets, with optional warps of its columns (MI unchanged). */
function fromSampler(
  id: string,
  description: string,
  sampler: ReturnType<typeof correlatedGaussian> | ReturnType<typeof mixedGaussian>,
  warp: { x?: (v: number) => number; y?: (v: number) => number } = {},
): EstimationTask {
  const { x: xShape, y: yShape } = sampler.shape;
  const xColumns = xShape.reduce((a, b) => a * b, 1);
  const yColumns = yShape.reduce((a, b) => a * b, 1);
  return {
    id,
    description,
    trueMI: sampler.trueMI as number,
    draw(rows, seed) {
      const drawn = sampler.sampleArrays(rows, createRandom(seed));
      const x = Float64Array.from(drawn.x, warp.x ?? ((v) => v));
      const y = Float64Array.from(drawn.y, warp.y ?? ((v) => v));
      return tabular(`${id}[${rows}, seed ${seed}]`, x, xColumns, y, yColumns, rows);
    },
  };
}

function tabular(
  source: string,
  x: Float64Array,
  xColumns: number,
  y: Float64Array,
  yColumns: number,
  rows: number,
): TabularData {
  return {
    source,
    x: { rows, columns: xColumns, data: x },
    y: { rows, columns: yColumns, data: y },
    xColumns: Array.from({ length: xColumns }, (_, k) => k),
    yColumns: Array.from({ length: yColumns }, (_, k) => k),
    droppedRows: 0,
    droppedRowNumbers: [],
  };
}

const rho = 0.8;
const warpRho = 0.9;

/**
 * The suite `mi bench estimate-defaults` measures the defaults of `mi estimate` on: Gaussians of
 * several dimensions and MI, monotone warps of them (MI is invariant), a mixture, a
 * discrete–continuous pair, and independent data.
 */
export const estimationTasks: readonly EstimationTask[] = [
  fromSampler(
    'gaussian-1d',
    'x, y ~ N(0, 1), corr 0.8',
    correlatedGaussian({ dimension: 1, mi: gaussianMI(rho, 1) }),
  ),
  task(
    'x0-plus-noise-5d',
    'x ~ N(0, I₅), y = x₀ + N(0, 0.5²): ½ log 5',
    0.5 * Math.log(5),
    { x: 5, y: 1 },
    (random, x, y) => {
      for (let k = 0; k < 5; k++) x[k] = random.normal();
      y[0] = (x[0] as number) + 0.5 * random.normal();
    },
  ),
  fromSampler(
    'gaussian-5d-mi1',
    '5 + 5 correlated Gaussians, MI 1',
    correlatedGaussian({ dimension: 5, mi: 1 }),
  ),
  fromSampler(
    'gaussian-5d-mi3',
    '5 + 5 correlated Gaussians, MI 3',
    correlatedGaussian({ dimension: 5, mi: 3 }),
  ),
  fromSampler(
    'cubic-5d-mi1',
    'gaussian-5d-mi1 with y ↦ y³',
    correlatedGaussian({ dimension: 5, mi: 1 }),
    { y: (v) => v ** 3 },
  ),
  fromSampler(
    'warped-1d',
    'corr 0.9 Gaussians with x ↦ eˣ and y ↦ y³',
    correlatedGaussian({ dimension: 1, mi: gaussianMI(warpRho, 1) }),
    { x: Math.exp, y: (v) => v ** 3 },
  ),
  fromSampler('mixture-mg0.9', "MI-NEE's mixture MG(0.9)", mixedGaussian({ rho: 0.9 })),
  (() => {
    const sampler = labelledGaussians({ classes: 4, separation: 2 });
    return {
      id: 'labels-4',
      description: 'x: one of 4 classes; y = 2·(class − 1.5) + N(0, 1)',
      trueMI: sampler.trueMI as number,
      draw(rows: number, seed: number) {
        const drawn = sampler.sampleArrays(rows, createRandom(seed));
        return tabular(
          `labels-4[${rows}, seed ${seed}]`,
          Float64Array.from(drawn.x),
          1,
          Float64Array.from(drawn.y),
          1,
          rows,
        );
      },
    };
  })(),
  task('independent-3d', 'x, y ~ N(0, I₃), independent', 0, { x: 3, y: 3 }, (random, x, y) => {
    for (let k = 0; k < 3; k++) {
      x[k] = random.normal();
      y[k] = random.normal();
    }
  }),
];

/** Looks tasks up by id (all of them by default). */
export function selectTasks(ids?: readonly string[]): readonly EstimationTask[] {
  if (ids === undefined) return estimationTasks;
  const known = estimationTasks.map((t) => t.id);
  for (const id of ids) {
    if (!known.includes(id)) {
      throw new InvalidArgumentError({
        functionName: 'estimate-defaults benchmark',
        parameter: 'tasks',
        value: id,
        expected: `one of ${known.join(', ')}`,
      });
    }
  }
  return estimationTasks.filter((t) => ids.includes(t.id));
}
