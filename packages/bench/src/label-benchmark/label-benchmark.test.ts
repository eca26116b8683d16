import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LabelBenchmarkOptions,
  ResultsFolder,
  runClbBenchmark,
  runSlbBenchmark,
} from '@mi/bench';
import { labelEntropy, loadCifar10 } from '@mi/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perfectClassifierEstimate } from './ideal-values';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-label-bench-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * CIFAR records written byte by byte: per image the label byte(s) — CIFAR-100: coarse, then fine —
 * then 3 × 1024 pixel bytes (red, green, blue planes). Pixels depend on the class so that a
 * critic has something to learn.
 */
function cifarRecords(labels: readonly (readonly number[])[], seed: number): Uint8Array {
  const size = (labels[0]?.length ?? 1) + 3072;
  const out = new Uint8Array(labels.length * size);
  labels.forEach((label, i) => {
    out.set(label, i * size);
    const cls = label.at(-1) as number;
    for (let p = 0; p < 3072; p++) {
      out[i * size + label.length + p] = (cls * 23 + ((p * (seed + i)) % 17) * 3) % 256;
    }
  });
  return out;
}

/** A CIFAR-10 folder: 5 training batches of 8 images (4 per class of 10), a test batch of 20. */
async function writeCifar10(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  for (let b = 1; b <= 5; b++) {
    const labels = Array.from({ length: 8 }, (_v, i) => [((b - 1) * 8 + i) % 10]);
    await writeFile(join(directory, `data_batch_${b}.bin`), cifarRecords(labels, b));
  }
  const test = Array.from({ length: 20 }, (_v, i) => [i % 10]);
  await writeFile(join(directory, 'test_batch.bin'), cifarRecords(test, 9));
}

/** A CIFAR-100 folder: 40 training and 20 test images; fine labels 0…9, coarse = fine mod 4. */
async function writeCifar100(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const labels = (n: number) => Array.from({ length: n }, (_v, i) => [(i % 10) % 4, i % 10]);
  await writeFile(join(directory, 'train.bin'), cifarRecords(labels(40), 1));
  await writeFile(join(directory, 'test.bin'), cifarRecords(labels(20), 2));
}

// ResNet-18 with stage widths 2 and 8 × 8 images (CIFAR pooled ×4, MNIST 28 → 7 pooled ×4).
const tiny: LabelBenchmarkOptions = {
  widths: [2, 2, 2, 2],
  embeddingSize: 3,
  pool: 4,
  seeds: [1, 2],
  epochs: 1,
  batchSize: 8,
  learningRate: 1e-3,
};

