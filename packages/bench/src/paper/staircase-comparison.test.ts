import type { BenchmarkRecord } from '@mi/spec';
import { describe, expect, it } from 'vitest';
import type { PublishedRow } from '../gaussian/published';
import { staircaseComparison } from './staircase-comparison';

/**
 * Three seeds of one bound at level 8 with the given biases (truth − estimate) and variance 0.2
 * over the last half of the level; over the whole level, biases 1 nat larger and variance 0.8.
 */
function records(biases: readonly number[]): BenchmarkRecord[] {
  return biases.map((bias, i) => ({
    benchmark: 'gaussian',
    runId: `r${i}`,
    params: { bound: 'smile:tau=5', seed: i + 1 },
    metrics: {
      'bias@8': bias,
      'variance@8': 0.2,
      'mse@8': bias * bias + 0.2,
      'all:bias@8': bias + 1,
      'all:variance@8': 0.8,
      'all:mse@8': (bias + 1) ** 2 + 0.8,
    },
  })) as unknown as BenchmarkRecord[];
}

const published = (biasUnsigned: boolean): PublishedRow => ({
  source: 'paper',
  task: 'gaussian',
  bound: 'smile:tau=5',
  label: 'SMILE',
  bias: [0.1, 0.1, 0.2, 0.5, 0.9],
  ...(biasUnsigned ? { biasUnsigned } : {}),
  variance: [0.05, 0.1, 0.2, 0.2, 0.5],
  mse: [0.06, 0.11, 0.24, 0.45, 1.3],
});

function biasRow(biasUnsigned: boolean, window?: 'all' | 'last-half') {
  const { section } = staircaseComparison({
    title: 't',
    records: records([-0.49, -0.5, -0.51]),
    estimators: [
      {
        label: 'SMILE',
        benchmark: 'gaussian',
        match: { bound: 'smile:tau=5' },
        published: published(biasUnsigned),
        ...(window ? { window } : {}),
      },
    ],
    levels: [8],
    seeds: [1, 2, 3],
    convention: 'true-minus-estimate',
    missing: 'not-published',
  });
  return JSON.stringify(section);
}

describe('staircaseComparison', () => {
  it('compares an unsigned published bias with the sign of ours, and a signed one as printed', () => {
    // Ours: −0.50 (over-estimate). Published 0.5: unsigned, it matches; signed, it is 1 nat off.
    const unsigned = biasRow(true);
    expect(unsigned).toContain('bias, printed unsigned');
    expect(unsigned).toMatch(/-0\.50[^\]]*reproduced/);
    const signed = biasRow(false);
    expect(signed).not.toContain('printed unsigned');
    expect(signed).toMatch(/-0\.50[^\]]*differs/);
  });

  it('reads the whole level’s statistics when the estimator asks for that window', () => {
    const ourRow = (window: 'all' | 'last-half', stat: string) =>
      (JSON.parse(biasRow(false, window)).table as string)
        .split('\n')
        .find((line) => line.startsWith(`| SMILE, ours (3 seeds) | ${stat} |`));
    // Whole level: biases 0.49–0.51 against the published 0.5, variance 0.8 against 0.2.
    expect(ourRow('all', 'bias')).toMatch(/\| 0\.50 \| \*\*reproduced\*\*/);
    expect(ourRow('all', 'variance')).toMatch(/\| 0\.80 \| \*\*differs\*\*/);
    expect(ourRow('last-half', 'bias')).toMatch(/\| -0\.50 \| \*\*differs\*\*/);
    expect(ourRow('last-half', 'variance')).toMatch(/\| 0\.20 \| \*\*reproduced\*\*/);
  });
});
