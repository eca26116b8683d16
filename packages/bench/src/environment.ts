import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

/** Backend and versions stamped into every benchmark record. */
export function benchmarkEnvironment(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const version = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    backend: tf.getBackend(),
    tfjs: version('@tensorflow/tfjs-core'),
    bench: version('@mi/bench'),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
