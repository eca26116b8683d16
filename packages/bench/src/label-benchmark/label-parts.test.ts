import { createRandom } from '@mi/core';
import { labelEntropy, loadMnist } from '@mi/datasets';
import type { BenchmarkRecord, RandomSource } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { toPluginSpec, withDefaultRegistries } from '../specs';
import { augmentImages } from './augment';
import { boundFamily, expandLambdas, TABLE1_BOUNDS } from './bound-families';
import { perfectClassifierEstimate } from './ideal-values';
import { ablationSeries, clippedMI, intervalText } from './label-report';
import { accuracy, nearestNeighbourLabels } from './nearest-neighbour';

/** Runs `body` and checks that it leaves as many tensors as it found. */
async function expectNoTensorLeak<T>(body: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await body();
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  return result;
}

describe('ideal values of the SLB and CLB', () => {
  it('H(Y) is the entropy of the label counts', () => {
    // Counts 3, 1: −(¾ log ¾ + ¼ log ¼).
    expect(labelEntropy(Uint8Array.of(0, 0, 0, 1), 2)).toBeCloseTo(
      -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)),
      14,
    );
    expect(labelEntropy(Uint8Array.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4), 5)).toBeCloseTo(
      Math.log(5),
      14,
    );
  });

  it('the perfect classifier at batch size n matches a hand enumeration of every batch', () => {
    // Labels a, b, c of class 0 and d of class 1, batches of 3 out of 4 (each equally likely):
    // {a,b,c}: every row shares its label with 3 → log 3 − log 3 = 0;
    // {a,b,d}, {a,c,d}, {b,c,d}: two rows share with 2, one with 1 → log 3 − (2 log 2)/3.
    const byHand = (0 + 3 * (Math.log(3) - (2 * Math.log(2)) / 3)) / 4;
    expect(perfectClassifierEstimate([0, 0, 0, 1], 2, 3)).toBeCloseTo(byHand, 14);
    // Two of each class, n = 2: the partner shares the label with probability 1/3.
    expect(perfectClassifierEstimate([0, 0, 1, 1], 2, 2)).toBeCloseTo(
      Math.log(2) - Math.log(2) / 3,
      14,
    );
    // n = 1: a single row always scores log 1 − log 1 = 0; n = N: c = the class counts.
    expect(perfectClassifierEstimate([0, 1, 1], 2, 1)).toBe(0);
    expect(perfectClassifierEstimate([0, 1, 1], 2, 3)).toBeCloseTo(
      Math.log(3) - (2 / 3) * Math.log(2),
      14,
    );
  });

  it('is about 2.2 nats on MNIST at n = 64, below H(Y) ≈ log 10', () => {
    const { train } = loadMnist();
    const value = perfectClassifierEstimate(train.labels, 10, 64);
    expect(value).toBeGreaterThan(2.1);
    expect(value).toBeLessThan(2.3);
    expect(labelEntropy(train.labels, 10)).toBeGreaterThan(value);
  });
});

describe('nearest-neighbour accuracy in blocks', () => {
  it('gives the labels of a brute-force float64 argmax, block sizes that do not divide the sets', async () => {
    const random = createRandom(4);
    const [nTrain, nTest, width] = [37, 23, 5];
    const train = Float32Array.from(random.fillNormal(new Float64Array(nTrain * width)));
    const test = Float32Array.from(random.fillNormal(new Float64Array(nTest * width)));
    const labels = Array.from({ length: nTrain }, () => random.integer(0, 4));
    const expected = Array.from({ length: nTest }, (_v, i) => {
      let best = Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let j = 0; j < nTrain; j++) {
        let dot = 0;
        for (let k = 0; k < width; k++)
          dot += (test[i * width + k] as number) * (train[j * width + k] as number);
        if (dot > best) {
          best = dot;
          arg = j;
        }
      }
      return labels[arg] as number;
    });
    const trainEmbeddings = tf.tensor2d(train, [nTrain, width]);
    const testEmbeddings = tf.tensor2d(test, [nTest, width]);
    const predicted = await expectNoTensorLeak(() =>
      nearestNeighbourLabels({
        trainEmbeddings,
        trainLabels: labels,
        testEmbeddings,
        testChunk: 5,
        trainChunk: 8,
      }),
    );
    expect(Array.from(predicted)).toEqual(expected);
    expect(accuracy(predicted, expected)).toBe(1);
    expect(accuracy([1, 2, 3, 4], [1, 0, 3, 0])).toBe(0.5);
    tf.dispose([trainEmbeddings, testEmbeddings]);
  });
});

