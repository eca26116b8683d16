// One-off migration of results folders, 2026-12-01. Until then `rejs` regularised the JS critic
// with the DV family's distance on L₀ = log E_Q[e^T]; it now takes Eq. 11's NWJ-family form on
// the partition term its NWJ readout subtracts, L = log E_Q[e^{T+s−1}] = L₀ + s − 1 (s = 0 for
// readout 'nwj', 1 for 'nwj-shifted'), then by default λ(e^L − 1)² (Choi & Lee 2022, Table 1: JS is
// in the NWJ family, distance Euclidean; rejs-log-euclidean-default.mjs made it λL² later). Each earlier `rejs` run is kept under the spec that
// trains the same loss today: its distance (l2 by default), λ, and the target moved to the new L:
// C + s − 1 for l2 and l1 (default C = 0: `rejs:distance=l2;target=-1`), C·e^{s−1} for
// log-Euclidean. packages/bounds/src/hand-values.test.ts checks the identity for both readouts.
// relabel.mjs recomputes run ids and checksums and renames traces.
//
//   node docs/benchmarks/migrations/rejs-dv-reading.mjs <results folder>...
//
// Needs `pnpm build`. Only records finished before the change are touched, and each relabelled
// record says so (`migrations: ['rejs-dv-reading']`), so a second call, or a folder that has new
// `rejs` runs, changes nothing more.
import { runMigration } from './relabel.mjs';

/** The options of today's `rejs` that train the loss an earlier `rejs` run trained. */
function equivalentOptions(options) {
  const shift = options.readout === 'nwj-shifted' ? 1 : 0;
  const distance = options.distance ?? 'l2';
  const target =
    distance === 'log-euclidean'
      ? (options.target ?? 1) * Math.exp(shift - 1)
      : (options.target ?? 0) + shift - 1;
  return { ...options, distance, target };
}

await runMigration(
  {
    name: 'rejs-dv-reading',
    boundId: 'rejs',
    // Records finished after this ran the NWJ-family `rejs`.
    changedAt: '2026-12-01T18:20:00Z',
    relabel: equivalentOptions,
  },
  'rejs-dv-reading.mjs',
);
