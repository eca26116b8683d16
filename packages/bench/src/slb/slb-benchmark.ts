import type { BenchmarkContext } from '../benchmark-context';
import { type LabelBenchmarkOptions, runLabelBenchmark } from '../label-benchmark/label-benchmark';
import { mnistSizesOnly } from '../label-benchmark/label-defaults';
import { type BenchmarkReport, writeLabelReport } from '../label-benchmark/label-report';
import type { ResultsFolder } from '../records/results-folder';

/**
 * The default SLB run: MNIST, sized to finish within an hour on a 2-core CPU with the native
 * backend (`tensorflow`). All twelve losses of paper 004 Table 1 (λ = 0.1 for the regularised
 * ones), 3 seeds: 36 runs. Each trains a narrow ResNet-18 (stage widths 16-32-64-128 instead of
 * 64-…-512: 1/16 of the FLOPs, since the full network at ~1.7 GFLOP per training image would
 * leave an hour a few thousand images in all) for one epoch over 10 000 training images at batch
 * size 64 (156 steps), then scores 2 000 test images. Measured on a 2-core machine with
 * `tensorflow`: 135–270 ms per step, 16 minutes of training for the 36 runs (about 20 in all). Batch 64 rather
 * than the paper's 10: per-step overhead dominates a narrow network (a step of 10 costs ~60% of a
 * step of 64 here), and n = 64 is the batch the perfect-classifier line of the report
 * (≈ 2.2 nats on MNIST) refers to.
 */
const SLB_DEFAULTS = {
  dataset: 'mnist',
  widths: [16, 32, 64, 128],
  seeds: [1, 2, 3],
  epochs: 1,
  batchSize: 64,
  learningRate: 1e-3,
  trainSize: 10_000,
  testSize: 2_000,
} as const satisfies LabelBenchmarkOptions;

/**
 * Presets of {@link runSlbBenchmark}.
 *
 * `quick`: MNIST pooled to 14 × 14, 1 024 training and 256 test images, a tiny ResNet-18
 * (widths 4-8-8-16), MINE and InfoNCE beside ReMINE and ReInfoNCE, 2 seeds, 4 epochs at batch
 * size 64 with Adam 3e-3 (64 steps per run): 1–2 minutes on 2 cores with `tensorflow`, a few with
 * wasm (the CI smoke test).
 *
 * `paper`: paper 004's CIFAR-10 SLB — ResNet-18 (full widths), the twelve losses with λ chosen
 * per loss from {0.1, 0.01, 0.001} (6 originals + 6 × 3 regularised = 24 bounds), 5 seeds,
 * batch size 10 and 40 epochs (the authors' published commands), Adam 1e-3.
 * Needs `--cifar-dir`. Cost: 120 runs of 200 000 steps. A step of the full ResNet-18 at n = 10
 * measured ~0.8 s with `tensorflow` on a shared 2-core machine: ~43 h per run, ~7 months for the
 * sweep on such a CPU. Run it with `tensorflow-gpu` (CUDA) split into shards; at batch 10 a GPU
 * step is bound by per-op overhead, so expect ~1–2 GPU hours per run.
 *
 * `paperCifar100`: the same on CIFAR-100 with the authors' batch size 100 and 100 epochs
 * (50 000 steps of 100 images per run): GPU only as well.
 */
export const slbPresets = {
  quick: {
    dataset: 'mnist',
    pool: 2,
    trainSize: 1_024,
    testSize: 256,
    widths: [4, 8, 8, 16],
    bounds: ['dv', 'remine', 'infonce', 'reinfonce'],
    seeds: [1, 2],
    epochs: 4,
    batchSize: 64,
    learningRate: 3e-3,
  },
  paper: {
    dataset: 'cifar10',
    widths: [64, 128, 256, 512],
    lambdas: [0.1, 0.01, 0.001],
    seeds: [1, 2, 3, 4, 5],
    epochs: 40,
    batchSize: 10,
    learningRate: 1e-3,
  },
  paperCifar100: {
    dataset: 'cifar100',
    widths: [64, 128, 256, 512],
    lambdas: [0.1, 0.01, 0.001],
    seeds: [1, 2, 3, 4, 5],
    epochs: 100,
    batchSize: 100,
    learningRate: 1e-3,
  },
} as const satisfies Record<string, LabelBenchmarkOptions>;

/**
 * The supervised learning benchmark (SLB) of Choi & Lee (2022, §5): T(X, Y) = f(X)·o(Y) with f a
 * classifier's logits and o the one-hot label, trained with each bound; reports the MI estimate
 * against the ideal H(Y) and the test accuracy of argmax f, original against regularised losses,
 * laid out like the paper's Table 2 with its numbers beside ours. Options not given take the
 * default MNIST run's values (`SLB_DEFAULTS` above; its image counts apply to MNIST only, a CIFAR
 * run uses every image unless `trainSize` or `testSize` is given). Finished runs are skipped
 * (resume); `context.shard` runs one shard.
 *
 * @example
 * ```ts
 * const folder = await ResultsFolder.open('results/slb');
 * const { report } = await runSlbBenchmark(slbPresets.quick, { folder });
 * ```
 */
export async function runSlbBenchmark(
  options: LabelBenchmarkOptions,
  context: BenchmarkContext,
): Promise<BenchmarkReport> {
  await runLabelBenchmark('slb', { ...mnistSizesOnly(SLB_DEFAULTS, options), ...options }, context);
  return writeSlbReport(context.folder);
}

/** Writes the SLB report from the records in `folder` (after a merge of shards, for example). */
export function writeSlbReport(folder: ResultsFolder): Promise<BenchmarkReport> {
  return writeLabelReport(folder, 'slb');
}
