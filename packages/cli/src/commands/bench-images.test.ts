import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clbPresets, slbPresets } from '@mi/bench';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMi } from '../../test/run-mi';
import { toLabelOptions } from './bench-label';
import { toSelfConsistencyOptions } from './bench-self-consistency';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-cli-images-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mi = runMi;

// The --quick presets, shrunk to MNIST pooled ×4 (7 × 7), a few dozen images and tiny networks so
// that the pure-JS backend runs them in seconds.
const tinyImages = ['--pool', '4', '--train-size', '32', '--test-size', '16', '--batch-size', '8'];

describe('mi bench self-consistency', () => {
  it('runs --quick end to end on a tiny MNIST subset and prints the report as JSON', async () => {
    const out = join(root, 'self-consistency');
    const { stdout, stderr, exitCode } = await mi(
      '--json',
      'bench',
      'self-consistency',
      '--quick',
      ...tinyImages,
      '--rows',
      '0,3,7',
      '--test',
      'data-processing,additivity',
      '--critic',
      'cnn:head=separable',
      '--filters',
      '2',
      '--dense',
      '4',
      '--seeds',
      '1',
      '--out',
      out,
    );
    expect(exitCode, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.benchmark).toBe('self-consistency');
    // Two bounds (the preset's): top rows at 3 and 7, data processing at 3 and 7, additivity at 3, 7.
    expect(result.records).toHaveLength(2 * 6);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('ideal 2 (Fig. 6)');
  }, 30_000);

  it('rejects an unknown test, a bad critic and CIFAR without a folder, with exit code 2', async () => {
    const test = await mi('bench', 'self-consistency', '--test', 'additive');
    expect(test.exitCode).toBe(2);
    expect(test.stderr).toContain("invalid option '--test'");
    const critic = await mi('bench', 'self-consistency', '--critic', 'cnn:head=diagonal');
    expect(critic.exitCode).toBe(2);
    expect(critic.stderr).toContain('--critic cnn:head=diagonal');
    const cifar = await mi(
      'bench',
      'self-consistency',
      '--dataset',
      'cifar10',
      '--out',
      join(root, 'no'),
    );
    expect(cifar.exitCode).toBe(2);
    expect(cifar.stderr).toContain("'--cifar-dir'");
  });

  it('--paper picks CIFAR-10, or MNIST with --dataset mnist; flags override presets', () => {
    const registries = {};
    expect(toSelfConsistencyOptions({ paper: true }, registries).dataset).toBe('cifar10');
    const mnist = toSelfConsistencyOptions({ paper: true, dataset: 'mnist' }, registries);
    expect([mnist.dataset, mnist.learningRate, mnist.trainSize]).toEqual([
      'mnist',
      1e-4,
      undefined,
    ]);
    expect(toSelfConsistencyOptions({ quick: true, lr: 0.01 }, registries).learningRate).toBe(0.01);
    expect(() => toSelfConsistencyOptions({ quick: true, paper: true }, registries)).toThrow(
      "invalid option '--paper'",
    );
  });
});

describe('mi bench slb and clb', () => {
  it('runs slb --quick end to end on a tiny MNIST subset', async () => {
    const out = join(root, 'slb');
    const { stdout, stderr, exitCode } = await mi(
      '--json',
      'bench',
      'slb',
      '--quick',
      ...tinyImages,
      '--widths',
      '2,2,2,2',
      '--bounds',
      'infonce,reinfonce',
      '--seeds',
      '1',
      '--epochs',
      '1',
      '--out',
      out,
    );
    expect(exitCode, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.records.map((r: { params: { bound: string } }) => r.params.bound)).toEqual([
      'infonce',
      'reinfonce:lambda=0.1',
    ]);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain(
      '| InfoNCE (infonce / reinfonce:lambda=0.1) |',
    );
  }, 30_000);

  it('runs clb with augmented views and a λ list', async () => {
    const out = join(root, 'clb');
    const { stdout, stderr, exitCode } = await mi(
      '--json',
      'bench',
      'clb',
      ...tinyImages,
      // Every class needs two test images for the test pairs.
      '--test-size',
      '48',
      '--widths',
      '2,2,2,2',
      '--embedding-size',
      '3',
      '--bounds',
      'reinfonce',
      '--lambdas',
      '0.1,0.01',
      '--augment',
      'shift',
      '--seeds',
      '1',
      '--out',
      out,
    );
    expect(exitCode, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.records).toHaveLength(2);
    expect(result.figures.some((f: string) => f.endsWith('clb-lambda-1.svg'))).toBe(true);
  }, 30_000);

  it('picks the paper presets by data set and adds the λ ablation', () => {
    expect(toLabelOptions('slb', { paper: true }, {})).toMatchObject(slbPresets.paper);
    expect(toLabelOptions('clb', { paper: true, dataset: 'cifar100' }, {})).toMatchObject(
      clbPresets.paperCifar100,
    );
    expect(toLabelOptions('clb', { quick: true, lambdaAblation: true }, {}).lambdas).toEqual([
      1, 0.1, 0.01, 0.001,
    ]);
  });

  it('rejects a negative λ, a bad augmentation and a class without a partner, with exit code 2', async () => {
    const lambda = await mi('bench', 'slb', '--lambdas', '0.1,-1');
    expect(lambda.exitCode).toBe(2);
    expect(lambda.stderr).toContain("invalid option '--lambdas'");
    const augment = await mi('bench', 'clb', '--augment', 'rotate');
    expect(augment.exitCode).toBe(2);
    const single = await mi('bench', 'clb', ...tinyImages, '--out', join(root, 'single'));
    expect(single.exitCode).toBe(2);
    expect(single.stderr).toContain('at least two images of every class present');
  });
});
