import * as tf from '@tensorflow/tfjs-core';

/** Live tensors and the process's resident memory at one moment. */
export interface MemorySnapshot {
  readonly tensors: number;
  /** Resident set size, MiB. */
  readonly rssMiB: number;
}

/** The tensor count of the TF.js engine and the process RSS now. */
export function memorySnapshot(): MemorySnapshot {
  return {
    tensors: tf.memory().numTensors,
    rssMiB: Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10,
  };
}

/**
 * The metrics a run records about memory: tensor count and RSS when it started and when it ended
 * (after its critic was disposed). Equal tensor counts mean the run freed everything it made; RSS
 * that stays flat across runs means no memory grows with the epochs.
 */
export function memoryMetrics(start: MemorySnapshot, end: MemorySnapshot): Record<string, number> {
  return {
    tensorsStart: start.tensors,
    tensorsEnd: end.tensors,
    rssStartMiB: start.rssMiB,
    rssEndMiB: end.rssMiB,
  };
}
