import { assertNumber, assertOneOf, createRandom } from '@mi/core';
import { type Dataset, InvalidArgumentError } from '@mi/spec';
import { type ImageSet, imageSize, labelEntropy } from '../images/image-set';
import { defineDataset } from '../internal/define-dataset';

/** Which labels of a set to use: the class labels, or CIFAR-100's superclasses. */
export type LabelKind = 'fine' | 'coarse';

function labelsOf(
  set: ImageSet,
  kind: LabelKind,
  functionName: string,
): { labels: Uint8Array; classes: number } {
  assertOneOf(functionName, 'labels', kind, ['fine', 'coarse'] as const);
  if (kind === 'fine') return { labels: set.labels, classes: set.classes };
  if (set.coarseLabels === undefined || set.coarseClasses === undefined) {
    throw new InvalidArgumentError({
      functionName,
      parameter: 'labels',
      value: kind,
      expected: `'fine' (${set.name} has no coarse labels)`,
    });
  }
  return { labels: set.coarseLabels, classes: set.coarseClasses };
}

function writeImage(set: ImageSet, index: number, out: Float32Array, offset: number): void {
  const size = imageSize(set);
  const source = index * size;
  for (let k = 0; k < size; k++) out[offset + k] = (set.pixels[source + k] as number) / 255;
}

/** Options of {@link supervisedPairing}. */
export interface SupervisedPairingOptions {
  /** `fine` (default) or CIFAR-100's `coarse` superclasses. */
  readonly labels?: LabelKind;
}

/**
 * The supervised learning benchmark (SLB) of Choi & Lee: pairs (image, one-hot label). For a
 * label that is a function of the image,
 *
 *   I(X; Y) = H(Y) = −Σ_c p_c log p_c
 *
 * (Theorem 7), so `trueMI` is the entropy of this set's label distribution: log 10 for CIFAR-10,
 * log 100 for CIFAR-100. x is `[height, width, channels]` in [0, 1], y is `[classes]` one-hot
 * (the critic f(x)·o(y) of §5.1 takes the logits' dot product with it).
 *
 * @see Choi & Lee 2022 §5, Theorem 7.
 * @example
 * ```ts
 * const slb = supervisedPairing(loadCifar10({ directory }).train);
 * slb.trueMI; // log 10
 * ```
 */
export function supervisedPairing(set: ImageSet, options: SupervisedPairingOptions = {}): Dataset {
  const fn = 'supervisedPairing';
  const { labels, classes } = labelsOf(set, options.labels ?? 'fine', fn);
  return defineDataset({
    name: `${set.name}/slb`,
    size: set.count,
    shape: { x: [set.height, set.width, set.channels], y: [classes] },
    trueMI: labelEntropy(labels, classes),
    fillX: (index, out, offset) => writeImage(set, index, out, offset),
    fillY: (index, out, offset) => {
      out[offset + (labels[index] as number)] = 1;
    },
  });
}

/** Options of {@link contrastivePairing}. */
export interface ContrastivePairingOptions {
  /** Seeds the choice of the same-class partner of every image. */
  readonly seed: number;
  /** `fine` (default) or CIFAR-100's `coarse` superclasses. */
  readonly labels?: LabelKind;
}

/**
 * The contrastive learning benchmark (CLB) of Choi & Lee: pairs (X₁, X₂) of two different images
 * of the same class. By Theorem 8,
 *
 *   I(X₁; X₂) = I(X₁; Y) = H(Y),
 *
 * the same ideal MI as {@link supervisedPairing}. Row i pairs image i with a partner drawn
 * uniformly from the other images of its class, once, from `seed` (build a new pairing with
 * another seed for fresh partners). Every class needs at least two images.
 *
 * @see Choi & Lee 2022 §5, Theorem 8.
 * @example
 * ```ts
 * const clb = contrastivePairing(loadCifar10({ directory }).train, { seed: 0 });
 * ```
 */
export function contrastivePairing(set: ImageSet, options: ContrastivePairingOptions): Dataset {
  const fn = 'contrastivePairing';
  assertNumber(fn, 'seed', options?.seed, { integer: true });
  const { labels, classes } = labelsOf(set, options.labels ?? 'fine', fn);
  const members: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((label, index) => {
    (members[label] as number[]).push(index);
  });
  const random = createRandom(options.seed);
  const partner = new Int32Array(set.count);
  const position = new Int32Array(set.count);
  for (const group of members)
    group.forEach((index, k) => {
      position[index] = k;
    });
  for (let index = 0; index < set.count; index++) {
    const group = members[labels[index] as number] as number[];
    if (group.length < 2) {
      throw new InvalidArgumentError({
        functionName: fn,
        parameter: 'set',
        value: set.name,
        expected: `at least two images of every class present (class ${labels[index]} has one)`,
      });
    }
    // Uniform over the group without `index` itself.
    const r = random.integer(0, group.length - 2);
    partner[index] = group[r >= (position[index] as number) ? r + 1 : r] as number;
  }
  const shape = [set.height, set.width, set.channels];
  return defineDataset({
    name: `${set.name}/clb`,
    size: set.count,
    shape: { x: shape, y: shape },
    trueMI: labelEntropy(labels, classes),
    fillX: (index, out, offset) => writeImage(set, index, out, offset),
    fillY: (index, out, offset) => writeImage(set, partner[index] as number, out, offset),
  });
}
