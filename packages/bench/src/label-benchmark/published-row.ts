/** A mean and the half-width of its 95% interval, as a paper prints "2.300 ± 0.003". */
export type PublishedValue = readonly [mean: number, halfWidth: number];

/**
 * One row of Choi & Lee (2022) Table 2: a loss on one CIFAR variant, the original and the
 * regularised loss side by side, MI estimate (nats, negative estimates clipped to 0) and test
 * accuracy, each the mean and 95% interval over 5 runs of a ResNet-18.
 */
export interface PublishedLabelRow {
  /** The loss (a row family: MINE, SMILE, InfoNCE, NWJ, TUBA, JS). */
  readonly family: string;
  readonly dataset: 'cifar10' | 'cifar100';
  readonly mi: { readonly original: PublishedValue; readonly regularized: PublishedValue };
  readonly accuracy: { readonly original: PublishedValue; readonly regularized: PublishedValue };
}

/** Builds rows from the table's cells in print order: MI orig, MI reg, acc orig, acc reg. */
export function publishedRows(
  dataset: PublishedLabelRow['dataset'],
  cells: Readonly<
    Record<string, readonly [PublishedValue, PublishedValue, PublishedValue, PublishedValue]>
  >,
): PublishedLabelRow[] {
  return Object.entries(cells).map(
    ([family, [miOriginal, miRegularized, accOriginal, accRegularized]]) => ({
      family,
      dataset,
      mi: { original: miOriginal, regularized: miRegularized },
      accuracy: { original: accOriginal, regularized: accRegularized },
    }),
  );
}
