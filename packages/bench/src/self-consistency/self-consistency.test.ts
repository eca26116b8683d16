import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mergeResults,
  ResultsFolder,
  runSelfConsistencyBenchmark,
  type SelfConsistencyOptions,
  writeSelfConsistencyReport,
} from '@mi/bench';
import { additivityPairing, dataProcessingPairing, loadMnist, topRowsPairing } from '@mi/datasets';
import type { BenchmarkRecord } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageSubset, poolImages } from '../images/image-source';
import { selfConsistencyRatios } from './self-consistency-report';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-self-consistency-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('self-consistency pairings on MNIST (Song & Ermon App. B.2)', () => {
  const { train } = loadMnist();
  const set = imageSubset(train, 6);
  const pixel = (image: number, row: number, column: number) =>
    (set.pixels[(image * 28 + row) * 28 + column] as number) / 255;
  const read = (t: tf.Tensor) => {
    const values = t.dataSync();
    t.dispose();
    return values;
  };

  it('Y_t keeps exactly the top t rows of X and is zero below', () => {
    for (const t of [0, 1, 13, 27, 28]) {
      const batch = topRowsPairing(set, { rows: t }).gather(Int32Array.of(0, 1, 2, 3, 4, 5));
      const [x, y] = [read(batch.x), read(batch.y)];
      for (let i = 0; i < 6; i++) {
        for (let r = 0; r < 28; r++) {
          for (let c = 0; c < 28; c++) {
            const k = (i * 28 + r) * 28 + c;
            expect(x[k]).toBe(Math.fround(pixel(i, r, c)));
            expect(y[k]).toBe(r < t ? Math.fround(pixel(i, r, c)) : 0);
          }
        }
      }
    }
  });

  it('data processing: [X, X] against [Y_t, h(Y_t)] with h keeping the top t − 3 rows', () => {
    const t = 10;
    const batch = dataProcessingPairing(set, { rows: t }).gather(Int32Array.of(4, 2));
    const [x, y] = [read(batch.x), read(batch.y)];
    [4, 2].forEach((image, i) => {
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          const k = ((i * 28 + r) * 28 + c) * 2;
          const v = Math.fround(pixel(image, r, c));
          expect([x[k], x[k + 1]]).toEqual([v, v]);
          expect([y[k], y[k + 1]]).toEqual([r < t ? v : 0, r < t - 3 ? v : 0]);
        }
      }
    });
  });

  it('additivity: [X₁, X₂] against [Y₁, Y₂], X₂ another image, both cut at t rows', () => {
    const t = 5;
    const batch = additivityPairing(set, { rows: t, seed: 2 }).gather(
      Int32Array.of(0, 1, 2, 3, 4, 5),
    );
    const [x, y] = [read(batch.x), read(batch.y)];
    const partners = new Set<number>();
    for (let i = 0; i < 6; i++) {
      // Find the partner by its first non-blank row, then compare every pixel.
      const channel = (
        values: Float32Array | Int32Array | Uint8Array,
        r: number,
        c: number,
        k: number,
      ) => values[((i * 28 + r) * 28 + c) * 2 + k] as number;
      const partner = [0, 1, 2, 3, 4, 5].find(
        (j) =>
          j !== i &&
          [...Array(28 * 28).keys()].every(
            (p) =>
              channel(x, Math.floor(p / 28), p % 28, 1) ===
              Math.fround(pixel(j, Math.floor(p / 28), p % 28)),
          ),
      );
      expect(partner, `partner of ${i}`).toBeDefined();
      partners.add(partner as number);
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          expect(channel(x, r, c, 0)).toBe(Math.fround(pixel(i, r, c)));
          expect(channel(y, r, c, 0)).toBe(r < t ? Math.fround(pixel(i, r, c)) : 0);
          expect(channel(y, r, c, 1)).toBe(r < t ? Math.fround(pixel(partner as number, r, c)) : 0);
        }
      }
    }
    expect(partners.size).toBe(6);
  });

  it('pooling averages blocks: 28 × 28 → 14 × 14', () => {
    const pooled = poolImages(set, 2);
    expect([pooled.height, pooled.width]).toEqual([14, 14]);
    const block = [pixel(3, 8, 10), pixel(3, 8, 11), pixel(3, 9, 10), pixel(3, 9, 11)];
    expect(pooled.pixels[(3 * 14 + 4) * 14 + 5]).toBe(
      Math.round((255 * block.reduce((a, b) => a + b, 0)) / 4),
    );
  });
});