describe('report statistics', () => {
  it('prints mean ± the 95% Student-t half-width over seeds', () => {
    // sd 1 over 3 seeds: t(0.975, 2) = 4.3027 (tables), half-width 4.3027/√3 = 2.4841.
    expect(intervalText([1, 2, 3])).toBe('2.000 ± 2.484');
    // sd √(1/3)·… for 5 seeds of 0.1, 0.2, 0.3, 0.4, 0.5: sd 0.1581, t(0.975, 4) = 2.7764.
    expect(intervalText([0.1, 0.2, 0.3, 0.4, 0.5])).toBe(
      `0.300 ± ${((2.7764 * 0.158114) / Math.sqrt(5)).toFixed(3)}`,
    );
    expect(intervalText([0.5])).toBe('0.500 (1 seed)');
    expect(intervalText([])).toBe('–');
  });

  it('clips negative and non-finite MI to 0, as paper 004 Table 2 does', () => {
    const record = (testMI: number | null): BenchmarkRecord => ({
      benchmark: 'slb',
      runId: 'r',
      params: {},
      metrics: { testMI },
      environment: {},
      finishedAt: '',
    });
    expect(clippedMI(record(-0.4))).toBe(0);
    expect(clippedMI(record(null))).toBe(0);
    expect(clippedMI(record(1.25))).toBe(1.25);
  });
});

describe('paper 004 Table 1 bounds', () => {
  it('pairs every loss with its regularised counterpart and runs each λ of a regulariser', () => {
    const registries = withDefaultRegistries();
    const specs = TABLE1_BOUNDS.map((s) => toPluginSpec(s, 'bound'));
    const runs = expandLambdas(specs, [0.1, 0.01], registries);
    // 6 originals once, 6 regularised twice.
    expect(runs).toHaveLength(18);
    expect(runs.filter((r) => r.lambda === 0.01).map((r) => r.spec.label)).toEqual([
      'remine:lambda=0.01',
      'resmile:lambda=0.01',
      'reinfonce:lambda=0.01',
      'renwj:lambda=0.01',
      'retuba:lambda=0.01',
      'rejs:lambda=0.01',
    ]);
    const families = specs.map((s) => boundFamily(s.id, s.label));
    expect(families.filter((f) => f.regularized).map((f) => f.family)).toEqual(
      families.filter((f) => !f.regularized).map((f) => f.family),
    );
    // A spec that sets λ keeps it.
    const own = expandLambdas(
      [toPluginSpec('remine:lambda=0.5', 'bound')],
      [0.1, 0.01],
      registries,
    );
    expect(own.map((r) => [r.spec.label, r.lambda])).toEqual([['remine:lambda=0.5', 0.5]]);
  });
});

/** A random source that replays fixed integers and uniforms. */
function replay(integers: number[], uniforms: number[]): RandomSource {
  return {
    integer: () => integers.shift() as number,
    uniform: () => uniforms.shift() as number,
  } as unknown as RandomSource;
}

describe('augmented views', () => {
  // Image 0: pixel value 1 + 5·row + column on a 4 × 5 grid; image 1: its negative.
  const values = Array.from({ length: 20 }, (_v, k) => 1 + k);
  const images = () => tf.tensor4d([...values, ...values.map((v) => -v)], [2, 4, 5, 1]);
  /** The expected pixel of a shift by (dy, dx) from the padded origin, mirrored or not. */
  const shifted = (sign: number, dy: number, dx: number, padding: number, flip: boolean) =>
    Array.from({ length: 20 }, (_v, k) => {
      const r = Math.floor(k / 5) + dy - padding;
      const c0 = k % 5;
      const c = (flip ? 4 - c0 : c0) + dx - padding;
      return r >= 0 && r < 4 && c >= 0 && c < 5 ? sign * (1 + 5 * r + c) : 0;
    });

  it('shift: each image moves by its own whole-pixel offset, zeros coming in', async () => {
    const input = images();
    const out = await expectNoTensorLeak(() => {
      const t = augmentImages(input, replay([0, 2, 1, 1], []), { kind: 'shift', padding: 1 });
      const data = Array.from(t.dataSync());
      t.dispose();
      return data;
    });
    expect(out.slice(0, 20)).toEqual(shifted(1, 0, 2, 1, false));
    expect(out.slice(20)).toEqual(shifted(-1, 1, 1, 1, false)); // offset (1, 1): unchanged
    input.dispose();
  });

  it('crop-flip: a random crop of the padded image, mirrored where the coin says so', () => {
    const input = images();
    const t = augmentImages(input, replay([2, 0, 1, 2], [0.2, 0.7]), {
      kind: 'crop-flip',
      padding: 1,
    });
    const out = Array.from(t.dataSync());
    expect(out.slice(0, 20)).toEqual(shifted(1, 2, 0, 1, true));
    expect(out.slice(20)).toEqual(shifted(-1, 1, 2, 1, false));
    tf.dispose([t, input]);
  });
});

describe('the λ ablation', () => {
  it('draws one line per bound spec without its λ, so two readings of a bound stay apart', () => {
    expect(ablationSeries('rejs:lambda=0.1')).toBe('rejs');
    expect(ablationSeries('rejs:lambda=1')).toBe('rejs');
    expect(ablationSeries('rejs:distance=l2;lambda=0.1;target=-1')).toBe(
      'rejs:distance=l2;target=-1',
    );
    expect(ablationSeries('remine:distance=l1;lambda=0.01')).toBe('remine:distance=l1');
  });
});
