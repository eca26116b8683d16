import { createRandom } from '@mi/core';
import {
  additivityPairing,
  contrastivePairing,
  correlatedGaussian,
  dataProcessingPairing,
  type ImageSet,
  mixedGaussian,
  sampleDataset,
  splitDataset,
  supervisedPairing,
  topRowsPairing,
} from '@mi/datasets';
import { expectNoTensorLeakOf } from '@mi/test-utils';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

/** 6 images of 4 × 3 pixels and 2 channels; pixel value = 10·image + row, channel 1 adds 100. */
function tinySet(labels = [0, 1, 0, 1, 2, 2]): ImageSet {
  const [count, height, width, channels] = [labels.length, 4, 3, 2];
  const pixels = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        for (let k = 0; k < channels; k++) {
          pixels[((i * height + r) * width + c) * channels + k] = 10 * i + r + 100 * k;
        }
      }
    }
  }
  return {
    name: 'tiny',
    count,
    height,
    width,
    channels,
    pixels,
    labels: Uint8Array.from(labels),
    classes: 3,
    coarseLabels: Uint8Array.from(labels.map((l) => (l === 2 ? 1 : 0))),
    coarseClasses: 2,
  };
}

/** Value at [n, row, column, channel] of a gathered tensor, × 255 back to bytes. */
function at(t: tf.Tensor, n: number, r: number, c: number, k: number): number {
  const [, h, w, ch] = t.shape as number[];
  return Math.round(
    (t.dataSync()[((n * (h as number) + r) * (w as number) + c) * (ch as number) + k] as number) *
      255,
  );
}

function gather(data: { gather(i: Int32Array): { x: tf.Tensor; y: tf.Tensor } }, rows: number[]) {
  const [x, y] = expectNoTensorLeakOf(() => {
    const batch = data.gather(Int32Array.from(rows));
    return [batch.x, batch.y];
  }) as [tf.Tensor, tf.Tensor];
  return {
    x,
    y,
    dispose: () => {
      x.dispose();
      y.dispose();
    },
  };
}

describe('self-consistency pairings (Song & Ermon §6.2)', () => {
  it('top rows: x is the image, y keeps the top t rows and zeros the rest', () => {
    const data = topRowsPairing(tinySet(), { rows: 2 });
    expect(data.shape).toEqual({ x: [4, 3, 2], y: [4, 3, 2] });
    expect(data.trueMI).toBeUndefined();
    const { x, y, dispose } = gather(data, [3, 0]);
    expect(x.shape).toEqual([2, 4, 3, 2]);
    expect(at(x, 0, 3, 2, 1)).toBe(133);
    expect(at(y, 0, 1, 2, 1)).toBe(131);
    expect(at(y, 0, 2, 0, 0)).toBe(0);
    expect(at(y, 1, 3, 1, 1)).toBe(0);
    expect(at(y, 1, 0, 1, 0)).toBe(0 + 0);
    expect(at(y, 1, 1, 1, 0)).toBe(1);
    dispose();
    expect(topRowsPairing(tinySet(), { rows: 0 }).trueMI).toBe(0);
    expect(() => topRowsPairing(tinySet(), { rows: 5 })).toThrow(
      "topRowsPairing: invalid option 'rows': expected an integer in [0, 4], received 5",
    );
  });

  it('data processing: [X, X] against [Y, h(Y)] with h keeping t − 3 rows', () => {
    const data = dataProcessingPairing(tinySet(), { rows: 4 });
    expect(data.shape).toEqual({ x: [4, 3, 4], y: [4, 3, 4] });
    const { x, y, dispose } = gather(data, [2]);
    for (const k of [0, 1]) {
      expect(at(x, 0, 3, 0, k)).toBe(23 + 100 * k); // first copy
      expect(at(x, 0, 3, 0, 2 + k)).toBe(23 + 100 * k); // second copy
    }
    expect(at(y, 0, 3, 1, 1)).toBe(123); // Y keeps all 4 rows
    expect(at(y, 0, 0, 1, 3)).toBe(120); // h(Y) keeps row 0 …
    expect(at(y, 0, 1, 1, 2)).toBe(0); // … and nothing below
    dispose();
    expect(() => dataProcessingPairing(tinySet(), { rows: 2 })).toThrow(
      "dataProcessingPairing: invalid option 'processedRows': expected an integer in [0, 2], received -1",
    );
  });

  it('additivity: two different images on each side, the same partner for x and y', () => {
    const data = additivityPairing(tinySet(), { rows: 1, seed: 3 });
    expect(data.shape).toEqual({ x: [4, 3, 4], y: [4, 3, 4] });
    const { x, y, dispose } = gather(data, [0, 1, 2, 3, 4, 5]);
    const partners = new Set<number>();
    for (let i = 0; i < 6; i++) {
      expect(at(x, i, 0, 0, 0)).toBe(10 * i);
      const partner = at(x, i, 0, 0, 2) / 10;
      expect(partner).not.toBe(i);
      partners.add(partner);
      expect(at(y, i, 0, 0, 2)).toBe(10 * partner);
      expect(at(y, i, 1, 0, 2)).toBe(0);
      expect(at(x, i, 1, 0, 2)).toBe(10 * partner + 1);
    }
    expect(partners.size).toBe(6); // each image is someone's partner exactly once
    const partnerOfFirst = at(x, 0, 0, 0, 2);
    dispose();
    // The same seed gives the same partners.
    const other = gather(additivityPairing(tinySet(), { rows: 1, seed: 3 }), [0]);
    expect(at(other.x, 0, 0, 0, 2)).toBe(partnerOfFirst);
    other.dispose();
  });
});

