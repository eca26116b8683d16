import type { BenchmarkContext, EstimateProgress } from '@mi/bench';
import type { StepReport } from '@mi/spec';
import cliProgress from 'cli-progress';

/** Where a command writes: results to stdout, progress and notes to stderr. */
export interface Output {
  /** Machine output requested: stdout gets one JSON document and nothing else. */
  readonly json: boolean;
  result(text: string): void;
  note(text: string): void;
  /** Progress callbacks for a benchmark (a bar per run on a terminal; nothing otherwise). */
  progress(): Pick<BenchmarkContext, 'onRunStart' | 'onRunSkipped' | 'onRunEnd' | 'onStep'> & {
    stop(): void;
  };
  /**
   * Progress of `mi estimate` on a terminal: a bar per seed (and critic) with the step, the latest
   * held-out value and the ETA; nothing under `--json`, `--quiet` or `--no-progress`, or off a
   * terminal.
   */
  estimateProgress(): { onProgress(progress: EstimateProgress): void; stop(): void };
}

/** Global output options. */
export interface OutputOptions {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly progress?: boolean;
}

export function createOutput(
  options: OutputOptions,
  streams = { stdout: process.stdout, stderr: process.stderr },
): Output {
  const json = options.json === true;
  const quiet = options.quiet === true;
  // Bars only on a terminal: logs and pipes get one line per finished run instead.
  const bars = options.progress !== false && !quiet && streams.stderr.isTTY === true;
  const estimateBars = bars && !json;
  return {
    json,
    result: (text) => streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    note: (text) => {
      if (!quiet) streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    progress() {
      let bar: cliProgress.SingleBar | undefined;
      let total = 0;
      const stop = () => {
        bar?.stop();
        bar = undefined;
      };
      return {
        stop,
        onRunStart(run) {
          stop();
          total = run.steps;
          if (bars) {
            bar = new cliProgress.SingleBar(
              {
                stream: streams.stderr,
                format: `[${run.index + 1}/${run.total}] ${run.label} |{bar}| {value}/{total} steps | {speed} steps/s | ETA {eta_formatted} | I = {estimate}`,
                hideCursor: true,
                clearOnComplete: true,
                fps: 5,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(total, 0, { speed: '–', estimate: '–' });
          } else if (!quiet) {
            streams.stderr.write(
              `[${run.index + 1}/${run.total}] ${run.label}: training ${run.steps} steps\n`,
            );
          }
        },
        onRunSkipped(run) {
          if (!quiet) streams.stderr.write(`skip (already in results): ${run.label}\n`);
        },
        onRunEnd(run) {
          stop();
          if (!quiet) streams.stderr.write(`done: ${run.label}\n`);
        },
        onStep(report: StepReport) {
          bar?.update(report.step + 1, {
            speed: report.stepsPerSecond.toFixed(1),
            estimate: report.estimate.toFixed(3),
          });
        },
      };
    },
    estimateProgress() {
      let bar: cliProgress.SingleBar | undefined;
      let current = '';
      const stop = () => {
        bar?.stop();
        bar = undefined;
      };
      return {
        stop,
        onProgress(progress) {
          if (!estimateBars) return;
          const run = `${progress.seedIndex}/${progress.critic}`;
          if (run !== current) {
            stop();
            current = run;
            bar = new cliProgress.SingleBar(
              {
                stream: streams.stderr,
                format: `seed ${progress.seed} (${progress.seedIndex + 1}/${progress.seeds}), ${progress.critic} |{bar}| step {value}/{total} | held-out {heldOut} nats | ETA {etaText}`,
                hideCursor: true,
                clearOnComplete: true,
                fps: 5,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(progress.maxSteps, 0, { heldOut: '–', etaText: '–' });
          }
          bar?.update(progress.step, {
            heldOut: progress.heldOut === undefined ? '–' : progress.heldOut.toFixed(3),
            etaText:
              progress.etaSeconds === undefined ? '–' : `${Math.ceil(progress.etaSeconds)} s`,
          });
        },
      };
    },
  };
}
