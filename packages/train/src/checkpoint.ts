import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, FileWriteError } from '@mi/spec';
import type * as tf from '@tensorflow/tfjs-core';
import type { DataStreamState } from './data-stream';

/** Everything besides tensors that a resumed run needs, as JSON. */
export interface CheckpointManifest {
  readonly format: 'mi-train-checkpoint';
  readonly version: 2;
  /** Steps completed. */
  readonly step: number;
  readonly weightsFile: string;
  /** SHA-256 of the weights file, hex: a damaged or swapped file is detected on resume. */
  readonly weightsSha256: string;
  readonly tensors: readonly {
    name: string;
    group: CheckpointGroup;
    shape: number[];
    offset: number;
    length: number;
  }[];
  readonly optimizerScalars: Readonly<Record<string, number>>;
  readonly dataStream: DataStreamState;
  readonly loop: Readonly<Record<string, unknown>>;
}

/** The groups of tensors a checkpoint holds: weights, optimiser slots, bound state, best weights. */
export type CheckpointGroup = 'critic' | 'optimizer' | 'bound' | 'best';

const GROUPS: readonly CheckpointGroup[] = ['critic', 'optimizer', 'bound', 'best'];

/** Tensors to save, by group. */
export type CheckpointTensors = Readonly<
  Record<CheckpointGroup, readonly { name: string; tensor: tf.Tensor }[]>
>;

/** The newest checkpoint's manifest; the rename that writes it commits a checkpoint. */
const NEWEST = 'checkpoint.json';
/** How many checkpoints (by step) a directory keeps: the newest and the one before it. */
const KEEP = 2;
const STEP_MANIFEST = /^checkpoint-(\d+)\.json$/;
const STEP_WEIGHTS = /^weights-(\d+)\.bin$/;

/** A checkpoint the reader passed over, and why. */
export interface SkippedCheckpoint {
  readonly path: string;
  readonly reason: string;
}

/**
 * Writes a checkpoint atomically and keeps the one before it. The float32 weights go to
 * `weights-<step>.bin`, the manifest to `checkpoint-<step>.json`, then a copy of the manifest to
 * `checkpoint.json`, each through a temporary file and a rename. That last rename is the commit: a
 * crash or a full disk before it leaves the previous checkpoint as it was. Afterwards only the two
 * newest steps are kept, so a damaged newest checkpoint can fall back to the one before it
 * (see {@link readCheckpoint}). A failed write throws a `FileWriteError` that says what is kept.
 */
export async function writeCheckpoint(
  directory: string,
  manifest: Omit<
    CheckpointManifest,
    'format' | 'version' | 'weightsFile' | 'weightsSha256' | 'tensors'
  >,
  tensors: CheckpointTensors,
): Promise<string> {
  const entries: CheckpointManifest['tensors'][number][] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const group of GROUPS) {
    for (const { name, tensor } of tensors[group]) {
      const values = (await tensor.data()) as Float32Array;
      const copy = Float32Array.from(values);
      entries.push({ name, group, shape: [...tensor.shape], offset, length: copy.length });
      chunks.push(copy);
      offset += copy.length;
    }
  }
  const weights = new Float32Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    weights.set(chunk, at);
    at += chunk.length;
  }
  const weightsFile = `weights-${manifest.step}.bin`;
  const bytes = Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength);
  const full: CheckpointManifest = {
    format: 'mi-train-checkpoint',
    version: 2,
    weightsFile,
    weightsSha256: sha256(bytes),
    tensors: entries,
    ...manifest,
  };
  const what = `the checkpoint of step ${manifest.step}`;
  const earlier = (await stepsIn(directory)).filter((step) => step !== manifest.step);
  const kept =
    earlier.length === 0
      ? `no earlier checkpoint was in ${directory}; the run's other files are untouched`
      : `the checkpoint of step ${Math.max(...earlier)} in ${directory} is kept, and a resumed run continues from it`;
  try {
    await mkdir(directory, { recursive: true });
  } catch (cause) {
    throw new FileWriteError({ path: directory, what, kept, cause });
  }
  const text = JSON.stringify(full);
  await atomicWrite(join(directory, weightsFile), bytes, what, kept);
  await atomicWrite(join(directory, `checkpoint-${manifest.step}.json`), text, what, kept);
  await atomicWrite(join(directory, NEWEST), text, what, kept);
  // Keep the two newest steps; a weights file without a manifest is from an older format.
  const keep = new Set([manifest.step, ...earlier].sort((a, b) => b - a).slice(0, KEEP));
  for (const file of await readdir(directory)) {
    const step = STEP_MANIFEST.exec(file)?.[1] ?? STEP_WEIGHTS.exec(file)?.[1];
    if (step !== undefined && !keep.has(Number(step))) {
      await rm(join(directory, file), { force: true });
    }
  }
  return join(directory, NEWEST);
}