describe('SLB and CLB pairings (Choi & Lee §5)', () => {
  it('SLB pairs an image with its one-hot label; ideal MI is the label entropy', () => {
    const data = supervisedPairing(tinySet());
    expect(data.shape).toEqual({ x: [4, 3, 2], y: [3] });
    expect(data.trueMI).toBeCloseTo(Math.log(3), 14);
    const { x, y, dispose } = gather(data, [4, 1]);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 0, 1, 0]);
    expect(at(x, 0, 2, 2, 1)).toBe(142);
    dispose();
    const coarse = supervisedPairing(tinySet(), { labels: 'coarse' });
    expect(coarse.shape.y).toEqual([2]);
    expect(coarse.trueMI).toBeCloseTo(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3), 14);
    const unbalanced = supervisedPairing(tinySet([0, 0, 0, 1, 1, 1]));
    expect(unbalanced.trueMI).toBeCloseTo(Math.log(2), 14);
    const { coarseLabels: _, coarseClasses: __, ...fineOnly } = tinySet();
    expect(() => supervisedPairing(fineOnly, { labels: 'coarse' })).toThrow(
      "supervisedPairing: invalid option 'labels': expected 'fine' (tiny has no coarse labels), received \"coarse\"",
    );
  });

  it('CLB pairs two different images of the same class', () => {
    const set = tinySet([0, 1, 0, 1, 2, 2, 0]);
    const data = contrastivePairing(set, { seed: 1 });
    expect(data.trueMI).toBeCloseTo(-(3 / 7) * Math.log(3 / 7) - 2 * (2 / 7) * Math.log(2 / 7), 14);
    const { x, y, dispose } = gather(data, [0, 1, 2, 3, 4, 5, 6]);
    for (let i = 0; i < 7; i++) {
      const partner = at(y, i, 0, 0, 0) / 10;
      expect(partner).not.toBe(i);
      expect(set.labels[partner]).toBe(set.labels[i]);
      expect(at(x, i, 0, 0, 0)).toBe(10 * i);
    }
    dispose();
    expect(() => contrastivePairing(tinySet([0, 0, 1]), { seed: 1 })).toThrow(
      'contrastivePairing: invalid option \'set\': expected at least two images of every class present (class 1 has one), received "tiny"',
    );
  });

  it('gather rejects indices outside the data', () => {
    expect(() => supervisedPairing(tinySet()).gather(Int32Array.of(0, 6))).toThrow(
      "tiny/slb.gather: invalid option 'indices[1]': expected a row index in [0, 5], received 6",
    );
  });
});

describe('splits and finite samples', () => {
  it('splits into disjoint seeded train/test views', () => {
    const data = sampleDataset(correlatedGaussian({ dimension: 1, rho: 0.5 }), {
      size: 10,
      seed: 2,
    });
    expect(data.trueMI).toBeCloseTo(-0.5 * Math.log(0.75), 14);
    const { train, test } = splitDataset(data, { testFraction: 0.3, seed: 5 });
    expect([train.size, test.size]).toEqual([7, 3]);
    const all = gather(data, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const a = gather(train, [0, 1, 2, 3, 4, 5, 6]);
    const b = gather(test, [0, 1, 2]);
    const values = [...a.x.dataSync(), ...b.x.dataSync()].sort();
    expect(values).toEqual([...all.x.dataSync()].sort());
    const again = splitDataset(data, { testSize: 3, seed: 5 }).test;
    const c = gather(again, [0, 1, 2]);
    expect(Array.from(c.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    for (const g of [all, a, b, c]) g.dispose();
    expect(() => splitDataset(data, { testFraction: 0.01, seed: 1 })).toThrow(
      "splitDataset: invalid option 'testFraction': expected a fraction that leaves at least one row on each side of 10 rows, received 0.01",
    );
    expect(() => splitDataset(data, { testSize: 10, seed: 1 })).toThrow(
      "splitDataset: invalid option 'testSize': expected an integer in [1, 9], received 10",
    );
  });

  it('draws a fixed finite sample (MI-NEE N = 400) reproducibly', () => {
    const task = mixedGaussian({ rho: 0.9 });
    const data = sampleDataset(task, { size: 400, seed: 8 });
    expect(data.size).toBe(400);
    expect(data.trueMI).toBe(task.trueMI);
    const drawn = task.sampleArrays(400, createRandom(8));
    const { x, y, dispose } = gather(data, [399, 0]);
    expect(Array.from(x.dataSync())).toEqual([drawn.x[399], drawn.x[0]]);
    expect(Array.from(y.dataSync())).toEqual([drawn.y[399], drawn.y[0]]);
    dispose();
    expect(() => sampleDataset(task, { size: 0, seed: 1 })).toThrow(
      "sampleDataset: invalid option 'size': expected an integer >= 1, received 0",
    );
  });
});
