import { createRandom } from '@mi/core';
import { oneHot, oneHotPairLabels } from '@mi/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('oneHot', () => {
  it('has MI log N, matched by the plug-in MI of 100k draws', () => {
    const task = oneHot({ classes: 16 });
    expect(task.trueMI).toBeCloseTo(Math.log(16), 14);
    const n = 100_000;
    const { x, y } = task.sampleArrays(n, createRandom(4));
    const joint = new Float64Array(16 * 16);
    for (let i = 0; i < n; i++) {
      const a = x.subarray(i * 16, (i + 1) * 16).indexOf(1);
      const b = y.subarray(i * 16, (i + 1) * 16).indexOf(1);
      expect(x.subarray(i * 16, (i + 1) * 16).reduce((s, v) => s + v, 0)).toBe(1);
      joint[a * 16 + b] = (joint[a * 16 + b] as number) + 1 / n;
    }
    const px = new Float64Array(16);
    const py = new Float64Array(16);
    for (let a = 0; a < 16; a++) {
      for (let b = 0; b < 16; b++) {
        px[a] = (px[a] as number) + (joint[a * 16 + b] as number);
        py[b] = (py[b] as number) + (joint[a * 16 + b] as number);
      }
    }
    let mi = 0;
    for (let a = 0; a < 16; a++) {
      for (let b = 0; b < 16; b++) {
        const p = joint[a * 16 + b] as number;
        if (p > 0) mi += p * Math.log(p / ((px[a] as number) * (py[b] as number)));
      }
    }
    // Plug-in bias −(N−1)/(2n) ≈ −7.5e-5; its standard error for a uniform law is ~√(Σ…)/n ≈ 0.
    console.info(`onehot N=16: plug-in MI ${mi.toFixed(6)}, log N ${Math.log(16).toFixed(6)}`);
    expect(Math.abs(mi - (Math.log(16) - 15 / (2 * n)))).toBeLessThan(1e-3);
  });

  it('labels joint and non-joint pairs; off-diagonal joint rate is 1/N (4 standard errors)', () => {
    const task = oneHot({ classes: 8 });
    const before = tf.memory().numTensors;
    const { x, y, classes } = task.sampleLabelled(400, createRandom(9));
    // Exactly the two tensors handed to the caller were made.
    expect(tf.memory().numTensors - before).toBe(2);
    expect(x.shape).toEqual([400, 8]);
    const xs = x.dataSync();
    for (let i = 0; i < 400; i++) expect(xs[i * 8 + (classes[i] as number)]).toBe(1);
    expect(Array.from(y.dataSync())).toEqual(Array.from(xs));
    x.dispose();
    y.dispose();
    const labels = oneHotPairLabels(classes, classes);
    let joint = 0;
    for (let i = 0; i < 400; i++) {
      expect(labels[i * 400 + i]).toBe(1);
      for (let j = 0; j < 400; j++) if (i !== j) joint += labels[i * 400 + j] as number;
    }
    const pairs = 400 * 399;
    const rate = joint / pairs;
    // Pairs share rows, so use the conservative standard error of 400 independent draws.
    expect(Math.abs(rate - 1 / 8)).toBeLessThan(4 * Math.sqrt(((1 / 8) * (7 / 8)) / 400));
    expect(Array.from(oneHotPairLabels(Int32Array.of(0, 1), Int32Array.of(1, 1, 0)))).toEqual([
      0, 0, 1, 1, 1, 0,
    ]);
  });

  it('is deterministic by seed and rejects bad sizes', () => {
    const task = oneHot({ classes: 5 });
    const draw = () => {
      const { x, y, classes } = task.sampleLabelled(20, createRandom(1));
      x.dispose();
      y.dispose();
      return Array.from(classes);
    };
    expect(draw()).toEqual(draw());
    expect(() => oneHot({ classes: 0 })).toThrow(
      "oneHot: invalid option 'classes': expected an integer >= 1, received 0",
    );
    expect(() => task.sampleLabelled(1.5, createRandom(1))).toThrow(
      "oneHot.sampleLabelled: invalid option 'n': expected an integer >= 1, received 1.5",
    );
  });
});
