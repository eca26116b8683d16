import { readFile } from 'node:fs/promises';
import { DataFormatError } from '@mi/spec';
import type { PublishedRow } from './published';

/** Reference rows from another implementation's run, with the protocol they were measured under. */
export interface PeerRow extends PublishedRow {
  readonly task: string;
  readonly critic: string;
  readonly stepsPerLevel: number;
}

// The reference script's estimate names → this library's bound labels.
const ESTIMATE_TO_BOUND: Readonly<Record<string, string>> = {
  nwj: 'nwj',
  infonce: 'infonce',
  dv: 'dv',
  // The reference's `js` reports NWJ of T + 1.
  js: 'js:readout=nwj-shifted',
  remine: 'remine',
  tuba: 'tuba',
  alpha: 'interpolated',
  smile_1: 'smile:tau=1',
  smile_5: 'smile:tau=5',
  smile_inf: 'smile:tau=Infinity',
};

/**
 * Reads a results JSON of the PyTorch reference staircase (`torch_gaussian_staircase.py train`,
 * in the team's `peers/` folder) and returns its per-level bias/variance/MSE over the last half
 * of each level as table rows, to print beside ours under the same protocol.
 */
export async function readPeerResults(path: string): Promise<PeerRow[]> {
  let parsed: {
    task?: string;
    critic?: string;
    iters_per_level?: number;
    runs?: Record<
      string,
      {
        estimates?: Record<
          string,
          { last_half?: { mi: number; bias: number; var: number; mse: number }[] }
        >;
      }
    >;
  };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new DataFormatError({
      file: path,
      detail: `not a JSON file: ${(cause as Error).message}`,
      cause,
    });
  }
  if (
    typeof parsed.task !== 'string' ||
    typeof parsed.critic !== 'string' ||
    typeof parsed.runs !== 'object'
  ) {
    throw new DataFormatError({
      file: path,
      detail: 'not a results file of the PyTorch reference staircase (needs task, critic, runs)',
    });
  }
  const rows: PeerRow[] = [];
  for (const run of Object.values(parsed.runs ?? {})) {
    for (const [name, windows] of Object.entries(run.estimates ?? {})) {
      const bound = ESTIMATE_TO_BOUND[name];
      const levels = windows.last_half;
      if (bound === undefined || levels === undefined) continue;
      rows.push({
        source: 'PyTorch reference',
        bound,
        label: name,
        task: parsed.task,
        critic: parsed.critic,
        stepsPerLevel: Number(parsed.iters_per_level),
        bias: levels.map((l) => l.bias),
        variance: levels.map((l) => l.var),
        mse: levels.map((l) => l.mse),
      });
    }
  }
  return rows;
}
