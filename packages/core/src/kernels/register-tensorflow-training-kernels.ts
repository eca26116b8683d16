import { replaceKernel } from './replace-kernel';
import { stepAsComparison } from './step-as-comparison';

/**
 * Replaces kernels of the native `tensorflow` backend (tfjs-node) that are slow in training:
 * `Step` (the ReLU gradient). Called by `initBackend` when it starts tfjs-node; idempotent.
 * Returns the names of the kernels it replaced.
 */
export function registerTensorflowTrainingKernels(): string[] {
  return replaceKernel('Step', 'tensorflow', stepAsComparison) ? ['Step'] : [];
}
