import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@mi/spec';
import { describe, expect, it } from 'vitest';
import {
  estimatedStepBytes,
  formatScalingTable,
  type PerfScalingReport,
  planScaling,
  scalingFigureSpec,
  writeScalingFigure,
} from './run-perf-scaling';

describe('planScaling', () => {
  it('plans every case, n and backend, small n first, and says which points cannot run', () => {
    const plan = planScaling();
    // 3 backends × 3 cases × 6 batch sizes.
    expect(plan).toHaveLength(54);
    expect(plan.slice(0, 6).map((e) => [e.backend, e.critic, e.n])).toEqual([
      ['tensorflow', 'joint', 32],
      ['tensorflow', 'joint', 64],
      ['tensorflow', 'joint', 128],
      ['tensorflow', 'joint', 256],
      ['tensorflow', 'joint', 512],
      ['tensorflow', 'joint', 1024],
    ]);
    const skipped = plan.filter((e) => e.skip).map((e) => `${e.backend} ${e.critic} ${e.n}`);
    expect(skipped).toEqual([
      'tensorflow joint-k64 32',
      'tensorflow joint-k64 64',
      // 1024² pairs × 6 KiB ≈ 6 GiB of tensors: more than the 32-bit wasm heap.
      'wasm joint 1024',
      'wasm joint-k64 32',
      'wasm joint-k64 64',
      'pytorch joint-k64 32',
      'pytorch joint-k64 64',
    ]);
    expect(
      plan.find((e) => e.backend === 'wasm' && e.critic === 'joint' && e.n === 1024)?.skip,
    ).toBe('needs ≈ 6.0 GiB of tensors; the wasm heap is 32-bit (4 GiB)');
  });

  it('takes fewer steps as the work per step grows, and an explicit count wins', () => {
    const plan = planScaling({ critics: ['joint'], backends: ['tensorflow'] });
    expect(plan.map((e) => e.timed)).toEqual([30, 30, 8, 2, 2, 2]);
    // tfjs-node: the compiled step is built and checked on the first four steps.
    expect(plan.map((e) => e.warmup)).toEqual([4, 4, 4, 4, 4, 4]);
    const wasm = planScaling({ critics: ['joint'], backends: ['wasm'] });
    expect(wasm.map((e) => e.warmup)).toEqual([3, 3, 3, 3, 1, 1]);
    expect(planScaling({ steps: 3, critics: ['separable'] }).every((e) => e.timed === 3)).toBe(
      true,
    );
  });

  it('rejects bad batch sizes, cases and backends', () => {
    expect(() => planScaling({ batchSizes: [1] })).toThrow(InvalidArgumentError);
    expect(() => planScaling({ critics: ['cnn' as never] })).toThrow(
      "runPerfScaling: invalid option 'critics': expected a non-empty list of joint, joint-k64, separable",
    );
    expect(() => planScaling({ backends: [] })).toThrow(InvalidArgumentError);
  });

  it('estimates 6 KiB of tensors per scored pair', () => {
    expect(estimatedStepBytes('joint', 1024)).toBe(1024 * 1024 * 6144);
    expect(estimatedStepBytes('joint-k64', 1024)).toBe(1024 * 65 * 6144);
  });
});

const report: PerfScalingReport = {
  kind: 'mi-perf-scaling',
  version: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  seconds: 1,
  machine: { cpuModel: 'Test CPU', cpus: 2, platform: 'linux', node: 'v20', totalMemoryBytes: 1 },
  versions: {},
  threads: 1,
  points: [
    {
      critic: 'joint',
      n: 64,
      backend: 'tensorflow',
      status: 'measured',
      medianMs: 30,
      peakMemoryBytes: 64 * 2 ** 20,
      flopsPerStep: 1,
    },
    {
      critic: 'joint',
      n: 64,
      backend: 'pytorch',
      status: 'measured',
      medianMs: 20,
      peakMemoryBytes: 32 * 2 ** 20,
      flopsPerStep: 1,
    },
    {
      critic: 'joint',
      n: 64,
      backend: 'wasm',
      status: 'skipped',
      reason: 'not installed',
      flopsPerStep: 1,
    },
  ],
  notes: ['a note'],
};

describe('scaling report', () => {
  it('tabulates each case and n with the ratios to PyTorch', () => {
    const lines = formatScalingTable(report).split('\n');
    expect(lines).toContain(
      '| joint, all n² pairs | 64 | 30.0 | skipped: not installed | 20.0 | 1.50× |  | 64.0 |  | 32.0 |',
    );
    expect(lines).toContain('- a note');
  });

  it('draws ms/step and peak memory against n, one line per backend, as SVG and PNG', async () => {
    const spec = scalingFigureSpec(report) as { data: { values: unknown[] } };
    expect(spec.data.values).toEqual([
      { case: 'joint, all n² pairs', n: 64, backend: 'tensorflow', ms: 30, mib: 64 },
      { case: 'joint, all n² pairs', n: 64, backend: 'pytorch', ms: 20, mib: 32 },
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'mi-scaling-'));
    try {
      const files = await writeScalingFigure(report, dir);
      expect(await readFile(files.svg, 'utf8')).toMatch(/^<svg/);
      expect((await readFile(files.png)).subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
