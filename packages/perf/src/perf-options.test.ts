import { InvalidArgumentError, NoSuchBoundError } from '@mi/spec';
import { describe, expect, it } from 'vitest';
import type { PerfBenchmarkOptions } from './perf-options';
import { resolvePerfOptions, stepCounts } from './perf-options';
import { skipReason } from './run-perf-benchmark';

describe('resolvePerfOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolvePerfOptions();
    expect(resolved.critics).toEqual([
      'joint',
      'separable',
      'cnn',
      'cnn-n64',
      'slb-64',
      'slb-256',
      'clb-64',
      'resnet18',
    ]);
    expect(resolved.backends).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(resolved.bound).toBe('infonce');
    expect(resolved.pytorch).toBe(true);
    expect(resolved.python).toBe('/usr/bin/python3');
    expect(resolved.torchIterations).toBe(400);
    expect(resolved.nativeThreads).toBe(1);
    expect(resolved.torchThreads).toBe(1);
    expect(resolved.heavyWasm).toBe(false);
  });

  it('gives both sides the same thread count unless one side is set', () => {
    const two = resolvePerfOptions({ threads: 2 });
    expect([two.threads, two.nativeThreads, two.torchThreads]).toEqual([2, 2, 2]);
    expect(resolvePerfOptions({ threads: 2, torchThreads: 1 }).torchThreads).toBe(1);
    expect(() => resolvePerfOptions({ threads: 0 })).toThrow(
      "runPerfBenchmark: invalid option 'threads': expected an integer ≥ 1, received 0",
    );
  });

  it('names an unknown critic and lists the known ones', () => {
    const bad = { critics: ['joint', 'resnet'] } as unknown as PerfBenchmarkOptions;
    expect(() => resolvePerfOptions(bad)).toThrow(
      `runPerfBenchmark: invalid option 'critics': expected a non-empty list without repeats of joint, separable, cnn, cnn-n64, slb-64, slb-256, clb-64, resnet18, received ["joint", "resnet"]`,
    );
    try {
      resolvePerfOptions(bad);
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).parameter).toBe('critics');
    }
  });

  it('rejects an unknown backend, bound and option name', () => {
    expect(() =>
      resolvePerfOptions({ backends: ['webgl'] } as unknown as PerfBenchmarkOptions),
    ).toThrow(/'backends': expected a non-empty list without repeats of tensorflow, wasm, cpu/);
    // Bounds resolve through the registry: any bound it knows, with its options checked.
    expect(resolvePerfOptions({ bound: 'smile:tau=5' }).bound).toBe('smile:tau=5');
    expect(() => resolvePerfOptions({ bound: 'smiley' })).toThrow(NoSuchBoundError);
    expect(() => resolvePerfOptions({ bound: 'smile:tau=-1' })).toThrow(InvalidArgumentError);
    expect(() => resolvePerfOptions({ step: 3 } as unknown as PerfBenchmarkOptions)).toThrow(
      /runPerfBenchmark: invalid option 'step': expected no such option \(known: critics, /,
    );
    expect(() => resolvePerfOptions({ critics: [] })).toThrow(InvalidArgumentError);
    expect(() => resolvePerfOptions({ critics: ['joint', 'joint'] })).toThrow(InvalidArgumentError);
  });

  it('rejects bad counts with the accepted range', () => {
    expect(() => resolvePerfOptions({ steps: 0 })).toThrow(
      "runPerfBenchmark: invalid option 'steps': expected an integer ≥ 1, received 0",
    );
    expect(() => resolvePerfOptions({ warmupSteps: 1.5 })).toThrow(/'warmupSteps'/);
    expect(() => resolvePerfOptions({ torchIterations: 100 })).toThrow(
      "runPerfBenchmark: invalid option 'torchIterations': expected an integer ≥ 110, received 100",
    );
    expect(() => resolvePerfOptions({ python: '' })).toThrow(/'python': expected a non-empty path/);
    expect(() => resolvePerfOptions({ quick: 'yes' } as unknown as PerfBenchmarkOptions)).toThrow(
      /'quick': expected true or false/,
    );
  });
});

