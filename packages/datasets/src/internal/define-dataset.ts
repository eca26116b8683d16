import { type Batch, type Dataset, type ExampleShape, InvalidArgumentError } from '@mi/spec';
import { batchFromArrays, sizeOf } from './batch';

/** Copies example `index` into `out` starting at `offset`. */
export type FillExample = (index: number, out: Float32Array, offset: number) => void;

/** Throws unless every entry of `indices` is an integer row of a data set of `size` rows. */
export function checkIndices(functionName: string, indices: Int32Array, size: number): void {
  if (!(indices instanceof Int32Array) || indices.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'indices',
      value: indices,
      expected: 'a non-empty Int32Array of row indices',
    });
  }
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k] as number;
    if (index < 0 || index >= size) {
      throw new InvalidArgumentError({
        functionName,
        parameter: `indices[${k}]`,
        value: index,
        expected: `a row index in [0, ${size - 1}]`,
      });
    }
  }
}

/** A `Dataset` whose examples are written by two fill functions. */
export function defineDataset(definition: {
  readonly name: string;
  readonly size: number;
  readonly shape: ExampleShape;
  readonly trueMI: number | undefined;
  readonly fillX: FillExample;
  readonly fillY: FillExample;
}): Dataset {
  const { name, size, shape, trueMI, fillX, fillY } = definition;
  const xSize = sizeOf(shape.x);
  const ySize = sizeOf(shape.y);
  return {
    kind: 'dataset',
    name,
    shape,
    size,
    trueMI,
    gather(indices: Int32Array): Batch {
      checkIndices(`${name}.gather`, indices, size);
      const n = indices.length;
      const x = new Float32Array(n * xSize);
      const y = new Float32Array(n * ySize);
      for (let i = 0; i < n; i++) {
        fillX(indices[i] as number, x, i * xSize);
        fillY(indices[i] as number, y, i * ySize);
      }
      return batchFromArrays(x, [n, ...shape.x], y, [n, ...shape.y]);
    },
  };
}
