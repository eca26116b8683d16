import {
  builtinBounds,
  ccmiPlugin,
  donskerVaradhanPlugin,
  infoNCEPlugin,
  interpolatedPlugin,
  jensenShannonPlugin,
  mineePlugin,
  minePlugin,
  nwjPlugin,
  reinfoncePlugin,
  rejsPlugin,
  remineJointPlugin,
  reminePlugin,
  renwjPlugin,
  resmilePlugin,
  retubaPlugin,
  smileDvPlugin,
  smilePlugin,
  tncePlugin,
  tubaPlugin,
} from '@mi/bounds';
import { describeBoundConformance, type GaussianRatioSample } from '@mi/bounds/testing';
import type { BoundOutput } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// Training objectives of the bounds that report one value and train on another.
const jsGradient = (o: BoundOutput) => tf.neg(o.terms['jsObjective'] as tf.Scalar) as tf.Scalar;
const regularizedJsGradient = (o: BoundOutput) =>
  tf.add(
    tf.neg(o.terms['jsObjective'] as tf.Scalar),
    o.terms['regularizer'] as tf.Scalar,
  ) as tf.Scalar;
const plusOne = (s: tf.Tensor2D) => tf.add(s, 1) as tf.Tensor2D;
const crossEntropyGradient = (o: BoundOutput) => o.terms['crossEntropy'] as tf.Scalar;

/**
 * S_ij = log p(y_j | x_i) of the sample's Gaussian, y | x ~ N(ρx, (1 − ρ²) I): the critic TNCE is
 * meant for, the exact conditional (the log ratio plus log p(y_j), a constant per column).
 */
function logConditionalScores(sample: GaussianRatioSample): tf.Tensor2D {
  const { n, dimension: d, x, y } = sample;
  const variance = Math.exp((-2 * sample.trueMI) / d);
  const rho = Math.sqrt(1 - variance);
  const scores = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let squares = 0;
      for (let k = 0; k < d; k++)
        squares += ((y[j * d + k] as number) - rho * (x[i * d + k] as number)) ** 2;
      scores[i * n + j] = -0.5 * d * Math.log(2 * Math.PI * variance) - squares / (2 * variance);
    }
  }
  return tf.tensor2d(scores, [n, n]);
}

// Tolerances (nats) with the exact log-ratio critic at n = 512, MI = 1 and 2: the sampling noise
// of the joint term is about 0.1; InfoNCE's known bias at I = 2, n = 512 is a few hundredths.
describeBoundConformance(donskerVaradhanPlugin, { truth: { tolerance: 0.2 } });
describeBoundConformance(minePlugin, { gradientReference: false, truth: { tolerance: 0.2 } });
describeBoundConformance(nwjPlugin, {
  truth: { tolerance: 0.2, transform: plusOne },
  finiteForLargeScores: false,
});
describeBoundConformance(nwjPlugin, {
  options: { clip: 10 },
  truth: { tolerance: 0.2, transform: plusOne },
});
describeBoundConformance(tubaPlugin, { truth: { tolerance: 0.2 }, finiteForLargeScores: false });
describeBoundConformance(tubaPlugin, { options: { clip: 10 }, truth: { tolerance: 0.2 } });
describeBoundConformance(tubaPlugin, {
  options: { logBaseline: 'learned' },
  inputs: (scores) => ({
    scores,
    logBaseline: tf.linspace(-0.5, 0.5, scores.shape[0]) as tf.Tensor1D,
  }),
  truth: false,
  finiteForLargeScores: false,
});
describeBoundConformance(infoNCEPlugin, { truth: { tolerance: 0.2 } });
describeBoundConformance(infoNCEPlugin, {
  options: { direction: 'columns' },
  truth: { tolerance: 0.2 },
});
describeBoundConformance(infoNCEPlugin, {
  options: { direction: 'symmetric' },
  truth: { tolerance: 0.2 },
});
// The JS-optimal critic is the log ratio; its NWJ readout (default) is tight at ratio + 1.
describeBoundConformance(jensenShannonPlugin, {
  gradientReference: jsGradient,
  truth: { tolerance: 0.2, transform: plusOne },
  finiteForLargeScores: false,
});
describeBoundConformance(jensenShannonPlugin, {
  options: { readout: 'nwj-shifted' },
  gradientReference: jsGradient,
  truth: { tolerance: 0.2 },
  finiteForLargeScores: false,
});
describeBoundConformance(interpolatedPlugin, {
  truth: { tolerance: 0.2 },
  finiteForLargeScores: false,
});
describeBoundConformance(smilePlugin, { gradientReference: jsGradient, truth: { tolerance: 0.2 } });
describeBoundConformance(smilePlugin, {
  options: { tau: Number.POSITIVE_INFINITY },
  gradientReference: jsGradient,
  truth: { tolerance: 0.2 },
});
describeBoundConformance(smileDvPlugin, { options: { tau: 10 }, truth: { tolerance: 0.2 } });
describeBoundConformance(reminePlugin, {
  sameEstimateAs: { plugin: donskerVaradhanPlugin },
  truth: { tolerance: 0.2 },
});
describeBoundConformance(reminePlugin, {
  options: { distance: 'l1', lambda: 0.5 },
  sameEstimateAs: { plugin: donskerVaradhanPlugin },
});
describeBoundConformance(remineJointPlugin, { truth: { tolerance: 0.2 } });
describeBoundConformance(renwjPlugin, {
  sameEstimateAs: { plugin: nwjPlugin, options: { clip: 10 } },
  truth: { tolerance: 0.2, transform: plusOne },
});
describeBoundConformance(resmilePlugin, {
  sameEstimateAs: { plugin: smileDvPlugin, options: { tau: 10 } },
});
describeBoundConformance(reinfoncePlugin, {
  sameEstimateAs: { plugin: infoNCEPlugin },
  truth: { tolerance: 0.2 },
});
describeBoundConformance(retubaPlugin, {
  sameEstimateAs: { plugin: tubaPlugin, options: { clip: 10 } },
});
describeBoundConformance(rejsPlugin, {
  gradientReference: regularizedJsGradient,
  sameEstimateAs: { plugin: jensenShannonPlugin },
  finiteForLargeScores: false,
});
describeBoundConformance(mineePlugin, {
  gradientReference: false,
  inputs: (scores) => {
    const n = scores.shape[0];
    const data = tf.reshape(tf.slice(scores, [0, 0], [1, n]), [n]) as tf.Tensor1D;
    const reference = tf.reshape(scores, [n * n]) as tf.Tensor1D;
    return {
      entropic: {
        jointData: data,
        jointReference: reference,
        xData: tf.mul(data, 0.5) as tf.Tensor1D,
        xReference: tf.mul(reference, 0.5) as tf.Tensor1D,
        yData: tf.mul(data, 0.25) as tf.Tensor1D,
        yReference: tf.mul(reference, 0.25) as tf.Tensor1D,
      },
    };
  },
  truth: false,
});

