import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError } from '@mi/spec';
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

const MANIFEST = 'checkpoint.json';

/**
 * Writes a checkpoint atomically: the float32 weights go to `weights-<step>.bin` (temporary file,
 * then rename), then the manifest the same way. The manifest's rename is the commit: a crash
 * before it leaves the previous checkpoint intact. Older weight files are removed afterwards.
 */
export async function writeCheckpoint(
  directory: string,
  manifest: Omit<
    CheckpointManifest,
    'format' | 'version' | 'weightsFile' | 'weightsSha256' | 'tensors'
  >,
  tensors: CheckpointTensors,
): Promise<string> {
  await mkdir(directory, { recursive: true });
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
  await atomicWrite(join(directory, weightsFile), bytes);
  const full: CheckpointManifest = {
    format: 'mi-train-checkpoint',
    version: 2,
    weightsFile,
    weightsSha256: sha256(bytes),
    tensors: entries,
    ...manifest,
  };
  await atomicWrite(join(directory, MANIFEST), JSON.stringify(full));
  for (const file of await readdir(directory)) {
    if (/^weights-\d+\.bin$/.test(file) && file !== weightsFile)
      await rm(join(directory, file), { force: true });
  }
  return join(directory, MANIFEST);
}

/** Reads a checkpoint written by {@link writeCheckpoint}; validates its format and sizes. */
export async function readCheckpoint(directory: string): Promise<{
  manifest: CheckpointManifest;
  values: (entry: CheckpointManifest['tensors'][number]) => Float32Array;
}> {
  const path = join(directory, MANIFEST);
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
  if (manifest.format !== 'mi-train-checkpoint' || manifest.version !== 2) {
    throw new DataFormatError({
      file: path,
      detail: `not an @mi training checkpoint of version 2 (format ${JSON.stringify(manifest.format)}, version ${manifest.version})`,
    });
  }
  const weightsPath = join(directory, manifest.weightsFile);
  const buffer = await readFile(weightsPath);
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
      detail: 'the weights do not match the checksum in checkpoint.json (the file is damaged)',
    });
  }
  const all = new Float32Array(
    buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
  );
  return { manifest, values: (entry) => all.subarray(entry.offset, entry.offset + entry.length) };
}

async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