/** The steps of the per-step manifests in a directory (none when it does not exist). */
async function stepsIn(directory: string): Promise<number[]> {
  let files: string[];
  try {
    files = await readdir(directory);
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const step = STEP_MANIFEST.exec(file)?.[1];
    return step === undefined ? [] : [Number(step)];
  });
}

/** A checkpoint as {@link readCheckpoint} returns it. */
export interface LoadedCheckpoint {
  readonly manifest: CheckpointManifest;
  values(entry: CheckpointManifest['tensors'][number]): Float32Array;
  /** The manifest read. */
  readonly path: string;
  /** Newer checkpoints that were damaged and passed over, newest first. */
  readonly skipped: readonly SkippedCheckpoint[];
}

/**
 * Reads the newest good checkpoint written by {@link writeCheckpoint}: `checkpoint.json` first,
 * then the per-step manifests from the newest step down. A manifest that does not parse, or whose
 * weights are missing, truncated or fail their SHA-256, is passed over for the next one and listed
 * in `skipped`. When none is usable, the error of the only one tried is thrown, or a
 * `DataFormatError` listing every reason.
 */
export async function readCheckpoint(directory: string): Promise<LoadedCheckpoint> {
  const steps = (await stepsIn(directory)).sort((a, b) => b - a);
  const candidates = [NEWEST, ...steps.map((step) => `checkpoint-${step}.json`)];
  const skipped: SkippedCheckpoint[] = [];
  const errors: unknown[] = [];
  const tried = new Set<number>();
  for (const [k, file] of candidates.entries()) {
    const path = join(directory, file);
    // A per-step manifest of a step already tried names the same weights: it fails the same way.
    if (k > 0 && tried.has(steps[k - 1] as number)) continue;
    if (k === 0 && steps.length > 0 && !existsSync(path)) continue;
    try {
      const manifest = await readManifest(path, (step) => tried.add(step));
      const values = await readWeights(directory, file, manifest);
      return { manifest, values, path, skipped };
    } catch (error) {
      if (!DataFormatError.isInstance(error)) throw error;
      errors.push(error);
      skipped.push({ path, reason: error.message });
    }
  }
  if (errors.length === 1) throw errors[0];
  throw new DataFormatError({
    file: directory,
    detail: `no usable checkpoint: ${skipped.map((s) => s.reason).join('; ')}`,
  });
}

async function readManifest(
  path: string,
  onStep: (step: number) => void,
): Promise<CheckpointManifest> {
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as CheckpointManifest;
  } catch (cause) {
    throw new DataFormatError({
      file: path,
      detail: `cannot read the checkpoint manifest: ${(cause as Error).message}`,
      cause,
    });
  }
  if (manifest === null || typeof manifest !== 'object') {
    throw new DataFormatError({ file: path, detail: 'the checkpoint manifest is not an object' });
  }
  if (typeof manifest.step === 'number') onStep(manifest.step);
  if (manifest.format !== 'mi-train-checkpoint' || manifest.version !== 2) {
    throw new DataFormatError({
      file: path,
      detail: `not an @mi training checkpoint of version 2 (format ${JSON.stringify(manifest.format)}, version ${manifest.version})`,
    });
  }
  return manifest;
}

async function readWeights(
  directory: string,
  manifestFile: string,
  manifest: CheckpointManifest,
): Promise<LoadedCheckpoint['values']> {
  const weightsPath = join(directory, manifest.weightsFile);
  let buffer: Buffer;
  try {
    buffer = await readFile(weightsPath);
  } catch (cause) {
    throw new DataFormatError({
      file: weightsPath,
      detail: `cannot read the checkpoint's weights: ${(cause as Error).message}`,
      cause,
    });
  }
  const total = manifest.tensors.reduce((sum, t) => Math.max(sum, t.offset + t.length), 0);
  if (buffer.byteLength !== total * 4) {
    throw new DataFormatError({
      file: weightsPath,
      detail: `expected ${total * 4} bytes of float32 weights, found ${buffer.byteLength} (truncated or from another checkpoint)`,
    });
  }
  if (sha256(buffer) !== manifest.weightsSha256) {
    throw new DataFormatError({
      file: weightsPath,
      detail: `the weights do not match the checksum in ${manifestFile} (the file is damaged)`,
    });
  }
  const all = new Float32Array(
    buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
  );
  return (entry) => all.subarray(entry.offset, entry.offset + entry.length);
}

/** Writes through a temporary file and a rename; a failure removes the temporary file. */
async function atomicWrite(
  path: string,
  data: string | Buffer,
  what: string,
  kept: string,
): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new FileWriteError({ path, what, kept, cause });
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