// CCMI trains on the balanced cross-entropy; its optimal logit is the log ratio, which the
// default clip (|r| ≤ 11.5) leaves untouched at these MI values.
describeBoundConformance(ccmiPlugin, {
  gradientReference: crossEntropyGradient,
  truth: { tolerance: 0.2 },
});
describeBoundConformance(ccmiPlugin, {
  options: { tau: 0.1 },
  gradientReference: crossEntropyGradient,
});
describeBoundConformance(ccmiPlugin, {
  options: { tau: 0 },
  gradientReference: crossEntropyGradient,
  truth: { tolerance: 0.2 },
});
// The partition term over the n shifted pairs S_i,(i+1) mod n (`marginals: 'shifted'`): the same
// expectation with n marginal samples instead of n(n − 1), so the truth check is noisier.
const shifted = { marginals: 'shifted' } as const;
describeBoundConformance(donskerVaradhanPlugin, {
  options: shifted,
  truth: { tolerance: 0.3 },
});
describeBoundConformance(minePlugin, {
  options: shifted,
  gradientReference: false,
  truth: { tolerance: 0.3 },
});
describeBoundConformance(nwjPlugin, {
  options: shifted,
  truth: { tolerance: 0.3, transform: plusOne },
  finiteForLargeScores: false,
});
describeBoundConformance(nwjPlugin, {
  options: { clip: 10, ...shifted },
  truth: { tolerance: 0.3, transform: plusOne },
});
describeBoundConformance(reminePlugin, {
  options: shifted,
  sameEstimateAs: { plugin: donskerVaradhanPlugin, options: shifted },
  truth: { tolerance: 0.3 },
});
describeBoundConformance(remineJointPlugin, { options: shifted });
describeBoundConformance(renwjPlugin, {
  options: shifted,
  sameEstimateAs: { plugin: nwjPlugin, options: { clip: 10, ...shifted } },
  truth: { tolerance: 0.3, transform: plusOne },
});
describeBoundConformance(tncePlugin, { truth: { tolerance: 0.2 } });
describeBoundConformance(tncePlugin, {
  name: 'tnce with the exact conditional log p(y | x) as critic',
  truth: { tolerance: 0.2, inputs: (sample) => ({ scores: logConditionalScores(sample) }) },
});

describe('builtinBounds', () => {
  it('holds every bound of the catalogue, each passing through the suite above', () => {
    expect(builtinBounds.map((b) => b.id)).toEqual([
      'dv',
      'mine',
      'nwj',
      'tuba',
      'infonce',
      'js',
      'interpolated',
      'smile',
      'smile-dv',
      'remine',
      'remine-j',
      'renwj',
      'resmile',
      'reinfonce',
      'retuba',
      'rejs',
      'minee',
      'ccmi',
      'tnce',
    ]);
  });
});
