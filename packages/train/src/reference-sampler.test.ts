import { minee } from '@mi/bounds';
import { boundingBox, deriveRandom, sampleUniformBox } from '@mi/core';
import { mineeCritic } from '@mi/critics';
import { correlatedGaussian, sampleDataset } from '@mi/datasets';
import { train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

/**
 * Checks that `values` (n draws of one feature) look like U(a, b): inside [a, b]; mean within 5
 * standard errors of (a+b)/2 (SE = (b−a)/√(12n)); variance within 5 SE of (b−a)²/12 (the variance
 * of (U − μ)² is (b−a)⁴/180, so SE = (b−a)²/√(180n)); Kolmogorov–Smirnov distance to the uniform
 * CDF below 1.95/√n (the 0.1 % critical value).
 */
function expectUniform(values: readonly number[], a: number, b: number): void {
  const n = values.length;
  expect(Math.min(...values)).toBeGreaterThanOrEqual(a);
  expect(Math.max(...values)).toBeLessThanOrEqual(b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  expect(Math.abs(mean - (a + b) / 2)).toBeLessThan((5 * (b - a)) / Math.sqrt(12 * n));
  expect(Math.abs(variance - (b - a) ** 2 / 12)).toBeLessThan(
    (5 * (b - a) ** 2) / Math.sqrt(180 * n),
  );
  const sorted = [...values].sort((p, q) => p - q);
  let distance = 0;
  sorted.forEach((v, i) => {
    const cdf = (v - a) / (b - a);
    distance = Math.max(distance, Math.abs((i + 1) / n - cdf), Math.abs(cdf - i / n));
  });
  expect(distance).toBeLessThan(1.95 / Math.sqrt(n));
}

function column(
  values: Float32Array | Int32Array | Uint8Array,
  width: number,
  k: number,
): number[] {
  return Array.from({ length: values.length / width }, (_, r) => values[r * width + k] as number);
}

describe('MI-NEE reference sampling', () => {
  it('sampleUniformBox draws 10k points uniform over each side of the box', () => {
    const box = { low: Float32Array.from([-2, 0.5]), high: Float32Array.from([1, 4]) };
    const points = sampleUniformBox(box, 10_000, [2], deriveRandom(1, 'reference'));
    expect(points.shape).toEqual([10_000, 2]);
    const values = points.dataSync() as Float32Array;
    expectUniform(column(values, 2, 0), -2, 1);
    expectUniform(column(values, 2, 1), 0.5, 4);
    const again = boundingBox(points);
    expect(again.low[0]).toBeGreaterThanOrEqual(-2);
    expect(again.high[1]).toBeLessThanOrEqual(4);
    points.dispose();
  });

  it("train() draws MI-NEE's reference batches uniformly over the training data's bounding box", async () => {
    const size = 200;
    const data = sampleDataset(correlatedGaussian({ dimension: 1, mi: 0.5 }), { size, seed: 51 });
    // No validation split: the training split is the whole dataset, so its box is known here.
    const all = data.gather(Int32Array.from({ length: size }, (_, i) => i));
    const xs = Array.from(all.x.dataSync());
    const ys = Array.from(all.y.dataSync());
    tf.dispose([all.x, all.y]);
    const critic = mineeCritic({
      xFeatures: 1,
      yFeatures: 1,
      hiddenUnits: [4],
      seed: 51,
    });
    const reference = { x: [] as number[], y: [] as number[] };
    const score = critic.entropicScores;
    critic.entropicScores = (batch, drawn) => {
      reference.x.push(...drawn.x.dataSync());
      reference.y.push(...drawn.y.dataSync());
      return score(batch, drawn);
    };
    // 50 steps × (factor 10 × batch 20) = 10 000 reference pairs.
    await train({
      critic,
      bound: minee(),
      data,
      steps: 50,
      batchSize: 20,
      seed: 51,
    });
    critic.dispose();
    expect(reference.x).toHaveLength(10_000);
    // The box bounds are float32, as the data.
    const f32 = (v: number) => Math.fround(v);
    expectUniform(reference.x, f32(Math.min(...xs)), f32(Math.max(...xs)));
    expectUniform(reference.y, f32(Math.min(...ys)), f32(Math.max(...ys)));
    // x and y of a reference pair are drawn independently (U over the box is a product).
    const mean = (v: number[]) => v.reduce((s, e) => s + e, 0) / v.length;
    const mx = mean(reference.x);
    const my = mean(reference.y);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < reference.x.length; i++) {
      const dx = (reference.x[i] as number) - mx;
      const dy = (reference.y[i] as number) - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(5 / Math.sqrt(10_000));
  });
});
