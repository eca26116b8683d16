import type { BenchmarkRecord, StepReport } from '@mi/spec';
import type { ResultsFolder } from './records/results-folder';
import type { Shard } from './records/shard';

/** Where a benchmark writes, which part of the sweep it runs, and who is told about progress. */
export interface BenchmarkContext {
  readonly folder: ResultsFolder;
  readonly shard?: Shard;
  readonly signal?: AbortSignal;
  onRunStart?(run: {
    runId: string;
    label: string;
    index: number;
    total: number;
    steps: number;
  }): void;
  onRunSkipped?(run: { runId: string; label: string }): void;
  onRunEnd?(run: { runId: string; label: string; record: BenchmarkRecord }): void | Promise<void>;
  onStep?(report: StepReport): void;
}