describe('self-consistency ratios', () => {
  const record = (
    setting: string,
    rows: number,
    seed: number,
    estimate: number | null,
  ): BenchmarkRecord => ({
    benchmark: 'self-consistency',
    runId: `${setting}-${rows}-${seed}`,
    params: { setting, rows, seed, critic: 'cnn', bound: 'infonce', imageHeight: 28 },
    metrics: { estimate },
    environment: {},
    finishedAt: '',
  });

  it('divide by Î(X; X) for independence and by Î(X; Y_t) for data processing and additivity', () => {
    const ratios = selfConsistencyRatios([
      record('top-rows', 28, 1, 4),
      record('top-rows', 14, 1, 2),
      record('top-rows', 28, 2, 5),
      record('top-rows', 14, 2, 1),
      record('data-processing', 14, 1, 2.2),
      record('data-processing', 14, 2, 0.9),
      record('additivity', 14, 1, 3),
      // Seed 2's additivity run has no finite estimate: left out.
      record('additivity', 14, 2, null),
    ]);
    const at = (test: string, rows: number) =>
      ratios.find((r) => r.test === test && r.rows === rows)?.values;
    expect(at('independence', 14)).toEqual([0.5, 0.2]);
    expect(at('independence', 28)).toEqual([1, 1]);
    expect(at('data-processing', 14)?.map((v) => Number(v.toFixed(12)))).toEqual([1.1, 0.9]);
    expect(at('additivity', 14)).toEqual([1.5]);
  });
});

// 7 × 7 images (MNIST pooled ×4), 32 training and 16 test images, batch 8, one epoch: 4 steps per
// run, tiny networks. t = 0, 3 and 7 (= the height): 7 trainings per critic, bound and seed.
const tiny: SelfConsistencyOptions = {
  pool: 4,
  rows: [0, 3, 7],
  bounds: ['infonce'],
  critics: ['cnn', 'cnn:head=separable'],
  filters: [2],
  denseUnits: [4],
  embeddingSize: 3,
  seeds: [1, 2],
  trainSize: 32,
  testSize: 16,
  batchSize: 8,
  epochs: 1,
  learningRate: 1e-3,
};

