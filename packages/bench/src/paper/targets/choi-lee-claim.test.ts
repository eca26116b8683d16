import { describe, expect, it } from 'vitest';
import { checkClaim } from '../verdict';
import { logMseRatios } from './staircase-targets';

// Paper 004 §5.3 claims that regularisation lowers the error of every loss but InfoNCE. The MSE
// summed over the staircase's levels, per seed, of NWJ and ReNWJ as our three seeds measured it
// (docs/benchmarks/paper/004-fig7): every seed improves, by factors of 8 to 75.
const nwj = [274.3, 55.03, 33.61];
const renwj = [3.631, 3.889, 4.155];

describe('the claim of paper 004 Fig. 7 on the log of the MSE ratio', () => {
  it('is the log of regularised over original, seed by seed (hand values)', () => {
    const ratios = logMseRatios(nwj, renwj);
    expect(ratios[0]).toBeCloseTo(-4.3247, 3);
    expect(ratios[1]).toBeCloseTo(-2.6498, 3);
    expect(ratios[2]).toBeCloseTo(-2.0904, 3);
  });

  it('has no value where a seed is missing, zero or not finite', () => {
    expect(logMseRatios([1, null, 2, 0, 1], [2, 1, null, 1, Number.POSITIVE_INFINITY])).toEqual([
      Math.log(2),
      null,
      null,
      null,
      null,
    ]);
  });

  it('finds an improvement in every seed that the raw differences, led by one seed, do not', () => {
    // Mean −3.02 against a 95% t half-width of 4.30 · 1.163/√3 = 2.89.
    expect(checkClaim(logMseRatios(nwj, renwj), { below: 0 }).kind).toBe('reproduced');
    // Raw: −270.7, −51.1, −29.5; mean −117, half-width 4.30 · 133.5/√3 = 331.
    const differences = renwj.map((b, k) => b - (nwj[k] as number));
    expect(checkClaim(differences, { below: 0 }).kind).not.toBe('reproduced');
  });

  it('does not call a worse regularised loss better (JS against ReJS of the DV-family reading)', () => {
    const js = [6.896, 6.43, 5.796];
    const rejs = [37.46, 38.01, 37.19];
    expect(checkClaim(logMseRatios(js, rejs), { below: 0 }).kind).toBe('differs');
  });
});
