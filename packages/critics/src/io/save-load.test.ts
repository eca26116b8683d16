import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCriticRegistry, jointCritic, separableCritic } from '@mi/critics';
import { DataFormatError, ShapeMismatchError } from '@mi/spec';
import { expectAllClose } from '@mi/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { smallCase } from '../testing/small-critic-cases';

const root = await mkdtemp(path.join(tmpdir(), 'mi-critics-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('save and load', () => {
  it.each([
    'joint',
    'separable',
    'bilinear',
    'onehot',
    'cnn',
    'resnet18',
    'minee',
    'conditional-gaussian',
  ])('restores a %s critic with identical scores, batch-norm statistics included', async (id) => {
    const registry = createCriticRegistry();
    const { options, x, y } = smallCase(id, 3);
    const critic = registry.get(id).create(options);
    if (id === 'resnet18') {
      tf.dispose(critic.scores(x, y)); // moves the batch-norm statistics away from 0 and 1
      critic.setTraining(false);
    }
    const directory = path.join(root, id);
    await critic.save(directory);
    expect((await readdir(directory)).sort()).toEqual(['critic.json', 'weights.bin']);
    const restored = await registry.load(directory);
    restored.setTraining(false);
    expect(restored.getConfig()).toEqual(critic.getConfig());
    const [a, b] = [critic, restored].map((c) => c.scores(x, y));
    expectAllClose(a!, b!.dataSync(), { atol: 0, rtol: 0 });
    // Loading into an existing critic of the same type replaces its weights.
    const other = registry.get(id).create({ ...options, seed: 4 });
    other.setTraining(false);
    await other.load(directory);
    const c = other.scores(x, y);
    expectAllClose(c, a!.dataSync(), { atol: 0, rtol: 0 });
    tf.dispose([a!, b!, c, x, y]);
    for (const each of [critic, restored, other]) each.dispose();
  });

  it('refuses weights of another critic type or shape, and broken files', async () => {
    const directory = path.join(root, 'broken');
    const critic = jointCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [3], seed: 1 });
    await critic.save(directory);
    const separable = separableCritic({ xFeatures: 2, yFeatures: 2, seed: 1 });
    await expect(separable.load(directory)).rejects.toThrow(
      `separable.load: ${directory} holds a 'joint' critic, not a 'separable' critic`,
    );
    const wider = jointCritic({ xFeatures: 2, yFeatures: 2, hiddenUnits: [4], seed: 1 });
    await expect(wider.load(directory)).rejects.toThrow(ShapeMismatchError);
    await expect(wider.load(directory)).rejects.toThrow(
      "joint.load: argument 'dense0/x-kernel' has shape [2, 3], expected [2, 4]",
    );
    const registry = createCriticRegistry();
    const bin = path.join(directory, 'weights.bin');
    const bytes = await readFile(bin);
    await writeFile(bin, bytes.subarray(0, bytes.length - 4));
    await expect(registry.load(directory)).rejects.toThrow(DataFormatError);
    await expect(registry.load(directory)).rejects.toThrow(
      `${bin}: holds ${bytes.length - 4} bytes; the manifest describes ${bytes.length}`,
    );
    await writeFile(path.join(directory, 'critic.json'), '{"format": "keras"');
    await expect(registry.load(directory)).rejects.toThrow('critic.json: not valid JSON');
    await expect(registry.load(path.join(root, 'missing'))).rejects.toThrow(
      'critic.json: no such file',
    );
    for (const c of [critic, separable, wider]) c.dispose();
  });
});