describe('stepCounts', () => {
  const base = resolvePerfOptions();

  it('gives each case its default', () => {
    expect(stepCounts(base, 'joint', 'wasm')).toEqual({ warmup: 3, timed: 20 });
    // On tfjs-node the warm-up covers the compiled step's build and check (steps 1–4).
    expect(stepCounts(base, 'joint', 'tensorflow')).toEqual({ warmup: 4, timed: 30 });
    // The 1–4 ms separable step warms up as long as the peer reference (100 untimed).
    expect(stepCounts(base, 'separable', 'tensorflow')).toEqual({ warmup: 100, timed: 200 });
    expect(stepCounts(base, 'cnn', 'wasm')).toEqual({ warmup: 2, timed: 5 });
    expect(stepCounts(base, 'joint', 'cpu')).toEqual({ warmup: 1, timed: 3 });
    expect(stepCounts(base, 'resnet18', 'tensorflow')).toEqual({ warmup: 4, timed: 2 });
    const eager = resolvePerfOptions({ graph: false });
    expect(stepCounts(eager, 'joint', 'tensorflow')).toEqual({ warmup: 3, timed: 30 });
    expect(stepCounts(eager, 'resnet18', 'tensorflow')).toEqual({ warmup: 1, timed: 2 });
    expect(stepCounts(base, 'slb-256', 'wasm')).toEqual({ warmup: 2, timed: 2 });
  });

  it('divides by three when quick and lets explicit counts win', () => {
    const quick = resolvePerfOptions({ quick: true });
    expect(stepCounts(quick, 'joint', 'wasm')).toEqual({ warmup: 3, timed: 7 });
    expect(stepCounts(quick, 'cnn', 'wasm')).toEqual({ warmup: 1, timed: 2 });
    const explicit = resolvePerfOptions({ quick: true, steps: 4, warmupSteps: 0 });
    expect(stepCounts(explicit, 'cnn', 'cpu')).toEqual({ warmup: 0, timed: 4 });
  });
});

describe('skipReason', () => {
  const defaults = { cpuCnn: false, heavyWasm: false, threads: 1 };

  it('runs the table cases everywhere they take seconds, and says why not elsewhere', () => {
    expect(skipReason('joint', 'cpu', defaults)).toBeUndefined();
    expect(skipReason('slb-64', 'wasm', defaults)).toBeUndefined();
    expect(skipReason('resnet18', 'tensorflow', defaults)).toBeUndefined();
    expect(skipReason('cnn', 'cpu', defaults)).toMatch(/35 s\/step \(cpuCnn: true/);
    expect(skipReason('cnn', 'cpu', { ...defaults, cpuCnn: true })).toBeUndefined();
    expect(skipReason('slb-64', 'cpu', { ...defaults, cpuCnn: true })).toMatch(/pure-JS cpu/);
    expect(skipReason('cnn-n64', 'wasm', defaults)).toMatch(/405 GFLOP\/step .*--heavy-wasm/);
    expect(skipReason('cnn-n64', 'wasm', { ...defaults, heavyWasm: true })).toBeUndefined();
    // ResNet-18's pairs do not fit the wasm heap, heavy or not.
    for (const heavyWasm of [false, true]) {
      expect(skipReason('resnet18', 'wasm', { ...defaults, heavyWasm })).toMatch(
        /5\.7 GB of tensors .*4 GiB/,
      );
    }
  });

  it('skips wasm and cpu above one thread', () => {
    const two = { ...defaults, threads: 2 };
    expect(skipReason('joint', 'tensorflow', two)).toBeUndefined();
    expect(skipReason('joint', 'wasm', two)).toMatch(/single-threaded in Node/);
    expect(skipReason('joint', 'cpu', two)).toMatch(/single-threaded JavaScript/);
  });
});
