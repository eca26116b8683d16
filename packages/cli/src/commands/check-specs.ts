import { validateSpecs } from '@mi/bench';
import { checkFlag } from '../cli-errors';
import type { Registries } from '../plugins';

/**
 * Resolves each bound or critic spec a flag gave through the registries, so that an unknown name
 * or a bad option fails before any file is read or any training starts; the error names the flag
 * and the spec as typed (`--bound smiley: no bound named 'smiley'; …`).
 */
export function checkSpecs(
  registries: Registries,
  flag: string,
  kind: 'bounds' | 'critics',
  specs: readonly string[] | undefined,
): void {
  for (const spec of specs ?? []) {
    checkFlag(flag, spec, () => validateSpecs({ [kind]: [spec], registries }));
  }
}
