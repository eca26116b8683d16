import type { PerfCaseResult, PerfComparison, PerfReport } from './perf-report';

/** Milliseconds with three significant digits: `1.54`, `22.1`, `2188`; `–` when absent. */
export function formatMilliseconds(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** A ratio as `2.31×` (`12.3×` from 10 up); `–` when absent. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)}×`;
}

/** GFLOP/s with one decimal below 100 (`0.7`, `24.5`, `126`); `–` when absent. */
export function formatGflops(gflops: number | undefined): string {
  if (gflops === undefined || !Number.isFinite(gflops)) return '–';
  return gflops < 100 ? gflops.toFixed(1) : gflops.toFixed(0);
}

/** Bytes as MiB with one decimal (`12.5`); `–` when absent. */
export function formatMebibytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '–';
  return (bytes / 2 ** 20).toFixed(1);
}

/** `ratio ≤ target` as `≤ 4× ok` / `≤ 4× MISSED`; empty without a target. */
export function formatTarget(comparison: PerfComparison | undefined): string {
  if (comparison?.target === undefined) return '';
  return `≤ ${comparison.target}× ${comparison.meetsTarget ? 'ok' : 'MISSED'}`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function stepCell(c: PerfCaseResult): string {
  if (c.status !== 'measured') return `${c.status}: ${c.reason ?? ''}`.trim();
  return formatMilliseconds(c.medianMs);
}

/** Peak step memory of a case (MiB): TF.js tensor bytes, PyTorch's training RSS; `–` when absent. */
function peakMemory(c: PerfCaseResult): string {
  // A compiled graph's profile sees only its inputs and outputs (see `visiblePeakBytes`).
  return formatMebibytes(
    c.peakMemoryBytes ??
      (c.details?.['execution'] === 'graph' ? undefined : c.profile?.peakTensorBytes),
  );
}

/**
 * The benchmark's human table (Markdown): one row per case × thread count × backend with median
 * ms/step, p10–p90, GFLOP/s, the PyTorch step time and the ratio ours/PyTorch against its target,
 * kernels per step, peak step memory (TF.js: most tensor bytes alive; PyTorch: resident memory
 * its training added), process RSS and the other processes' load; the notes say how each was
 * measured, which OpenBLAS kernels PyTorch ran included.
 */
export function formatPerfTable(report: PerfReport): string {
  const lines: string[] = [];
  lines.push(
    `Training step (forward on all n² pairs, ${report.bound} bound, backward, Adam), median over the timed steps`,
  );
  lines.push(
    `machine: ${report.machine.cpuModel}, ${report.machine.cpus} CPUs, ${report.machine.platform}, node ${report.machine.node}`,
  );
  const versions = Object.entries(report.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  if (versions) lines.push(`versions: ${versions}`);
  if (report.pytorch) {
    lines.push(
      `pytorch: torch ${report.pytorch.torch}${report.pytorch.blas === undefined ? '' : `, BLAS ${report.pytorch.blas}${report.pytorch.blasLibrary === undefined ? '' : ` (${report.pytorch.blasLibrary})`}`}, OpenBLAS kernels ${report.pytorch.openblasCore ?? 'unknown'} (OPENBLAS_CORETYPE=${report.pytorch.openblasCoretype ?? 'unset'}, chosen by ${report.pytorch.chosenBy ?? '?'})`,
    );
  }
  lines.push('');
  const header = [
    'critic',
    'n',
    'threads',
    'backend',
    'ms/step',
    'p10–p90 ms',
    'GFLOP/s',
    'PyTorch ms',
    'ours/PyTorch',
    'target',
    'kernels/step',
    'peak MiB',
    'RSS MiB',
    'other load',
    'load avg',
  ];
  lines.push(row(header));
  lines.push(row(header.map(() => '---')));
  const critics = [...new Set(report.cases.map((c) => c.critic))];
  const threadCounts = [...new Set(report.cases.map((c) => c.threads ?? 1))].sort((a, b) => a - b);
  for (const critic of critics) {
    for (const threads of threadCounts) {
      for (const c of report.cases.filter(
        (x) => x.critic === critic && (x.threads ?? 1) === threads,
      )) {
        const comparison =
          c.backend === 'pytorch'
            ? undefined
            : report.comparisons.find(
                (x) =>
                  x.critic === c.critic &&
                  x.backend === c.backend &&
                  (x.threads ?? 1) === threads &&
                  (x.n ?? 0) === (c.n ?? 0),
              );
        const measured = c.status === 'measured';
        lines.push(
          row([
            c.critic,
            c.n === undefined ? '' : String(c.n),
            String(threads),
            c.backend,
            stepCell(c),
            measured ? `${formatMilliseconds(c.p10Ms)}–${formatMilliseconds(c.p90Ms)}` : '',
            measured ? formatGflops(c.gflops) : '',
            comparison ? formatMilliseconds(comparison.pytorchMs) : '',
            comparison ? formatRatio(comparison.ratio) : '',
            formatTarget(comparison),
            c.profile ? String(c.profile.kernels) : '',
            measured ? peakMemory(c) : '',
            measured && c.rssBytes !== undefined ? formatMebibytes(c.rssBytes) : '',
            c.otherLoadCores !== undefined ? c.otherLoadCores.toFixed(2) : '',
            c.loadAverage !== undefined ? c.loadAverage.toFixed(1) : '',
          ]),
        );
      }
    }
  }
  lines.push('');
  for (const note of report.notes) lines.push(`- ${note}`);
  return lines.join('\n');
}

/** The slowest kernels of each measured TF.js case, one line per case. */
export function formatKernelSummary(report: PerfReport): string {
  const lines: string[] = [];
  for (const c of report.cases) {
    if (!c.profile) continue;
    const top = c.profile.topKernels
      .slice(0, 5)
      .map((k) => `${k.name} ${k.count}× ${formatMilliseconds(k.milliseconds)} ms`)
      .join(', ');
    const label = `${c.critic}${c.n === undefined ? '' : ` n=${c.n}`}/${c.backend}${(c.threads ?? 1) > 1 ? ` ×${c.threads}` : ''}`;
    lines.push(`${label}: ${c.profile.kernels} kernels; ${top}`);
    if (c.phases) {
      const { forward, backward, optimizer } = c.phases;
      const phase = (name: string, p: { milliseconds: number; kernels: number }) =>
        `${name} ${formatMilliseconds(p.milliseconds)} ms / ${p.kernels} kernels`;
      lines.push(
        `  phases: ${phase('forward', forward)}; ${phase('backward', backward)}; ${phase('optimizer', optimizer)}`,
      );
    }
  }
  return lines.join('\n');
}
