import { benchmarkEnvironment } from '../environment';
import type { ResultsFolder } from '../records/results-folder';
import type { Shard } from '../records/shard';
import type { PaperComparison, PaperSettings, PaperTarget } from './paper-target';

/** What the report says about the call that wrote it. */
export interface PaperRunFacts {
  readonly trained: number;
  readonly skipped: number;
  readonly wallSeconds: number;
  readonly shard?: Shard | undefined;
  /** Written from the folder's runs without training the missing ones (`--report-only`). */
  readonly reportOnly?: boolean | undefined;
}

/** Seconds as `42 s`, `12.5 min` or `3.2 h`. */
function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A sweep's options in one line: `key=value; …` (lists joined by commas). */
function describeOptions(options: object): string {
  return Object.entries(options)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    )
    .join('; ');
}

/**
 * Writes a paper target's `report.md`: the verdict summary, the settings (preset, seeds, every
 * sweep's options, the protocol where the paper leaves it open), the backends and versions the
 * folder's runs were made with, the wall time of this call and the training time the runs
 * recorded, the sign convention, the verdict rules, the comparison tables and the figures.
 * Returns the report's path.
 */
export async function writePaperReport(
  folder: ResultsFolder,
  input: {
    readonly target: PaperTarget;
    readonly settings: PaperSettings;
    readonly comparison: PaperComparison;
    readonly figures: readonly string[];
    readonly run: PaperRunFacts;
  },
): Promise<string> {
  const { target, settings, comparison, run } = input;
  const records = folder.all();
  const environments = new Set(
    records.map((r) => {
      const e = r.environment;
      return `${e['backend'] ?? '?'} (tfjs ${e['tfjs'] ?? '?'}, @mi/bench ${e['bench'] ?? '?'}, node ${e['node'] ?? '?'}, ${e['platform'] ?? '?'})`;
    }),
  );
  const recordedSeconds = records.reduce((sum, r) => {
    const seconds = r.metrics['seconds'];
    return sum + (typeof seconds === 'number' ? seconds : 0);
  }, 0);
  const now = benchmarkEnvironment();
  const { reproduced, differs, none } = comparison.verdicts;
  const lines: string[] = [
    `# ${target.paper}, ${target.artefact}`,
    '',
    `\`mi bench paper ${target.id}${settings.preset === 'quick' ? ' --quick' : ''}\`: ${target.description}`,
    '',
    `**Verdicts**: ${reproduced} reproduced, ${differs} differ, ${none} without a verdict.`,
    '',
  ];
  if (settings.preset === 'quick') {
    lines.push(
      '> The quick preset: a smoke test of the pipeline on tiny settings. Its numbers and verdicts say nothing about the paper; run without `--quick` for the paper’s settings.',
      '',
    );
  }
  lines.push(
    '## Settings',
    '',
    `- preset: ${settings.preset === 'quick' ? 'quick (smoke test)' : "the paper's settings"}`,
    `- seeds: ${settings.seeds.join(', ')} (${settings.seeds.length})`,
    ...settings.parts.map(
      (part, k) => `- sweep ${k + 1}, \`${part.benchmark}\`: ${describeOptions(part.options)}`,
    ),
    `- backend of this call: ${now['backend']} (tfjs ${now['tfjs']}, node ${now['node']}, ${now['platform']})`,
    `- backends of the folder's runs: ${environments.size === 0 ? '–' : [...environments].join('; ')}`,
    run.reportOnly
      ? `- runs in the folder: ${records.length}; this call trained nothing (report only: a row has only the seeds the folder holds, its seeds column says how many)`
      : `- runs in the folder: ${records.length}; this call trained ${run.trained} and found ${run.skipped} finished (resumed)${run.shard ? `; shard ${run.shard.index}/${run.shard.count}` : ''}`,
    `- wall time of this call: ${formatDuration(run.wallSeconds)}; training time the folder's runs recorded: ${formatDuration(recordedSeconds)}`,
    `- expected cost of the paper's settings (3 seeds, 2 CPU cores, tfjs-node): ${target.cost}`,
    '',
  );
  if ((target.protocolNotes ?? []).length > 0) {
    lines.push('### Protocol', '', ...(target.protocolNotes ?? []).map((n) => `- ${n}`), '');
  }
  if (target.signConvention !== undefined) {
    lines.push('## Sign convention', '', target.signConvention, '');
  }
  lines.push('## Verdict rule', '', ...comparison.rules.map((r) => `- ${r}`), '');
  for (const section of comparison.sections) {
    lines.push(`## ${section.title}`, '', ...(section.text ?? []).flatMap((t) => [t, '']));
    lines.push(section.table, '');
  }
  if (input.figures.length > 0) {
    lines.push('## Figures', '', ...input.figures.flatMap((f) => [`![${f}](${f})`, '']));
  }
  return folder.write('report.md', `${lines.join('\n')}\n`);
}
