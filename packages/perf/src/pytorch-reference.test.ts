import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  chooseOpenblasCore,
  cpuFlags,
  locatePeerScript,
  locateTorchScript,
  parseOpenblasCore,
  pytorchEnvironment,
  TORCH_SCRIPT_NAME,
  untunedTorchReason,
} from './pytorch-reference';

// An excerpt of /proc/cpuinfo on the AVX-512 machines the project runs on.
const AVX512_CPUINFO = `processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC
flags\t\t: fpu vme de pse sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16
bugs\t\t: sysret_ss_attrs
`;
const AVX2_FLAGS = new Set(['sse4_2', 'avx', 'avx2', 'fma']);

describe('OpenBLAS kernel family', () => {
  it('chooses SkylakeX with AVX-512 (F, VL, BW, DQ), Haswell with AVX2 + FMA, else nothing', () => {
    expect(chooseOpenblasCore(cpuFlags(AVX512_CPUINFO))).toBe('SkylakeX');
    expect(chooseOpenblasCore(AVX2_FLAGS)).toBe('Haswell');
    // AVX-512 F alone (no VL/BW/DQ, e.g. Xeon Phi) is not SkylakeX.
    expect(chooseOpenblasCore(new Set([...AVX2_FLAGS, 'avx512f']))).toBe('Haswell');
    expect(chooseOpenblasCore(new Set(['sse4_2', 'avx']))).toBeUndefined();
    expect(chooseOpenblasCore(cpuFlags(''))).toBeUndefined();
  });

  it('passes the choice to PyTorch unless the environment already made one', () => {
    expect(pytorchEnvironment({}, AVX512_CPUINFO)).toEqual({
      OMP_WAIT_POLICY: 'PASSIVE',
      OPENBLAS_CORETYPE: 'SkylakeX',
    });
    expect(pytorchEnvironment({ OPENBLAS_CORETYPE: 'Haswell' }, AVX512_CPUINFO)).toEqual({
      OMP_WAIT_POLICY: 'PASSIVE',
      OPENBLAS_CORETYPE: 'Haswell',
    });
    expect(pytorchEnvironment({}, 'flags : sse2')).toEqual({ OMP_WAIT_POLICY: 'PASSIVE' });
  });

  it('reads the kernels OpenBLAS runs from its OPENBLAS_VERBOSE=2 output', () => {
    expect(parseOpenblasCore('Core: SkylakeX\n')).toEqual({ core: 'SkylakeX' });
    // Without OPENBLAS_CORETYPE, Debian's 0.3.21 names what it detected (here a fallback).
    expect(parseOpenblasCore('some python warning\nCore: Prescott\n{"mode": "probe"}')).toEqual({
      core: 'Prescott',
    });
    // An unknown OPENBLAS_CORETYPE: OpenBLAS says so and falls back to its own detection.
    expect(parseOpenblasCore('Core not found: Bogus\nCore: Cooperlake\n')).toEqual({
      core: 'Cooperlake',
      notFound: 'Bogus',
    });
    expect(parseOpenblasCore('no verbose output')).toEqual({});
  });
});

describe('untuned PyTorch', () => {
  it('refuses a reference (netlib) BLAS and names the library and the fix', () => {
    const reason = untunedTorchReason({
      blas: 'reference',
      blasLibrary: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0',
    });
    expect(reason).toContain('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0');
    expect(reason).toContain('libopenblas0-pthread');
  });

  it('accepts OpenBLAS, MKL and a BLAS it could not identify', () => {
    expect(
      untunedTorchReason({ blas: 'openblas', blasLibrary: '/x/libopenblas.so' }),
    ).toBeUndefined();
    expect(untunedTorchReason({ blas: 'mkl', blasLibrary: undefined })).toBeUndefined();
    expect(untunedTorchReason({ blas: 'unknown', blasLibrary: undefined })).toBeUndefined();
  });
});

describe('PyTorch reference scripts', () => {
  it('finds this package’s timing script from the sources', () => {
    const script = locateTorchScript();
    expect(script?.endsWith(`scripts/${TORCH_SCRIPT_NAME}`)).toBe(true);
    expect(existsSync(script!)).toBe(true);
  });

  it('returns undefined for a peer script that does not exist', () => {
    expect(locatePeerScript('/nonexistent/torch_gaussian_staircase.py')).toBeUndefined();
  });
});
