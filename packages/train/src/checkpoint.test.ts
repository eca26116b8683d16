// Checkpoints under faults: a damaged newest checkpoint falls back to the one before it, and a
// checkpoint that cannot be written (full disk, something in the way) loses nothing.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mine } from '@mi/bounds';
import { separableCritic } from '@mi/critics';
import { correlatedGaussian } from '@mi/datasets';
import { FileWriteError, type ResumeReport } from '@mi/spec';
import { train } from '@mi/train';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mi-checkpoint-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const make = () =>
  separableCritic({ xFeatures: 3, yFeatures: 3, hiddenUnits: [8], embeddingSize: 4, seed: 6 });
const common = {
  bound: mine({ decay: 0.1 }),
  data: correlatedGaussian({ dimension: 3, mi: 1 }),
  batchSize: 8,
  seed: 6,
} as const;

/** The uninterrupted 20-step run the resumed runs must equal, bit for bit. */
async function straightRun() {
  const critic = make();
  const result = await train({ ...common, critic, steps: 20 });
  const weights = critic.trainableVariables.map((v) => Array.from(v.dataSync()));
  critic.dispose();
  return { perBatch: Array.from(result.estimates.perBatch), weights };
}

/** 15 steps with a checkpoint every 5: the directory keeps steps 10 and 15. */
async function checkpointedRun(folder: string): Promise<void> {
  const critic = make();
  await train({ ...common, critic, steps: 15, checkpoint: { directory: folder, every: 5 } });
  critic.dispose();
}

/** Resumes to step 20 and returns what onResume heard and what the run produced. */
async function resume(folder: string) {
  const critic = make();
  const reports: ResumeReport[] = [];
  const result = await train({
    ...common,
    critic,
    steps: 20,
    resumeFrom: folder,
    callbacks: { onResume: (report) => void reports.push(report) },
  });
  const weights = critic.trainableVariables.map((v) => Array.from(v.dataSync()));
  critic.dispose();
  return { reports, perBatch: Array.from(result.estimates.perBatch), weights };
}

describe('checkpoint fallback', () => {
  it('keeps the two newest checkpoints, checkpoint.json being the newest', async () => {
    const folder = join(directory, 'kept');
    await checkpointedRun(folder);
    expect((await readdir(folder)).sort()).toEqual([
      'checkpoint-10.json',
      'checkpoint-15.json',
      'checkpoint.json',
      'weights-10.bin',
      'weights-15.bin',
    ]);
    expect(JSON.parse(await readFile(join(folder, 'checkpoint.json'), 'utf8')).step).toBe(15);
    const { reports } = await resume(folder);
    expect(reports).toEqual([{ step: 15, path: join(folder, 'checkpoint.json'), skipped: [] }]);
  });

  it('resumes from the older checkpoint when the newest weights are damaged, bit for bit', async () => {
    const straight = await straightRun();
    const folder = join(directory, 'damaged-weights');
    await checkpointedRun(folder);
    const newest = join(folder, 'weights-15.bin');
    const bytes = await readFile(newest);
    bytes[3] = (bytes[3] as number) ^ 0x01;
    await writeFile(newest, bytes);
    const resumed = await resume(folder);
    expect(resumed.reports).toEqual([
      {
        step: 10,
        path: join(folder, 'checkpoint-10.json'),
        skipped: [
          {
            path: join(folder, 'checkpoint.json'),
            reason: `${newest}: the weights do not match the checksum in checkpoint.json (the file is damaged)`,
          },
        ],
      },
    ]);
    // Steps 10 to 19 are trained again from the step-10 state: the same numbers as the straight run.
    expect(resumed.perBatch).toEqual(straight.perBatch);
    expect(resumed.weights).toEqual(straight.weights);
  });

  it('reads the per-step copy when checkpoint.json itself is damaged', async () => {
    const straight = await straightRun();
    const folder = join(directory, 'damaged-manifest');
    await checkpointedRun(folder);
    await writeFile(join(folder, 'checkpoint.json'), '{"format":"mi-train-check');
    const resumed = await resume(folder);
    expect(resumed.reports).toHaveLength(1);
    expect(resumed.reports[0]?.step).toBe(15);
    expect(resumed.reports[0]?.path).toBe(join(folder, 'checkpoint-15.json'));
    expect(resumed.reports[0]?.skipped.map((s) => s.path)).toEqual([
      join(folder, 'checkpoint.json'),
    ]);
    expect(resumed.reports[0]?.skipped[0]?.reason).toMatch(
      new RegExp(
        `^${join(folder, 'checkpoint.json').replaceAll('/', '\\/')}: cannot read the checkpoint manifest: `,
      ),
    );
    expect(resumed.perBatch).toEqual(straight.perBatch);
  });

  it('names every reason when no checkpoint is usable', async () => {
    const folder = join(directory, 'all-damaged');
    await checkpointedRun(folder);
    await writeFile(join(folder, 'weights-15.bin'), Buffer.alloc(8));
    await writeFile(join(folder, 'weights-10.bin'), Buffer.alloc(8));
    // 413 float32 values: the critic's 2 × (3·8 + 8 + 8·4 + 4) = 136 weights, Adam's iteration,
    // β₁ᵗ, β₂ᵗ and two 136-value moment buffers (275), MINE's moving average and step count (2).
    const critic = make();
    await expect(train({ ...common, critic, steps: 20, resumeFrom: folder })).rejects.toThrow(
      `${folder}: no usable checkpoint: ${join(folder, 'weights-15.bin')}: expected 1652 bytes of float32 weights, found 8 (truncated or from another checkpoint); ${join(folder, 'weights-10.bin')}: expected 1652 bytes of float32 weights, found 8 (truncated or from another checkpoint)`,
    );
    critic.dispose();
  });
});

