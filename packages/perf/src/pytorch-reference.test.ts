import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CNN_SCRIPT_NAME,
  locateCnnScript,
  locatePeerScript,
  PYTORCH_ENV,
} from './pytorch-reference';

describe('PyTorch reference scripts', () => {
  it('finds this package’s CNN timing script from the sources', () => {
    const script = locateCnnScript();
    expect(script?.endsWith(`scripts/${CNN_SCRIPT_NAME}`)).toBe(true);
    expect(existsSync(script!)).toBe(true);
  });

  it('returns undefined for a peer script that does not exist', () => {
    expect(locatePeerScript('/nonexistent/torch_gaussian_staircase.py')).toBeUndefined();
  });

  it('runs PyTorch with passive OpenMP waiting', () => {
    expect(PYTORCH_ENV).toEqual({ OMP_WAIT_POLICY: 'PASSIVE' });
  });
});
