import { InvalidArgumentError } from '@mi/spec';
import { describe, expect, it } from 'vitest';
import {
  CNN_BENCH_SHAPE,
  clbForwardFlops,
  cnnCriticForwardFlops,
  convOutputSize,
  gflopsPerSecond,
  imageClassifierForwardFlops,
  JOINT_BENCH_SHAPE,
  jointCriticForwardFlops,
  jointSampledForwardFlops,
  MNIST_CLASSIFIER,
  RESNET18_BENCH_SHAPE,
  resnet18PairForwardFlops,
  SEPARABLE_BENCH_SHAPE,
  separableCriticForwardFlops,
  slbForwardFlops,
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

describe('image classifier, SLB, CLB and ResNet-18 FLOPs', () => {
  it('counts the MNIST classifier by hand: 33.56 MFLOP per image with 10 logits', () => {
    // conv₁ 2·14·14·64·25·1 = 627 200; conv₂ 2·7·7·128·25·64 = 20 070 400;
    // dense 2·6272·1024 = 12 845 056; head 2·1024·10 = 20 480.
    const perImage = 627_200 + 20_070_400 + 12_845_056 + 20_480;
    expect(imageClassifierForwardFlops({ ...MNIST_CLASSIFIER, images: 1, outputs: 10 })).toBe(
      perImage,
    );
    expect(slbForwardFlops(64)).toBe(64 * perImage + 2 * 64 * 64 * 10);
    // CLB: 2n images with a 128-unit head, then S = F₁·F₂ᵀ.
    const clbImage = perImage - 20_480 + 2 * 1024 * 128;
    expect(clbForwardFlops(64)).toBe(128 * clbImage + 2 * 64 * 64 * 128);
    expect(() =>
      imageClassifierForwardFlops({ ...MNIST_CLASSIFIER, images: 0, outputs: 10 }),
    ).toThrow("imageClassifierForwardFlops: invalid option 'images'");
  });

  it('counts ResNet-18 on CIFAR pairs: 1.107 GFLOP per pair, 283.6 GFLOP at n = 16', () => {
    // stage 1: four 3×3 64→64 convolutions at 32×32 (2·32·32·64·9·64 = 75 497 472 each);
    // stages 2–4: a stride-2 conv, three same-width convs and a 1×1 shortcut each, 268.4 M;
    // head 2·512.
    const stage1 = 4 * 75_497_472;
    const later = 3 * (37_748_736 + 3 * 75_497_472 + 4_194_304);
    expect(resnet18PairForwardFlops({ ...RESNET18_BENCH_SHAPE, n: 1 })).toBe(
      2 * 3_538_944 + stage1 + later + 1024,
    );
    expect(resnet18PairForwardFlops(RESNET18_BENCH_SHAPE)).toBe(283_581_349_888);
  });
});

describe('jointSampledForwardFlops', () => {
  it('equals the all-pairs count when k = n − 1 and counts n·(k + 1) pairs otherwise', () => {
    expect(jointSampledForwardFlops(JOINT_BENCH_SHAPE, 63)).toBe(
      jointCriticForwardFlops(JOINT_BENCH_SHAPE),
    );
    // n = 1024, k = 64: 2·1024·40·256 + 2·1024·65·(256·256 + 256)
    expect(jointSampledForwardFlops({ ...JOINT_BENCH_SHAPE, n: 1024 }, 64)).toBe(
      2 * 1024 * 40 * 256 + 2 * 1024 * 65 * (256 * 256 + 256),
    );
  });
});