describe('a checkpoint that cannot be written', () => {
  // The temporary file of the step-10 weights points at /dev/full (ENOSPC on every write) or is a
  // folder (EISDIR, as a read-only or blocked path; chmod does not stop root). The test runs in
  // the training process, so the temporary name `<file>.tmp-<pid>` is known in advance.
  const faults = [
    {
      name: 'a full disk',
      code: 'ENOSPC',
      reason: 'no space left on the device (ENOSPC)',
      block: (path: string) => symlink('/dev/full', path),
      skip: !existsSync('/dev/full'),
    },
    {
      name: 'a folder in the way',
      code: 'EISDIR',
      reason: 'a folder is in the way (EISDIR)',
      block: (path: string) => mkdir(path),
      skip: false,
    },
  ];
  for (const fault of faults) {
    it.skipIf(fault.skip)(
      `stops with a FileWriteError on ${fault.name} and keeps the previous checkpoint`,
      async () => {
        const straight = await straightRun();
        const folder = join(directory, `blocked-${fault.code}`);
        await mkdir(folder, { recursive: true });
        const weights = join(folder, 'weights-10.bin');
        await fault.block(`${weights}.tmp-${process.pid}`);
        const critic = make();
        const before = tf.memory().numTensors;
        const failure = await train({
          ...common,
          critic,
          steps: 15,
          checkpoint: { directory: folder, every: 5 },
        }).catch((error: unknown) => error);
        expect(tf.memory().numTensors).toBe(before);
        critic.dispose();
        expect(FileWriteError.isInstance(failure)).toBe(true);
        expect((failure as FileWriteError).systemCode).toBe(fault.code);
        expect((failure as Error).message).toBe(
          `could not write the checkpoint of step 10 to ${weights}: ${fault.reason}; the checkpoint of step 5 in ${folder} is kept, and a resumed run continues from it`,
        );
        // The step-5 checkpoint is whole: a resumed run continues from it as if never stopped.
        await rm(`${weights}.tmp-${process.pid}`, { recursive: true, force: true });
        const resumed = await resume(folder);
        expect(resumed.reports).toEqual([
          { step: 5, path: join(folder, 'checkpoint.json'), skipped: [] },
        ]);
        expect(resumed.perBatch).toEqual(straight.perBatch);
        expect(resumed.weights).toEqual(straight.weights);
      },
    );
  }
});
