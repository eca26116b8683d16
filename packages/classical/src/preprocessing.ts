import type { Matrix } from './matrix';

/**
 * A seeded stream of standard normal numbers: xoshiro128** for the uniforms (state filled by
 * splitmix32 from the seed, so nearby seeds give unrelated streams) and Box–Muller for the normals.
 * Small and dependency-free: the jitter needs reproducible noise, not a statistics library.
 */
export function createNormalStream(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix32 = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  // A uniform in (0, 1) from 53 random bits; never 0, so log(u) is finite.
  const uniform = (): number =>
    ((next() >>> 5) * 67108864 + (next() >>> 6) + 0.5) / 9007199254740992;
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}

/**
 * A copy of `matrix` with small Gaussian noise added, as scikit-learn does before its k-NN
 * estimators: column c gets `amplitude · max(1, mean |column c|) · N(0, 1)`. Breaks exact ties
 * between continuous values so that k-NN distances are never 0.
 */
export function addJitter(matrix: Matrix, amplitude: number, normal: () => number): Matrix {
  const { rows, columns, data } = matrix;
  const scale = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++)
      scale[c] = (scale[c] as number) + Math.abs(data[r * columns + c] as number);
  }
  for (let c = 0; c < columns; c++) scale[c] = amplitude * Math.max(1, (scale[c] as number) / rows);
  const out = new Float64Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      out[i] = (data[i] as number) + (scale[c] as number) * normal();
    }
  }
  return { rows, columns, data: out };
}

/**
 * A copy of `matrix` with every column centred and scaled to unit (population) standard deviation;
 * constant columns are only centred. The max-norm k-NN estimators are not invariant to rescaling
 * one coordinate, so scikit-learn standardises first; here it is an option.
 */
export function standardizeColumns(matrix: Matrix): Matrix {
  const { rows, columns, data } = matrix;
  const mean = new Float64Array(columns);
  const variance = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++)
      mean[c] = (mean[c] as number) + (data[r * columns + c] as number);
  }
  for (let c = 0; c < columns; c++) mean[c] = (mean[c] as number) / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const delta = (data[r * columns + c] as number) - (mean[c] as number);
      variance[c] = (variance[c] as number) + delta * delta;
    }
  }
  const out = new Float64Array(data.length);
  for (let c = 0; c < columns; c++) {
    const std = Math.sqrt((variance[c] as number) / rows);
    const divisor = std > 0 ? std : 1;
    for (let r = 0; r < rows; r++) {
      const i = r * columns + c;
      out[i] = ((data[i] as number) - (mean[c] as number)) / divisor;
    }
  }
  return { rows, columns, data: out };
}
