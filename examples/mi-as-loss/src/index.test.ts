import { createRandom } from '@mi/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { learnRepresentation, signalRSquared, twoViews } from './index';

describe('MI as a training loss', () => {
  it('learns a 2-D encoder that keeps most of the linearly recoverable signal', async () => {
    const views = twoViews();
    const { signal, batch } = views.draw(500, createRandom(99));
    const { critic: untrained } = await learnRepresentation(1, 1);
    const before = tf.tidy(() => untrained.embedX(batch.x).dataSync() as Float32Array);
    untrained.dispose();
    const { critic, result } = await learnRepresentation(400, 1);
    const after = tf.tidy(() => critic.embedX(batch.x).dataSync() as Float32Array);
    critic.dispose();
    // The ceiling: the best linear prediction of s from the whole 10-D view (noise limits it).
    const oracle = signalRSquared(batch.x.dataSync() as Float32Array, signal, 500, 10);
    tf.dispose([batch.x, batch.y]);
    const r2Before = signalRSquared(before, signal, 500, 2);
    const r2After = signalRSquared(after, signal, 500, 2);
    const message = `R² before ${r2Before}, after ${r2After}, oracle ${oracle}`;
    expect(r2Before, message).toBeLessThan(0.5 * oracle);
    expect(r2After, message).toBeGreaterThan(0.75 * oracle);
    // The bound rose during training and stays under its ceiling log 64.
    const first = result.traces.estimate.subarray(0, 20).reduce((a, b) => a + b, 0) / 20;
    expect(result.estimates.macro).toBeGreaterThan(first + 0.05);
    expect(result.estimates.macro).toBeLessThan(Math.log(64));
  });
});