describe('self-consistency benchmark end to end (tiny MNIST)', () => {
  it('runs the three tests for both critic forms, writes the report and figures, and frees its tensors', async () => {
    const folder = await ResultsFolder.open(join(root, 'full'));
    const before = tf.memory().numTensors;
    const { records, report, figures } = await runSelfConsistencyBenchmark(tiny, { folder });
    expect(tf.memory().numTensors).toBe(before);
    // Per critic and seed: top rows at 0, 3, 7; data processing at 3, 7; additivity at 3, 7.
    // Plus the reference classifier at each t per seed.
    expect(records).toHaveLength(2 * 2 * 7 + 3 * 2);
    for (const r of records) {
      expect(r.metrics['tensorsEnd']).toBe(r.metrics['tensorsStart']);
      expect(typeof r.metrics['rssEndMiB']).toBe('number');
    }
    const estimates = records.filter((r) => r.params['setting'] !== 'classifier');
    for (const r of estimates) expect(r.metrics['steps']).toBe(4);
    // t = 0: Y is constant, and a critic can find no dependence; InfoNCE on the test pairs is
    // close to 0 (its ceiling is log 8 = 2.08).
    for (const r of estimates.filter((x) => x.params['rows'] === 0)) {
      expect(Math.abs(r.metrics['estimate'] as number)).toBeLessThan(0.1);
    }
    for (const r of records.filter((x) => x.params['setting'] === 'classifier')) {
      expect(r.metrics['accuracy']).toBeGreaterThanOrEqual(0);
      expect(r.metrics['accuracy']).toBeLessThanOrEqual(1);
    }
    const text = await readFile(report, 'utf8');
    expect(text).toContain('Î(X; Y_t) / Î(X; X)');
    expect(text).toContain('ideal 1 (Fig. 5)');
    expect(text).toContain('ideal 2 (Fig. 6)');
    expect(text).toContain('| reference | classifier accuracy from the top t rows |');
    expect(text).toContain('| cnn:head=separable | infonce |');
    expect(text).toMatch(/tensors start → end/);
    expect(figures).toHaveLength(6);
    for (const figure of figures) await access(figure);
  }, 60_000);

  it('resumes after an interruption: finished runs are skipped, the rest run', async () => {
    const directory = join(root, 'resume');
    const controller = new AbortController();
    let ended = 0;
    await runSelfConsistencyBenchmark(
      { ...tiny, critics: ['cnn:head=separable'], seeds: [1] },
      {
        folder: await ResultsFolder.open(directory),
        signal: controller.signal,
        onRunEnd: () => {
          ended += 1;
          if (ended === 3) controller.abort();
        },
      },
    );
    const interrupted = await ResultsFolder.open(directory);
    expect(interrupted.all()).toHaveLength(3);
    const skipped: string[] = [];
    const started: string[] = [];
    const { records } = await runSelfConsistencyBenchmark(
      { ...tiny, critics: ['cnn:head=separable'], seeds: [1] },
      {
        folder: interrupted,
        onRunSkipped: (r) => skipped.push(r.runId),
        onRunStart: (r) => started.push(r.runId),
      },
    );
    expect(skipped).toHaveLength(3);
    expect(started).toHaveLength(7 + 3 - 3);
    expect(records).toHaveLength(10);
    expect(new Set([...skipped, ...started])).toEqual(new Set(records.map((r) => r.runId)));
  }, 60_000);

  it('splits into shards that merge into the unsharded set of runs', async () => {
    const options = { ...tiny, critics: ['cnn:head=separable'], seeds: [3], reference: false };
    const a = join(root, 'shard-1');
    const b = join(root, 'shard-2');
    await runSelfConsistencyBenchmark(options, {
      folder: await ResultsFolder.open(a),
      shard: { index: 1, count: 2 },
    });
    await runSelfConsistencyBenchmark(options, {
      folder: await ResultsFolder.open(b),
      shard: { index: 2, count: 2 },
    });
    const first = (await ResultsFolder.open(a)).all();
    const second = (await ResultsFolder.open(b)).all();
    expect(first.length + second.length).toBe(7);
    expect(first.some((r) => second.some((s) => s.runId === r.runId))).toBe(false);
    const { folder, records } = await mergeResults([a, b], join(root, 'merged'));
    expect(records).toHaveLength(7);
    const { report } = await writeSelfConsistencyReport(folder);
    expect(await readFile(report, 'utf8')).toContain('ideal 2 (Fig. 6)');
  }, 60_000);

  it('rejects rows beyond the image height and an unknown test before training', async () => {
    const folder = await ResultsFolder.open(join(root, 'bad'));
    await expect(
      runSelfConsistencyBenchmark({ ...tiny, rows: [0, 9] }, { folder }),
    ).rejects.toThrow(
      "self-consistency benchmark: invalid option 'rows': expected rows in [0, 7] (the image height after pooling ×4)",
    );
    await expect(
      runSelfConsistencyBenchmark({ ...tiny, tests: ['additive' as never] }, { folder }),
    ).rejects.toThrow("invalid option 'tests'");
    expect(folder.all()).toHaveLength(0);
  });
});
