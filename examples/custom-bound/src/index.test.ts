import { createBoundRegistry, donskerVaradhan, evaluateBound } from '@mi/bounds';
import { describeBoundConformance } from '@mi/bounds/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { temperedDonskerVaradhan, temperedDonskerVaradhanPlugin } from './index';

// The same suite every built-in passes. With the exact Gaussian log-ratio critic, β = 1 is DV
// (on the truth); β = 1.2 is looser by a few tenths of a nat at MI = 1–2, hence the tolerance.
describeBoundConformance(temperedDonskerVaradhanPlugin, {
  options: { beta: 1 },
  truth: { tolerance: 0.2 },
});
describeBoundConformance(temperedDonskerVaradhanPlugin, {
  options: { beta: 1.2 },
  truth: { tolerance: 0.8 },
});

describe('tempered-dv as a registered plugin', () => {
  it('registers next to the built-ins and equals DV at β = 1', () => {
    const registry = createBoundRegistry().with(temperedDonskerVaradhanPlugin);
    const scores = tf.tensor2d([
      [1, 0.2, -0.1],
      [0.3, 1.5, 0.0],
      [-0.2, 0.4, 0.8],
    ]);
    const tempered = evaluateBound(registry.get('tempered-dv').create({ beta: 1 } as never), {
      scores,
    });
    const dv = evaluateBound(donskerVaradhan(), { scores });
    expect(tempered.estimate).toBeCloseTo(dv.estimate, 5);
    // β > 1 is below DV (Jensen).
    expect(evaluateBound(temperedDonskerVaradhan({ beta: 3 }), { scores }).estimate).toBeLessThan(
      dv.estimate,
    );
    scores.dispose();
  });

  it('rejects β < 1 with a typed error', () => {
    expect(() => temperedDonskerVaradhan({ beta: 0.5 })).toThrow(
      "tempered-dv: invalid option 'beta': expected a number >= 1, received 0.5",
    );
  });
});
