import {
  DataFormatError,
  describeValue,
  InvalidArgumentError,
  MIError,
  NonFiniteEstimateError,
  ShapeMismatchError,
} from '@mi/spec';
import { describe, expect, it } from 'vitest';

describe('MIError family', () => {
  it('formats InvalidArgumentError with function, option, expectation and value', () => {
    const error = new InvalidArgumentError({
      functionName: 'smile',
      parameter: 'tau',
      value: -1,
      expected: 'a number > 0',
    });
    expect(error.message).toBe("smile: invalid option 'tau': expected a number > 0, received -1");
    expect(error.code).toBe('MI_INVALID_ARGUMENT');
    expect(error.parameter).toBe('tau');
    expect(error.value).toBe(-1);
    expect(error).toBeInstanceOf(Error);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(ShapeMismatchError.isInstance(error)).toBe(false);
  });

  it('recognises errors from another copy of the package through the shared symbol', () => {
    // A structurally separate object carrying the registered symbol stands in for an error
    // thrown by a second copy of @mi/spec (another version, or the CJS build next to the ESM one).
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('@mi/error')]: true,
      [Symbol.for('@mi/error/data-format')]: true,
    });
    expect(MIError.isInstance(foreign)).toBe(true);
    expect(DataFormatError.isInstance(foreign)).toBe(true);
    expect(MIError.isInstance(new Error('plain'))).toBe(false);
    expect(MIError.isInstance(null)).toBe(false);
  });

  it('formats shapes, data locations and non-finite estimates', () => {
    expect(
      new ShapeMismatchError({
        functionName: 'joint.scores',
        parameter: 'y',
        expected: [64, null],
        received: [32, 5],
      }).message,
    ).toBe("joint.scores: argument 'y' has shape [32, 5], expected [64, *]");
    expect(
      new DataFormatError({ file: 'data.csv', row: 4, column: 'b', detail: 'NaN is not allowed' })
        .message,
    ).toBe('data.csv (row 4, column "b"): NaN is not allowed');
    const nonFinite = new NonFiniteEstimateError({
      source: 'train',
      quantity: 'loss',
      value: Number.NaN,
      step: 120,
      lastFiniteEstimate: 1.5,
    });
    expect(nonFinite.message).toBe('train: loss is NaN at step 120; last finite estimate 1.5');
    expect(nonFinite.step).toBe(120);
  });

  it('describes values compactly', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue([1, 2])).toBe('[1, 2]');
    expect(describeValue(new Array(10).fill(0))).toBe('array of length 10');
    expect(describeValue({ shape: [3, 4] })).toBe('tensor of shape [3, 4]');
    expect(describeValue(new Float32Array(5))).toBe('Float32Array of length 5');
  });
});
