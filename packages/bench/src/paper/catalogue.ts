import { NoSuchPluginError } from '@mi/spec';
import type { PaperTarget } from './paper-target';
import { belghaziFig1, belghaziFig2 } from './targets/mine-estimates-targets';
import { chanHighDimensionalGaussian, chanMixedGaussian } from './targets/minee-targets';
import { onehotTargets } from './targets/onehot-targets';
import {
  choiLeeFig7,
  remineTable1,
  songErmonTable2,
  songErmonTable2Separable,
} from './targets/staircase-targets';

const ordered: readonly PaperTarget[] = [
  songErmonTable2,
  songErmonTable2Separable,
  remineTable1,
  ...onehotTargets,
  choiLeeFig7,
  chanMixedGaussian,
  chanHighDimensionalGaussian,
  belghaziFig1,
  belghaziFig2,
];

/**
 * Every table and figure of the five papers that one call reproduces, by id: the one way from a
 * name to a target (`mi bench paper <id>`, {@link runPaperTarget}). A plain frozen record:
 * importing the package registers nothing anywhere.
 *
 * @example
 * ```ts
 * paperTargets['003-table2'].description;
 * ```
 */
export const paperTargets: Readonly<Record<string, PaperTarget>> = Object.freeze(
  Object.fromEntries(ordered.map((target) => [target.id, target])),
);

/** The ids of {@link paperTargets}, by paper and artefact. */
export const paperTargetIds: readonly string[] = Object.freeze(ordered.map((t) => t.id));

/**
 * The target with this id; any other string throws `NoSuchPluginError` (kind `paper target`)
 * listing the ids.
 */
export function getPaperTarget(id: string): PaperTarget {
  if (!Object.hasOwn(paperTargets, id)) {
    throw new NoSuchPluginError({ kind: 'paper target', id, knownIds: paperTargetIds });
  }
  return paperTargets[id] as PaperTarget;
}
