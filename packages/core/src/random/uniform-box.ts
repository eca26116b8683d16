import type { BoundingBox, RandomSource } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** The bounding box of the rows of a 2-D (or flattened) tensor; one read of its data. */
export function boundingBox(rows: tf.Tensor): BoundingBox {
  const n = rows.shape[0] as number;
  const width = rows.size / n;
  const values = rows.dataSync();
  const low = new Float32Array(width).fill(Number.POSITIVE_INFINITY);
  const high = new Float32Array(width).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < width; k++) {
      const v = values[r * width + k] as number;
      if (v < (low[k] as number)) low[k] = v;
      if (v > (high[k] as number)) high[k] = v;
    }
  }
  return { low, high };
}

/**
 * m points drawn uniformly from a bounding box, shaped like the data rows: MI-NEE's reference
 * distribution U over the data's support (Chan et al. 2019, §3.2).
 */
export function sampleUniformBox(
  box: BoundingBox,
  m: number,
  shape: readonly number[],
  random: RandomSource,
): tf.Tensor {
  const width = box.low.length;
  const values = new Float32Array(m * width);
  for (let r = 0; r < m; r++) {
    for (let k = 0; k < width; k++) {
      const lo = box.low[k] as number;
      values[r * width + k] = lo + ((box.high[k] as number) - lo) * random.uniform();
    }
  }
  return tf.tensor(values, [m, ...shape]);
}