describe('SLB end to end', () => {
  it('on tiny MNIST: Table 2 layout, published CIFAR numbers beside ours, λ ablation, flat memory', async () => {
    const folder = await ResultsFolder.open(join(root, 'slb-mnist'));
    const before = tf.memory().numTensors;
    const { records, report, figures } = await runSlbBenchmark(
      {
        ...tiny,
        dataset: 'mnist',
        trainSize: 48,
        testSize: 24,
        bounds: ['dv', 'remine'],
        lambdas: [0.1, 0.01],
      },
      { folder },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(records).toHaveLength(3 * 2);
    const first = records[0]!;
    for (const r of records) {
      expect(r.metrics['tensorsEnd']).toBe(r.metrics['tensorsStart']);
      expect(r.metrics['steps']).toBe(6);
      expect(r.metrics['accuracy']).toBeGreaterThanOrEqual(0);
      expect(r.metrics['accuracy']).toBeLessThanOrEqual(1);
      expect(r.metrics['idealMI']).toBe(first.metrics['idealMI']);
    }
    expect(records.map((r) => r.params['lambda'])).toEqual([null, null, 0.1, 0.1, 0.01, 0.01]);
    const text = await readFile(report, 'utf8');
    expect(text).toContain('| MINE (dv / remine:lambda=');
    expect(text).toContain('2.300 ± 0.003'); // MINE, CIFAR-10, published
    expect(text).toContain('CIFAR numbers beside an MNIST run');
    expect(text).toContain('negative MI estimates are clipped to 0');
    expect(text).toContain('A perfect classifier scores');
    expect(figures.some((f) => f.endsWith('slb-lambda-1.svg'))).toBe(true);
    expect(figures.some((f) => f.endsWith('slb-training-1.png'))).toBe(true);
    for (const figure of figures) await access(figure);
  }, 60_000);

  it('on a CIFAR-10 folder in the binary format: ideal values from its label counts', async () => {
    const directory = join(root, 'cifar-10-batches-bin');
    await writeCifar10(directory);
    const folder = await ResultsFolder.open(join(root, 'slb-cifar'));
    const { records, report } = await runSlbBenchmark(
      { ...tiny, dataset: 'cifar10', cifarDirectory: root, bounds: ['infonce'], seeds: [1] },
      { folder },
    );
    expect(records).toHaveLength(1);
    const { train } = loadCifar10({ directory });
    expect(train.count).toBe(40);
    expect(records[0]!.metrics['idealMI']).toBeCloseTo(labelEntropy(train.labels, 10), 12);
    expect(records[0]!.metrics['perfectClassifierMI']).toBeCloseTo(
      perfectClassifierEstimate(train.labels, 10, 8),
      12,
    );
    expect(records[0]!.params['trainSize']).toBe(40);
    expect(records[0]!.params['testSize']).toBe(20);
    expect(typeof records[0]!.metrics['testMI']).toBe('number');
    expect(await readFile(report, 'utf8')).toContain('## cifar10, critic resnet18');
  }, 60_000);

  it('stops mid-run on an abort and resumes: the finished run is skipped, the rest run', async () => {
    const directory = join(root, 'slb-resume');
    const options: LabelBenchmarkOptions = {
      ...tiny,
      trainSize: 48,
      testSize: 16,
      bounds: ['infonce', 'nwj'],
      seeds: [1],
    };
    const controller = new AbortController();
    let runs = 0;
    await runSlbBenchmark(options, {
      folder: await ResultsFolder.open(directory),
      signal: controller.signal,
      onRunStart: () => {
        runs += 1;
      },
      // Abort inside the second run's training, after its second step.
      onStep: (report) => {
        if (runs === 2 && report.step === 1) controller.abort();
      },
    });
    const interrupted = await ResultsFolder.open(directory);
    expect(interrupted.all().map((r) => r.params['bound'])).toEqual(['infonce']);
    const skipped: string[] = [];
    const started: string[] = [];
    const { records } = await runSlbBenchmark(options, {
      folder: interrupted,
      onRunSkipped: (r) => skipped.push(r.label),
      onRunStart: (r) => started.push(r.label),
    });
    expect(skipped).toEqual(['slb mnist infonce seed 1']);
    expect(started).toEqual(['slb mnist nwj seed 1']);
    expect(records.map((r) => r.params['bound'])).toEqual(['infonce', 'nwj']);
  }, 60_000);
});

describe('CLB end to end', () => {
  it('on a CIFAR-100 folder with coarse labels and augmented views: nearest-neighbour accuracy', async () => {
    const directory = join(root, 'cifar100');
    await writeCifar100(directory);
    const folder = await ResultsFolder.open(join(root, 'clb-cifar100'));
    const before = tf.memory().numTensors;
    const { records, report } = await runClbBenchmark(
      {
        ...tiny,
        dataset: 'cifar100',
        cifarDirectory: directory,
        labels: 'coarse',
        augment: 'crop-flip',
        bounds: ['infonce', 'reinfonce'],
      },
      { folder },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(records).toHaveLength(4);
    // Coarse labels (fine mod 4) of fine labels 0…9, four times each: counts 12, 12, 8, 8.
    const p = [12, 12, 8, 8].map((c) => c / 40);
    expect(records[0]!.metrics['idealMI']).toBeCloseTo(
      -p.reduce((a, q) => a + q * Math.log(q), 0),
      12,
    );
    for (const r of records) {
      expect(r.params['augment']).toBe('crop-flip');
      expect(r.params['labels']).toBe('coarse');
      expect(r.metrics['accuracy']).toBeGreaterThanOrEqual(0);
      expect(r.metrics['accuracy']).toBeLessThanOrEqual(1);
      expect(r.metrics['tensorsEnd']).toBe(r.metrics['tensorsStart']);
    }
    const text = await readFile(report, 'utf8');
    expect(text).toContain('Contrastive learning benchmark');
    expect(text).toContain('4.112 ± 0.147'); // InfoNCE, CIFAR-100, published CLB
    expect(text).toContain('augmented views (crop-flip)');
  }, 60_000);

  it('rejects augmentation for the SLB and a ResNet head other than the benchmark’s', async () => {
    const folder = await ResultsFolder.open(join(root, 'bad'));
    await expect(runSlbBenchmark({ ...tiny, augment: 'shift' }, { folder })).rejects.toThrow(
      "slb benchmark: invalid option 'augment'",
    );
    await expect(
      runClbBenchmark({ ...tiny, critic: 'resnet18:head=slb' }, { folder }),
    ).rejects.toThrow("clb benchmark: invalid option 'critic': expected head 'clb'");
    await expect(runSlbBenchmark({ ...tiny, dataset: 'cifar10' }, { folder })).rejects.toThrow(
      "invalid option 'cifarDirectory'",
    );
  });
});
