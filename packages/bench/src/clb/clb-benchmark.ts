import type { BenchmarkContext } from '../benchmark-context';
import {
  LAMBDA_ABLATION,
  type LabelBenchmarkOptions,
  runLabelBenchmark,
} from '../label-benchmark/label-benchmark';
import { mnistSizesOnly } from '../label-benchmark/label-defaults';
import { type BenchmarkReport, writeLabelReport } from '../label-benchmark/label-report';
import type { ResultsFolder } from '../records/results-folder';

/**
 * The default CLB run: MNIST, sized to finish within an hour on a 2-core CPU with the native
 * backend. The twelve losses (λ = 0.1), 3 seeds: 36 runs, each one epoch over 6 000 training
 * pairs at batch size 64 (93 steps) with a narrow ResNet-18 (widths 16-32-64-128, 128-d
 * embeddings), then the test MI on 2 000 test pairs and the nearest-neighbour accuracy, which
 * embeds all 8 000 images once more. A CLB step embeds 2n images, about twice an SLB step:
 * measured on a 2-core machine with `tensorflow`, 13 minutes of training for the 36 runs.
 */
const CLB_DEFAULTS = {
  dataset: 'mnist',
  widths: [16, 32, 64, 128],
  embeddingSize: 128,
  seeds: [1, 2, 3],
  epochs: 1,
  batchSize: 64,
  learningRate: 1e-3,
  trainSize: 6_000,
  testSize: 2_000,
} as const satisfies LabelBenchmarkOptions;

/**
 * Presets of {@link runClbBenchmark}.
 *
 * `quick`: MNIST pooled to 14 × 14, 1 024 training and 256 test images, a tiny ResNet-18
 * (widths 4-8-8-16, 16-d embeddings), MINE and InfoNCE beside ReMINE and ReInfoNCE, 2 seeds,
 * 4 epochs at batch size 64 with Adam 3e-3 (64 steps per run): about 1.5 minutes on 2 cores with
 * `tensorflow`, a few with wasm (the CI smoke test).
 *
 * `paper`: paper 004's CIFAR-10 CLB — ResNet-18, the twelve losses, λ from {0.1, 0.01, 0.001},
 * 5 seeds, batch size 10 and 100 epochs (the authors' published commands), Adam 1e-3. Needs
 * `--cifar-dir`; 120 runs of 500 000 steps. A CLB step (2n images) of the full ResNet-18 at
 * n = 10 measured ~1.2 s with `tensorflow` on a shared 2-core machine: ~170 h per run, years for
 * the sweep on a CPU. GPU only (`tensorflow-gpu`, shards; several GPU hours per run). The
 * authors' network drops ResNet's last linear layer (f = the 512 pooled features); ours keeps a
 * linear head to 128 dimensions.
 *
 * `paperCifar100`: CIFAR-100, batch size 100, 150 epochs.
 *
 * `lambdaAblation`: add to a run to sweep λ over 1, 0.1, 0.01 and 0.001 (paper 004 Fig. 6).
 */
export const clbPresets = {
  quick: {
    dataset: 'mnist',
    pool: 2,
    trainSize: 1_024,
    testSize: 256,
    widths: [4, 8, 8, 16],
    embeddingSize: 16,
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
    epochs: 100,
    batchSize: 10,
    learningRate: 1e-3,
  },
  paperCifar100: {
    dataset: 'cifar100',
    widths: [64, 128, 256, 512],
    lambdas: [0.1, 0.01, 0.001],
    seeds: [1, 2, 3, 4, 5],
    epochs: 150,
    batchSize: 100,
    learningRate: 1e-3,
  },
  lambdaAblation: { lambdas: LAMBDA_ABLATION },
} as const satisfies Record<string, LabelBenchmarkOptions>;

/**
 * The contrastive learning benchmark (CLB) of Choi & Lee (2022, §5): T(X₁, X₂) = f(X₁)·f(X₂)
 * with X₂ another image of X₁'s class (optionally both views augmented), trained with each bound;
 * reports the MI estimate against H(Y) and the nearest-neighbour test accuracy, original against
 * regularised, like the paper's Table 2, plus the λ ablation of Fig. 6 when several λ ran.
 * Options not given take the default MNIST run's values (`CLB_DEFAULTS` above; its image counts
 * apply to MNIST only, a CIFAR run uses every image unless `trainSize` or `testSize` is given).
 * Resumes; `context.shard` runs one shard.
 *
 * @example
 * ```ts
 * const folder = await ResultsFolder.open('results/clb');
 * await runClbBenchmark({ ...clbPresets.quick, ...clbPresets.lambdaAblation }, { folder });
 * ```
 */
export async function runClbBenchmark(
  options: LabelBenchmarkOptions,
  context: BenchmarkContext,
): Promise<BenchmarkReport> {
  await runLabelBenchmark('clb', { ...mnistSizesOnly(CLB_DEFAULTS, options), ...options }, context);
  return writeClbReport(context.folder);
}

/** Writes the CLB report from the records in `folder`. */
export function writeClbReport(folder: ResultsFolder): Promise<BenchmarkReport> {
  return writeLabelReport(folder, 'clb');
}
