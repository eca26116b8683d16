import { InvalidArgumentError } from '@mi/spec';
import { describe, expect, it } from 'vitest';
import {
  CNN_BENCH_SHAPE,
  cnnCriticForwardFlops,
  convOutputSize,
  gflopsPerSecond,
  JOINT_BENCH_SHAPE,
  jointCriticForwardFlops,
  SEPARABLE_BENCH_SHAPE,
  separableCriticForwardFlops,
  trainingStepFlops,
} from './flop-count';

describe('jointCriticForwardFlops', () => {
  it('counts a tiny MLP by hand: n = 2, d = 1 + 1, hidden [3]', () => {
    // split: 2·n·(dx + dy)·h = 2·2·2·3 = 24; later: 2·n²·h·1 = 2·4·3 = 24.
    expect(jointCriticForwardFlops({ n: 2, xFeatures: 1, yFeatures: 1, hiddenUnits: [3] })).toBe(
      48,
    );
    // tiled: 2·n²·(dx + dy)·h = 2·4·2·3 = 48, plus the same 24.
    expect(
      jointCriticForwardFlops({ n: 2, xFeatures: 1, yFeatures: 1, hiddenUnits: [3] }, 'tiled'),
    ).toBe(72);
  });

  it('gives 540.3 MFLOP (split) and 622.9 MFLOP (tiled) at n = 64, d = 20, 256-256', () => {
    // 2·64·40·256 + 2·4096·(256·256 + 256) = 1 310 720 + 538 968 064
    expect(jointCriticForwardFlops(JOINT_BENCH_SHAPE)).toBe(540_278_784);
    // 2·4096·40·256 + 538 968 064 = 83 886 080 + 538 968 064
    expect(jointCriticForwardFlops(JOINT_BENCH_SHAPE, 'tiled')).toBe(622_854_144);
  });

  it('rejects a shape without hidden layers, naming the function and option', () => {
    expect(() =>
      jointCriticForwardFlops({ n: 64, xFeatures: 20, yFeatures: 20, hiddenUnits: [] }),
    ).toThrow(
      "jointCriticForwardFlops: invalid option 'hiddenUnits': expected an array of at least 1 positive integers, received []",
    );
  });
});

describe('separableCriticForwardFlops', () => {
  it('gives 20.45 MFLOP at n = 64, d = 20, 256-256 → 32', () => {
    // per MLP 2·64·(20·256 + 256·256 + 256·32) = 128·78 848 = 10 092 544; S: 2·64²·32 = 262 144
    expect(separableCriticForwardFlops(SEPARABLE_BENCH_SHAPE)).toBe(2 * 10_092_544 + 262_144);
  });

  it('rejects a zero embedding size', () => {
    expect(() =>
      separableCriticForwardFlops({ ...SEPARABLE_BENCH_SHAPE, embeddingSize: 0 }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('cnnCriticForwardFlops', () => {
  it('follows the MNIST sizes 28 → 14 → 7', () => {
    expect(convOutputSize(28, 5, 2, 2)).toBe(14);
    expect(convOutputSize(14, 5, 2, 2)).toBe(7);
    expect(convOutputSize(32, 5, 2, 2)).toBe(16);
  });

  it('gives 8.447 GFLOP at n = 16, MNIST, conv 64/128 k5 s2 p2, dense 1024', () => {
    const conv1 = 16 * (2 * 14 * 14 * 64 * 25 * 2); // split: n x images + n y images, 1 channel each
    const conv2 = 256 * (2 * 7 * 7 * 128 * 25 * 64);
    const dense = 256 * 2 * (7 * 7 * 128 * 1024 + 1024);
    expect(conv1).toBe(20_070_400);
    expect(conv2).toBe(5_138_022_400);
    expect(dense).toBe(3_288_858_624);
    expect(cnnCriticForwardFlops(CNN_BENCH_SHAPE)).toBe(conv1 + conv2 + dense);
    // tiled: the first convolution on all 256 stacked pairs.
    expect(cnnCriticForwardFlops(CNN_BENCH_SHAPE, 'tiled')).toBe(16 * conv1 + conv2 + dense);
  });

  it('rejects more convolutions than the image allows', () => {
    expect(() =>
      cnnCriticForwardFlops({
        ...CNN_BENCH_SHAPE,
        height: 8,
        width: 8,
        padding: 0,
        filters: [8, 8],
      }),
    ).toThrow(/cnnCriticForwardFlops: invalid option 'filters'/);
  });
});

describe('trainingStepFlops and gflopsPerSecond', () => {
  it('triples the forward count', () => {
    expect(trainingStepFlops(540_278_784)).toBe(1_620_836_352);
  });

  it('rejects a negative count', () => {
    expect(() => trainingStepFlops(-1)).toThrow(
      "trainingStepFlops: invalid option 'forwardFlops': expected a finite number ≥ 0, received -1",
    );
  });

  it('divides FLOPs by milliseconds × 10⁶', () => {
    expect(gflopsPerSecond(1.5e9, 100)).toBeCloseTo(15, 12);
    expect(gflopsPerSecond(1e9, 0)).toBeNaN();
  });
});
