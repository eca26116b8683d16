import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataFormatError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** The file format tag written by {@link fileSystemHandler}. */
export const CRITIC_FILE_FORMAT = 'mi-critic';

/** Options of {@link fileSystemHandler}. */
export interface FileSystemHandlerOptions {
  /** Name of the JSON file (topology and weight manifest) inside the directory. */
  readonly modelFileName?: string;
  /** Name of the binary weights file inside the directory. */
  readonly weightsFileName?: string;
}

/**
 * A TensorFlow.js IO handler that saves model artifacts to a local directory and loads them
 * back, without `@tensorflow/tfjs-node`: a JSON file (`critic.json`: format tag, the topology,
 * which for a critic is its config, and the weights manifest) and a binary file (`weights.bin`:
 * the weights, little-endian float32, in manifest order).
 *
 * Each file is written atomically: to a temporary name in the same directory, then renamed, so a
 * crash leaves either the old file or the new one. The weights are written before the JSON, which
 * is the commit point. Loading checks the format tag and the byte count and throws
 * `DataFormatError` naming the file.
 *
 * @example
 * ```ts
 * const handler = fileSystemHandler('runs/critic-7');
 * await handler.save({ modelTopology: config, weightSpecs, weightData });
 * const artifacts = await handler.load();
 * ```
 */
export function fileSystemHandler(
  directory: string,
  options: FileSystemHandlerOptions = {},
): Required<Pick<tf.io.IOHandler, 'save' | 'load'>> {
  const modelFile = path.join(directory, options.modelFileName ?? 'critic.json');
  const weightsFileName = options.weightsFileName ?? 'weights.bin';
  const weightsFile = path.join(directory, weightsFileName);

  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new TypeError('fileSystemHandler.save: a binary modelTopology is not supported');
      }
      const weightData =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json = {
        format: artifacts.format ?? CRITIC_FILE_FORMAT,
        generatedBy: artifacts.generatedBy ?? '@mi/critics',
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology ?? null,
        weightsManifest: [{ paths: [weightsFileName], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata === undefined
          ? {}
          : { userDefinedMetadata: artifacts.userDefinedMetadata }),
      };
      await mkdir(directory, { recursive: true });
      await writeAtomically(weightsFile, new Uint8Array(weightData));
      const text = `${JSON.stringify(json, null, 2)}\n`;
      await writeAtomically(modelFile, text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: Buffer.byteLength(JSON.stringify(json.modelTopology)),
          weightSpecsBytes: Buffer.byteLength(JSON.stringify(json.weightsManifest)),
          weightDataBytes: weightData.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const text = await readText(modelFile);
      let json: {
        format?: unknown;
        generatedBy?: string;
        modelTopology?: object;
        weightsManifest?: { paths?: unknown; weights?: tf.io.WeightsManifestEntry[] }[];
        userDefinedMetadata?: Record<string, object>;
      };
      try {
        json = JSON.parse(text) as typeof json;
      } catch (cause) {
        throw new DataFormatError({ file: modelFile, detail: 'not valid JSON', cause });
      }
      if (json === null || typeof json !== 'object' || json.format !== CRITIC_FILE_FORMAT) {
        throw new DataFormatError({
          file: modelFile,
          detail: `not a critic file (expected "format": "${CRITIC_FILE_FORMAT}")`,
        });
      }
      const group = json.weightsManifest?.[0];
      const paths = group?.paths;
      if (
        json.weightsManifest?.length !== 1 ||
        !Array.isArray(paths) ||
        paths.length !== 1 ||
        typeof paths[0] !== 'string' ||
        !Array.isArray(group?.weights)
      ) {
        throw new DataFormatError({
          file: modelFile,
          detail: 'the weights manifest must list one weights file',
        });
      }
      // Only a file name inside the directory: a manifest never makes us read elsewhere.
      const binaryName = paths[0];
      if (path.basename(binaryName) !== binaryName) {
        throw new DataFormatError({
          file: modelFile,
          detail: `weights file name ${JSON.stringify(binaryName)} must not contain a path`,
        });
      }
      const binaryFile = path.join(directory, binaryName);
      const bytes = await readBinary(binaryFile);
      const weightSpecs = group.weights;
      const expectedBytes = weightSpecs.reduce(
        (sum, spec) =>
          sum + spec.shape.reduce((a, b) => a * b, 1) * bytesPerElement(spec, modelFile),
        0,
      );
      if (bytes.byteLength !== expectedBytes) {
        throw new DataFormatError({
          file: binaryFile,
          detail: `holds ${bytes.byteLength} bytes; the manifest describes ${expectedBytes}`,
        });
      }
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return {
        format: CRITIC_FILE_FORMAT,
        ...(json.generatedBy === undefined ? {} : { generatedBy: json.generatedBy }),
        ...(json.modelTopology === undefined ? {} : { modelTopology: json.modelTopology }),
        ...(json.userDefinedMetadata === undefined
          ? {}
          : { userDefinedMetadata: json.userDefinedMetadata }),
        weightSpecs,
        weightData: weightData as ArrayBuffer,
      };
    },
  };
}

function bytesPerElement(spec: tf.io.WeightsManifestEntry, file: string): number {
  if (spec.quantization !== undefined) {
    throw new DataFormatError({
      file,
      detail: `weight '${spec.name}' is quantized; not supported`,
    });
  }
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  if (spec.dtype === 'bool') return 1;
  throw new DataFormatError({ file, detail: `weight '${spec.name}' has dtype ${spec.dtype}` });
}

async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new DataFormatError({ file, detail: describeReadError(cause), cause });
  }
}

async function readBinary(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new DataFormatError({ file, detail: describeReadError(cause), cause });
  }
}

function describeReadError(cause: unknown): string {
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'ENOENT' ? 'no such file' : `cannot be read (${String(code ?? cause)})`;
}
