import {
  approximateRule,
  checkClaim,
  compareWithPublished,
  describeRule,
  rowVerdict,
  VERDICT_RULES,
} from '@mi/bench';
import { describe, expect, it } from 'vitest';

describe('the verdict rule', () => {
  it('reproduces within the floor when the seeds agree closely', () => {
    // Three seeds 0.26 ± 0.01 against a published 0.25: within the 0.05-nat floor.
    const verdict = compareWithPublished([0.25, 0.26, 0.27], 0.25, VERDICT_RULES.nats);
    expect(verdict.kind).toBe('reproduced');
    expect(verdict.ours).toBeCloseTo(0.26, 12);
    expect(verdict.tolerance).toBeCloseTo(0.05 + 0.005, 12);
    expect(compareWithPublished([0.4, 0.41, 0.42], 0.25, VERDICT_RULES.nats).kind).toBe('differs');
  });

  it('widens the tolerance with the spread of the seeds', () => {
    // s = 0.3 over 3 seeds: 1.96·√(0.09/3 + 0.09) = 0.679, + 0.005 rounding.
    const verdict = compareWithPublished([-0.3, 0, 0.3], 0.6, VERDICT_RULES.nats);
    expect(verdict.tolerance).toBeCloseTo(1.96 * Math.sqrt(0.09 / 3 + 0.09) + 0.005, 10);
    expect(verdict.kind).toBe('reproduced');
    expect(compareWithPublished([-0.3, 0, 0.3], 0.7, VERDICT_RULES.nats).kind).toBe('differs');
  });

  it('gives no verdict when only a spread wider than the cap excuses the difference', () => {
    // s = 1: tolerance 2.268 nats, past the 1-nat cap. 2 nats off: within the tolerance, beyond the
    // cap → no verdict; 0.9 off: within the cap → reproduced; 2.3 off: beyond both → differs.
    const wide = compareWithPublished([-1, 0, 1], 2, VERDICT_RULES.nats);
    expect(wide).toMatchObject({ kind: 'no verdict', ours: 0, difference: 2 });
    expect(wide.tolerance).toBeCloseTo(1.96 * Math.sqrt(1 / 3 + 1) + 0.005, 10);
    expect(wide.note).toBe('our seeds spread too widely to tell: s = 1, ± 2.3 against a cap of 1');
    expect(compareWithPublished([-1, 0, 1], 0.9, VERDICT_RULES.nats).kind).toBe('reproduced');
    expect(compareWithPublished([-1, 0, 1], 2.3, VERDICT_RULES.nats).kind).toBe('differs');
    // A rule without a cap keeps the spread's verdict.
    const { cap: _cap, ...uncapped } = VERDICT_RULES.nats;
    expect(compareWithPublished([-1, 0, 1], 2, uncapped).kind).toBe('reproduced');
  });

  it('caps a "≈ v" claim at max(1 nat, 2.5 × its floor)', () => {
    expect(approximateRule(0.25).cap).toBe(1);
    expect(approximateRule(5).cap).toBe(12.5);
    // ReMINE's j → 0 over seeds at 98, 0 and 90 (s ≈ 54): no verdict, not "reproduced".
    const j = compareWithPublished([98, 0, 90], 0, approximateRule(0.25));
    expect(j.kind).toBe('no verdict');
    expect(j.note).toContain('spread too widely');
    // j̄ → −50 at −45, −52, −49: within the floor of 5 nats.
    expect(compareWithPublished([-45, -52, -49], -50, approximateRule(5)).kind).toBe('reproduced');
  });

  it('caps factors on the log scale', () => {
    // Variances spread over two orders of magnitude around a published 1: a factor 10 off is
    // within 1.96·√(4/3·s²) but beyond the factor-4 cap.
    const verdict = compareWithPublished([1, 10, 100], 1, VERDICT_RULES.spread);
    expect(verdict.kind).toBe('no verdict');
    expect(verdict.note).toContain('in log');
  });

  it("takes the paper's per-step variance as the smallest spread of its one run", () => {
    // Seeds agree (s = 0); the paper's variance 99 over 2000 steps gives a standard error 0.2225.
    const rule = { ...VERDICT_RULES.nats, publishedVariance: { variance: 99, steps: 2000 } };
    const verdict = compareWithPublished([2.6, 2.6, 2.6], 2.97, rule);
    expect(verdict.tolerance).toBeCloseTo(1.96 * Math.sqrt(99 / 2000) + 0.005, 10);
    expect(verdict.kind).toBe('reproduced');
  });

  it('compares variances and step counts as factors', () => {
    expect(compareWithPublished([1.3, 1.4, 1.5], 1, VERDICT_RULES.spread).kind).toBe('reproduced');
    expect(compareWithPublished([2.9, 3, 3.1], 1, VERDICT_RULES.spread).kind).toBe('differs');
    // A printed 0.00 is anything below 0.005.
    expect(compareWithPublished([0.001, 0.002, 0.003], 0, VERDICT_RULES.spread).kind).toBe(
      'reproduced',
    );
    expect(compareWithPublished([15_000, 25_000, 30_000], 2e4, VERDICT_RULES.steps).kind).toBe(
      'reproduced',
    );
    expect(compareWithPublished([60_000, 80_000, 90_000], 2e4, VERDICT_RULES.steps).kind).toBe(
      'differs',
    );
  });

  it('reads cells the paper omits as beyond a bound, where a diverged seed counts as beyond', () => {
    expect(compareWithPublished([150, 300], { above: 100 }, VERDICT_RULES.spread).kind).toBe(
      'reproduced',
    );
    expect(compareWithPublished([5, null], { above: 100 }, VERDICT_RULES.spread).kind).toBe(
      'reproduced',
    );
    expect(compareWithPublished([5, 6], { above: 100 }, VERDICT_RULES.spread).kind).toBe('differs');
    expect(compareWithPublished([-150, -120], { below: -100 }, VERDICT_RULES.nats).kind).toBe(
      'reproduced',
    );
  });

  it('gives no verdict without a spread, a published value or runs', () => {
    expect(compareWithPublished([0.25], 0.25, VERDICT_RULES.nats)).toMatchObject({
      kind: 'no verdict',
      note: 'one seed: no spread',
    });
    expect(compareWithPublished([0.2, 0.3], null, VERDICT_RULES.nats).kind).toBe('no verdict');
    expect(compareWithPublished([], 0.25, VERDICT_RULES.nats).kind).toBe('no verdict');
    expect(compareWithPublished([null, null], 0.25, VERDICT_RULES.nats)).toMatchObject({
      kind: 'differs',
      note: 'every seed diverged',
    });
  });

  it('checks a claim beyond a threshold by the t half-width of the mean', () => {
    expect(checkClaim([1, 1.1, 0.9], { above: 0.5 }).kind).toBe('reproduced');
    // Mean 0.6, but the t interval (±1.1) reaches below 0.5.
    expect(checkClaim([0.1, 0.6, 1.1], { above: 0.5 }).kind).toBe('differs');
    expect(checkClaim([-0.3, -0.2, -0.4], { below: 0 }).kind).toBe('reproduced');
    expect(checkClaim([null], { below: 0 }).kind).toBe('no verdict');
  });

  it('sums a row: reproduced when every compared cell is, else the cells that differ', () => {
    const reproduced = { kind: 'reproduced' } as const;
    const differs = { kind: 'differs' } as const;
    const none = { kind: 'no verdict', note: 'not published' } as const;
    expect(
      rowVerdict([
        { label: 'MI=2', verdict: reproduced },
        { label: 'MI=4', verdict: none },
      ]),
    ).toEqual({ kind: 'reproduced' });
    expect(
      rowVerdict([
        { label: 'MI=2', verdict: reproduced },
        { label: 'MI=8', verdict: differs },
        { label: 'MI=10', verdict: differs },
      ]),
    ).toEqual({ kind: 'differs', note: 'at MI=8, MI=10' });
    expect(rowVerdict([{ label: 'MI=2', verdict: none }])).toEqual({
      kind: 'no verdict',
      note: 'not published',
    });
  });

  it('states the rule in words', () => {
    expect(describeRule(VERDICT_RULES.nats)).toContain('max(0.05 nats, 1.96·√(s²/k + s_p²))');
    expect(describeRule(VERDICT_RULES.spread)).toContain('a factor 1.5');
    expect(describeRule(VERDICT_RULES.nats)).toContain('a difference beyond 1 nat that');
    expect(describeRule(VERDICT_RULES.steps)).toContain('a factor 8');
  });
});
