import { getClassicalEstimator } from '@mi/classical';
import { type BenchmarkRecord, NoSuchPluginError } from '@mi/spec';
import type { ClassicalStaircaseOptions } from '../gaussian/classical-staircase';
import type { GaussianBenchmarkOptions } from '../gaussian/gaussian-benchmark';
import type { PeerRow } from '../gaussian/peer-results';
import type { MineEstimatesOptions } from '../mine-estimates/mine-estimates-benchmark';
import type { MineeBenchmarkOptions } from '../minee/minee-benchmark';
import type { OnehotBenchmarkOptions } from '../onehot/onehot-benchmark';
import {
  type BenchmarkRegistries,
  type SpecInput,
  toPluginSpec,
  withDefaultRegistries,
} from '../specs';

/** `paper`: the paper's settings (the default); `quick`: a smoke test of seconds. */
export type PaperPreset = 'paper' | 'quick';

/**
 * One sweep a target runs, through one of the existing benchmarks (never a copy of one): the
 * benchmark's options without registries, which the runner supplies.
 */
export type PaperPart =
  | { readonly benchmark: 'gaussian'; readonly options: GaussianBenchmarkOptions }
  | { readonly benchmark: 'gaussian-classical'; readonly options: ClassicalStaircaseOptions }
  | { readonly benchmark: 'onehot'; readonly options: OnehotBenchmarkOptions }
  | { readonly benchmark: 'minee'; readonly options: MineeBenchmarkOptions }
  | { readonly benchmark: 'mine-estimates'; readonly options: MineEstimatesOptions };

/** What a target runs for one preset and seed list. */
export interface PaperSettings {
  readonly preset: PaperPreset;
  readonly seeds: readonly number[];
  readonly parts: readonly PaperPart[];
}

/** A section of a paper report: a heading, sentences, and a Markdown table. */
export interface PaperSection {
  readonly title: string;
  readonly text?: readonly string[];
  readonly table: string;
}

/** What comparing a folder's records with the paper gives. */
export interface PaperComparison {
  readonly sections: readonly PaperSection[];
  /** The verdict rules the tables used, in words, for the report. */
  readonly rules: readonly string[];
  /** Verdict counts over the rows, for the summary line and `--json`. */
  readonly verdicts: {
    readonly reproduced: number;
    readonly differs: number;
    readonly none: number;
  };
}

/** What `compare` receives besides the records. */
export interface CompareContext {
  readonly settings: PaperSettings;
  /** PyTorch reference rows given by the caller (`--compare`), for the separable table. */
  readonly peers: readonly PeerRow[];
}

/**
 * One table or figure of the five papers, reproduced by one call (`mi bench paper <id>`): the
 * sweeps it runs for each preset, and how its records are laid beside the published numbers.
 */
export interface PaperTarget {
  /** The catalogue key: `<paper>-<artefact>`, e.g. `003-table2`, `000-fig8`. */
  readonly id: string;
  /** The paper, as in `papers/README.md`: `Song & Ermon 2020 (003)`. */
  readonly paper: string;
  /** The table or figure: `Table 2`, `Fig. 7`. */
  readonly artefact: string;
  /** One sentence: what is reproduced, with which estimators. */
  readonly description: string;
  /** Expected cost of the paper's settings with 3 seeds (runs, and hours on 2 cores with tfjs-node). */
  readonly cost: string;
  /** How the report's bias is signed, where the target prints a bias. */
  readonly signConvention?: string;
  /** What the report must say about the protocol where the paper leaves it open. */
  readonly protocolNotes?: readonly string[];
  /** The sweeps of a preset; `seeds` overrides the preset's seeds. */
  settings(preset: PaperPreset, seeds?: readonly number[]): PaperSettings;
  /** Our numbers beside the published ones, with a verdict per row. */
  compare(records: readonly BenchmarkRecord[], context: CompareContext): PaperComparison;
}

/**
 * A paper target names a bound, critic or classical estimator that is not registered (a bound
 * still being added, or a plugin not loaded): the target's validation stops before any run.
 * A {@link NoSuchPluginError}, so the CLI exits 2.
 */
export class PaperTargetUnavailableError extends NoSuchPluginError {
  readonly target: string;

  constructor(options: {
    target: string;
    kind: 'bound' | 'critic' | 'classical estimator';
    id: string;
    knownIds: readonly string[];
  }) {
    super({ kind: options.kind, id: options.id, knownIds: options.knownIds });
    this.name = 'PaperTargetUnavailableError';
    this.target = options.target;
    this.message = `paper target ${options.target} needs the ${options.kind} '${options.id}', which is not registered; known ${options.kind}s: ${options.knownIds.join(', ')} (a plugin adds it with --plugin)`;
  }
}

/** The bound and critic specs and classical estimators a part names. */
function namesOf(part: PaperPart): {
  bounds: SpecInput[];
  critics: SpecInput[];
  classical: string[];
} {
  switch (part.benchmark) {
    case 'gaussian':
      return {
        bounds: [...(part.options.bounds ?? [])],
        critics: part.options.critic === undefined ? [] : [part.options.critic],
        classical: [],
      };
    case 'gaussian-classical':
      return { bounds: [], critics: [], classical: [...(part.options.estimators ?? [])] };
    case 'onehot':
      return {
        bounds: [...(part.options.bounds ?? [])],
        critics: part.options.critic === undefined ? [] : [part.options.critic],
        classical: [],
      };
    case 'minee':
      return {
        bounds: (part.options.methods ?? []).map((m) => m.bound),
        critics: (part.options.methods ?? []).map((m) => m.critic),
        classical: [],
      };
    case 'mine-estimates':
      return {
        bounds: [...(part.options.bounds ?? [])],
        critics: part.options.critic === undefined ? [] : [part.options.critic],
        classical: [...(part.options.classical ?? [])],
      };
  }
}

/**
 * Checks that every bound, critic and classical estimator the target's settings name is
 * registered, before anything runs; the benchmarks then check the options themselves.
 *
 * @throws {@link PaperTargetUnavailableError} naming the target and the missing id.
 */
export function validatePaperSettings(
  target: Pick<PaperTarget, 'id'>,
  settings: PaperSettings,
  registries?: BenchmarkRegistries,
): void {
  const { bounds, critics } = withDefaultRegistries(registries);
  const require = (
    kind: 'bound' | 'critic',
    specs: readonly SpecInput[],
    registry: { has(id: string): boolean; ids(): readonly string[] },
  ) => {
    for (const spec of specs) {
      const { id } = toPluginSpec(spec, kind);
      if (!registry.has(id)) {
        throw new PaperTargetUnavailableError({
          target: target.id,
          kind,
          id,
          knownIds: registry.ids(),
        });
      }
    }
  };
  for (const part of settings.parts) {
    const names = namesOf(part);
    require('bound', names.bounds, bounds);
    require('critic', names.critics, critics);
    for (const id of names.classical) {
      try {
        getClassicalEstimator(id);
      } catch (error) {
        if (!NoSuchPluginError.isInstance(error)) throw error;
        throw new PaperTargetUnavailableError({
          target: target.id,
          kind: 'classical estimator',
          id,
          knownIds: error.knownIds,
        });
      }
    }
  }
}
