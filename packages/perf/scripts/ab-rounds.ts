// Interleaved A/B of whole training steps, shared by the perf-*-ab.ts scripts: for each critic,
// rounds alternate the order of the two variants (ABBA…) so that load which drifts during the run
// hits both alike; each round times a few steps per variant, and the line printed gives the median
// over rounds of each round's median step, the kernels per step and the other load measured.
// Not part of the package.
import { measureTrainingStep, type PerfBackend, type PerfCriticId } from '@mi/perf';

/** The two paths an A/B compares. */
export type Variant = 'before' | 'after';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function compareSteps(options: {
  readonly backend: PerfBackend;
  readonly critics: readonly PerfCriticId[];
  readonly rounds: number;
  /** Switches the process to a variant; called before every measurement, and with 'after' last. */
  readonly use: (variant: Variant) => void;
  /** Warm-up and timed steps per measurement, for the image critics (heavy) and the others. */
  readonly steps: (heavy: boolean) => { readonly warmupSteps: number; readonly timedSteps: number };
}): Promise<void> {
  const { backend, rounds, use } = options;
  for (const critic of options.critics) {
    const heavy = /^(cnn|slb|clb|resnet)/.test(critic);
    const times: Record<Variant, number[]> = { before: [], after: [] };
    const kernels: Record<Variant, string> = { before: '', after: '' };
    const loads: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order: Variant[] = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
      for (const variant of order) {
        use(variant);
        const result = await measureTrainingStep({
          critic,
          backend,
          bound: 'infonce',
          ...options.steps(heavy),
          seed: 1,
        });
        times[variant].push(result.medianMs!);
        if (result.otherLoadCores !== undefined) loads.push(result.otherLoadCores);
        const p = result.phases!;
        kernels[variant] =
          `${result.profile!.kernels} kernels: fwd ${p.forward.kernels} / bwd ${p.backward.kernels} / adam ${p.optimizer.kernels}`;
      }
    }
    use('after');
    const before = median(times.before);
    const after = median(times.after);
    const load = loads.length
      ? `; other load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} cores`
      : '';
    console.log(
      `${critic}/${backend}: before ${before.toFixed(2)} ms (${kernels.before}) → after ${after.toFixed(2)} ms (${kernels.after}); ×${(before / after).toFixed(2)}${load}; rounds: before ${times.before.map((t) => t.toFixed(1)).join(' ')} | after ${times.after.map((t) => t.toFixed(1)).join(' ')}`,
    );
  }
}
