import { ccmi, tnce } from '@mi/bounds';
import { conditionalGaussianCritic, jointCritic } from '@mi/critics';
import { correlatedGaussian } from '@mi/datasets';
import { train } from '@mi/train';
import { describe, expect, it } from 'vitest';

// The two neural baselines of ReMINE's Table 1 trained end to end on a 1-D correlated Gaussian
// with ρ = 0.8: I = −½ log(1 − ρ²) = 0.511 nats. Small and fast on the pure-JS cpu backend.
const rho = 0.8;
const truth = -0.5 * Math.log(1 - rho * rho);

describe('ReMINE Table 1 baselines converge on a 1-D Gaussian (ρ = 0.8, I = 0.511)', () => {
  it('ccmi with a joint classifier: the micro average within 0.15 nats of the truth', async () => {
    const critic = jointCritic({ xFeatures: 1, yFeatures: 1, hiddenUnits: [16, 16], seed: 1 });
    const result = await train({
      critic,
      bound: ccmi(),
      data: correlatedGaussian({ dimension: 1, rho }),
      steps: 300,
      batchSize: 32,
      seed: 1,
      optimizer: { kind: 'adam', learningRate: 5e-3 },
      windowSize: 150,
    });
    critic.dispose();
    // The cross-entropy pins T's constant, so CCMI pools its batches (ReMINE Algorithm 1).
    expect(result.estimateKind).toBe('micro');
    expect(Math.abs(result.estimate - truth), `estimate ${result.estimate}`).toBeLessThan(0.15);
    expect(result.flags).not.toContain('diverged');
  });

  it('tnce with the conditional-Gaussian critic: near min(truth, log n)', async () => {
    const critic = conditionalGaussianCritic({
      xFeatures: 1,
      yFeatures: 1,
      mean: 'linear',
      seed: 2,
    });
    const batchSize = 32;
    const result = await train({
      critic,
      bound: tnce(),
      data: correlatedGaussian({ dimension: 1, rho }),
      steps: 300,
      batchSize,
      seed: 2,
      optimizer: { kind: 'adam', learningRate: 2e-2 },
      windowSize: 150,
    });
    // The learned q(y | x) approaches the true conditional N(ρx, 1 − ρ²).
    const kernel = critic.weights.get('mean/dense0/kernel')!.dataSync()[0]!;
    const scale = Math.exp(critic.weights.get('logScale')!.dataSync()[0]!);
    critic.dispose();
    expect(result.estimateKind).toBe('macro');
    expect(result.ceiling).toBeCloseTo(Math.log(batchSize), 10);
    const target = Math.min(truth, Math.log(batchSize));
    expect(Math.abs(result.estimate - target), `estimate ${result.estimate}`).toBeLessThan(0.1);
    expect(Math.abs(kernel - rho), `μ(x) = ${kernel}·x + b`).toBeLessThan(0.15);
    expect(Math.abs(scale - Math.sqrt(1 - rho * rho)), `σ = ${scale}`).toBeLessThan(0.15);
  });
});
