// One-off migration of results folders, 2026-12-01 (second of the day, after rejs-dv-reading.mjs).
// `rejs` regularised its NWJ partition term P = E_Q[e^{T+s−1}] with Eq. 11's Euclidean distance on
// P itself, λ(P − C)² (`linear-l2`); it now takes it on log P, λ(log P − log C)² (`log-euclidean`,
// as ReNWJ), because the linear form diverges on the contrastive benchmark at every λ. The target
// C is a partition term in both (default 1), so only the distance is relabelled: runs of the old
// default become `rejs:distance=linear-l2…`, and runs that named `distance=log-euclidean` lose it,
// since it is now the default. relabel.mjs recomputes run ids and checksums and renames traces.
//
//   node docs/benchmarks/migrations/rejs-log-euclidean-default.mjs <results folder>...
//
// Needs `pnpm build`. Only records finished before the change are touched, and each relabelled
// record says so (`migrations: ['rejs-log-euclidean-default']`), so a second call changes nothing.
import { runMigration } from './relabel.mjs';

/** The options that name the loss an earlier `rejs` run trained under today's defaults. */
function relabel(options) {
  if (options.distance === undefined) return { ...options, distance: 'linear-l2' };
  if (options.distance === 'log-euclidean') {
    const { distance: _distance, ...rest } = options;
    return rest;
  }
  return undefined;
}

await runMigration(
  {
    name: 'rejs-log-euclidean-default',
    boundId: 'rejs',
    // Records finished after this ran the log-Euclidean default.
    changedAt: '2026-12-01T20:30:00Z',
    relabel,
  },
  'rejs-log-euclidean-default.mjs',
);
