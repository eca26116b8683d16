import { BACKEND_ORDER, initBackend, trainingKernelsFor } from '@mi/core';
import { BackendUnavailableError, InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';

// The project's backend (set up by the test project) is restored after these tests.
const projectBackend = (process.env['MI_BACKEND'] || 'cpu') as 'cpu' | 'wasm' | 'tensorflow';
afterAll(async () => {
  await initBackend(projectBackend, { log: false });
});

const nodeInstalled = (name: string): boolean => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

describe('initBackend', () => {
  it('tries tensorflow-gpu, tensorflow, wasm, cpu in that order', () => {
    expect(BACKEND_ORDER.map((b) => b.name)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
      'wasm',
      'cpu',
    ]);
  });

  it('starts a forced backend, checks it is active, and logs which one', async () => {
    const lines: string[] = [];
    const info = await initBackend(projectBackend, { log: (line) => lines.push(line) });
    expect(info.name).toBe(projectBackend);
    expect(tf.getBackend()).toBe(projectBackend);
    expect(lines).toEqual([`backend: ${projectBackend} (${info.packageName}@4.22.0)`]);
    // Gradients are registered: tfjs-core alone has none.
    expect(tf.getGradient('BatchMatMul')).toBeDefined();
  });

  it('reads MI_BACKEND when no preference is given', async () => {
    const info = await initBackend(undefined, { log: false, env: { MI_BACKEND: 'cpu' } });
    expect(info.name).toBe('cpu');
  });

  it.runIf(!nodeInstalled('@tensorflow/tfjs-node'))(
    'names the missing package when tensorflow is forced but not installed',
    async () => {
      const failure = initBackend('tensorflow', { log: false });
      await expect(failure).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(initBackend('tensorflow', { log: false })).rejects.toThrow(
        "backend 'tensorflow' is not available: the package @tensorflow/tfjs-node is not installed (add it with: pnpm add @tensorflow/tfjs-node)",
      );
    },
  );

  it.runIf(projectBackend === 'tensorflow')(
    'on tfjs-node, runs graph sessions in the calling thread unless the user chose an inter-op pool',
    async () => {
      // The setup file started tfjs-node through initBackend; the project's test commands leave
      // the variable unset.
      expect(process.env['TF_NUM_INTEROP_THREADS']).toBe('-1');
      // A user's value is kept.
      process.env['TF_NUM_INTEROP_THREADS'] = '3';
      try {
        await initBackend('tensorflow', { log: false });
        expect(process.env['TF_NUM_INTEROP_THREADS']).toBe('3');
      } finally {
        process.env['TF_NUM_INTEROP_THREADS'] = '-1';
      }
    },
  );

  it('with auto, skips the backends that are not installed and says why', async () => {
    const info = await initBackend('auto', { log: false });
    if (!nodeInstalled('@tensorflow/tfjs-node') && !nodeInstalled('@tensorflow/tfjs-node-gpu')) {
      expect(info.name).toBe('wasm');
      expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
      expect(info.skipped[0]?.reason).toContain('@tensorflow/tfjs-node-gpu is not installed');
    }
  });

  it('rejects an unknown preference, naming MI_BACKEND when it came from there', async () => {
    await expect(initBackend('gpu' as never, { log: false })).rejects.toThrow(
      'initBackend: invalid option \'preference\': expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu, received "gpu"',
    );
    await expect(
      initBackend(undefined, { log: false, env: { MI_BACKEND: 'webgl' } }),
    ).rejects.toThrow(InvalidArgumentError);
  });
});

describe('trainingKernelsFor', () => {
  it('installs the CPU-tuned tfjs-node replacements on tensorflow only, never on tensorflow-gpu', () => {
    // tfjs-node-gpu registers as 'tensorflow' too: the decision goes by the package that started.
    expect(BACKEND_ORDER.find((b) => b.name === 'tensorflow-gpu')?.tfjsName).toBe('tensorflow');
    expect(trainingKernelsFor('tensorflow-gpu')).toBe('none');
    expect(trainingKernelsFor('tensorflow')).toBe('tensorflow-cpu');
    expect(trainingKernelsFor('wasm')).toBe('wasm');
    expect(trainingKernelsFor('cpu')).toBe('none');
  });
});
