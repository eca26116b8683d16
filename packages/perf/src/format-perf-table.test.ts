import { describe, expect, it } from 'vitest';
import {
  formatGflops,
  formatMebibytes,
  formatMilliseconds,
  formatPerfTable,
  formatRatio,
  formatTarget,
} from './format-perf-table';
import {
  compareWithPytorch,
  mergePerfReports,
  type PerfCaseResult,
  type PerfReport,
} from './perf-report';

const measured = (
  critic: PerfCaseResult['critic'],
  backend: PerfCaseResult['backend'],
  medianMs: number,
): PerfCaseResult => ({
  critic,
  backend,
  status: 'measured',
  n: 64,
  peakMemoryBytes: 2 * 2 ** 20,
  medianMs,
  p10Ms: medianMs * 0.9,
  p90Ms: medianMs * 1.2,
  flopsPerStep: 1e9,
  gflops: 1e9 / (medianMs * 1e6),
});

describe('number formatting', () => {
  it('keeps three significant digits of milliseconds', () => {
    expect(formatMilliseconds(1.5432)).toBe('1.54');
    expect(formatMilliseconds(22.06)).toBe('22.1');
    expect(formatMilliseconds(2187.9)).toBe('2188');
    expect(formatMilliseconds(undefined)).toBe('–');
    expect(formatMilliseconds(Number.NaN)).toBe('–');
  });

  it('writes ratios, GFLOP/s and MiB', () => {
    expect(formatRatio(4.876)).toBe('4.88×');
    expect(formatRatio(12.34)).toBe('12.3×');
    expect(formatRatio(undefined)).toBe('–');
    expect(formatGflops(0.73)).toBe('0.7');
    expect(formatGflops(126.4)).toBe('126');
    expect(formatMebibytes(3 * 2 ** 20)).toBe('3.0');
  });
});

describe('compareWithPytorch', () => {
  const cases = [
    measured('joint', 'wasm', 100),
    measured('joint', 'tensorflow', 20),
    measured('joint', 'pytorch', 20),
    measured('separable', 'wasm', 6),
    { ...measured('separable', 'pytorch', 1.5), status: 'failed' as const },
  ];

  it('divides our median by PyTorch’s and checks the targets (a ratio equal to its target meets it)', () => {
    const comparisons = compareWithPytorch(cases);
    expect(comparisons).toEqual([
      {
        critic: 'joint',
        backend: 'wasm',
        n: 64,
        oursMs: 100,
        pytorchMs: 20,
        ratio: 5,
        target: 3,
        meetsTarget: false,
      },
      {
        critic: 'joint',
        backend: 'tensorflow',
        n: 64,
        oursMs: 20,
        pytorchMs: 20,
        ratio: 1,
        target: 1,
        meetsTarget: true,
      },
    ]);
  });

  it('leaves out critics whose PyTorch case did not run', () => {
    expect(compareWithPytorch(cases).some((c) => c.critic === 'separable')).toBe(false);
  });

  it('formats a target verdict', () => {
    const [wasm, native] = compareWithPytorch(cases);
    expect(formatTarget(wasm)).toBe('≤ 3× MISSED');
    expect(formatTarget(native)).toBe('≤ 1× ok');
    expect(formatTarget(undefined)).toBe('');
  });
});

describe('formatPerfTable', () => {
  it('prints one row per case with the ratio beside our backend', () => {
    const cases = [
      measured('joint', 'wasm', 100),
      measured('joint', 'pytorch', 20),
      { ...measured('joint', 'tensorflow', 30), threads: 2 },
      { ...measured('joint', 'pytorch', 15), threads: 2 },
      {
        critic: 'cnn' as const,
        backend: 'tensorflow' as const,
        status: 'skipped' as const,
        reason: 'backend not available',
        flopsPerStep: 1,
      },
    ];
    const report: PerfReport = {
      kind: 'mi-perf-benchmark',
      version: 1,
      startedAt: '2025-01-01T00:00:00.000Z',
      seconds: 1,
      bound: 'infonce',
      machine: {
        cpuModel: 'Test CPU',
        cpus: 2,
        platform: 'linux',
        node: 'v20',
        totalMemoryBytes: 1,
      },
      versions: { torch: '1.13' },
      pytorch: {
        torch: '1.13',
        blas: 'openblas',
        blasLibrary: '/usr/lib/libblas.so.3',
        openblasCore: 'SkylakeX',
        openblasCoretype: 'SkylakeX',
        chosenBy: 'cpu flags',
      },
      cases,
      comparisons: compareWithPytorch(cases),
      notes: ['a note'],
    };
    const lines = formatPerfTable(report).split('\n');
    expect(lines).toContain(
      '| joint | 64 | 1 | wasm | 100 | 90.0–120 | 10.0 | 20.0 | 5.00× | ≤ 3× MISSED |  | 2.0 |  |  |  |',
    );
    expect(lines).toContain(
      '| joint | 64 | 1 | pytorch | 20.0 | 18.0–24.0 | 50.0 |  |  |  |  | 2.0 |  |  |  |',
    );
    expect(lines).toContain(
      '| cnn |  | 1 | tensorflow | skipped: backend not available |  |  |  |  |  |  |  |  |  |  |',
    );
    // Two threads: its own rows, compared with PyTorch on two threads, without a target.
    expect(lines).toContain(
      '| joint | 64 | 2 | tensorflow | 30.0 | 27.0–36.0 | 33.3 | 15.0 | 2.00× |  |  | 2.0 |  |  |  |',
    );
    expect(lines).toContain('versions: torch 1.13');
    expect(lines).toContain(
      'pytorch: torch 1.13, BLAS openblas (/usr/lib/libblas.so.3), OpenBLAS kernels SkylakeX (OPENBLAS_CORETYPE=SkylakeX, chosen by cpu flags)',
    );
    expect(lines).toContain('- a note');
  });
});

describe('mergePerfReports', () => {
  it('joins one report per thread count: cases, comparisons, threads, notes once', () => {
    const base = (threads: number, ms: number): PerfReport => {
      const cases = [
        { ...measured('joint', 'tensorflow', ms), threads },
        { ...measured('joint', 'pytorch', 20), threads },
      ];
      return {
        kind: 'mi-perf-benchmark',
        version: 1,
        startedAt: '2025-01-01T00:00:00.000Z',
        seconds: 10,
        bound: 'infonce',
        machine: { cpuModel: 'CPU', cpus: 2, platform: 'linux', node: 'v20', totalMemoryBytes: 1 },
        versions: threads === 1 ? { torch: '1.13' } : { '@tensorflow/tfjs-node': '4.22.0' },
        threads: [threads],
        cases,
        comparisons: compareWithPytorch(cases),
        notes: ['shared', `threads ${threads}`],
      };
    };
    const merged = mergePerfReports([base(1, 30), base(2, 25)]);
    expect(merged.threads).toEqual([1, 2]);
    expect(merged.seconds).toBe(20);
    expect(merged.cases).toHaveLength(4);
    expect(merged.comparisons.map((c) => [c.threads, c.ratio, c.target])).toEqual([
      [1, 1.5, 1],
      [2, 1.25, undefined],
    ]);
    expect(merged.versions).toEqual({ torch: '1.13', '@tensorflow/tfjs-node': '4.22.0' });
    expect(merged.notes).toEqual(['shared', 'threads 1', 'threads 2']);
    expect(() => mergePerfReports([])).toThrow(TypeError);
  });
});
