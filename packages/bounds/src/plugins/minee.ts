import { logMeanExp, readOptions } from '@mi/core';
import type { Bound, BoundPlugin, EntropicInputs } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { createBound } from '../shared/create-bound';
import { references } from '../shared/references';

/** MI-NEE has no options; the reference-batch factor is a training option. */
export type MineeOptions = Record<string, never>;

/** The `minee` bound as a registry plugin: `mineePlugin.create(options)` is `minee(options)`. */
export const mineePlugin: BoundPlugin<MineeOptions> = {
  id: 'minee',
  kind: 'bound',
  specificationVersion: 'v1',
  displayName: 'MI-NEE',
  description: 'Neural entropic estimation: three DV divergences against uniform references.',
  formula: 'D(P_XY‖U_XY) − D(P_X‖U_X) − D(P_Y‖U_Y), D(P‖U) = E_P[f] − log E_U[e^f]',
  references: [{ ...references.minee, location: '§3.2–3.3' }],
  create(options) {
    readOptions('minee', options, []);
    return createBound<EntropicInputs>({
      id: 'minee',
      config: {},
      requires: ['entropic'],
      compute({ entropic: e }) {
        const divergence = (data: tf.Tensor1D, reference: tf.Tensor1D) =>
          tf.sub(tf.mean(data), logMeanExp(reference)) as tf.Scalar;
        const joint = divergence(e.jointData, e.jointReference);
        const x = divergence(e.xData, e.xReference);
        const y = divergence(e.yData, e.yReference);
        const estimate = tf.sub(tf.sub(joint, x), y) as tf.Scalar;
        return {
          loss: tf.neg(tf.addN([joint, x, y])) as tf.Scalar,
          estimate,
          terms: {
            joint: tf.mean(e.jointData),
            logPartition: logMeanExp(e.jointReference) as tf.Scalar,
            divergenceJoint: joint,
            divergenceX: x,
            divergenceY: y,
          },
          state: {},
        };
      },
    });
  },
};

/**
 * MI-NEE (Chan et al. 2019, §3.2–3.3): MI from three divergences against uniform reference
 * distributions over the data's bounding box, each estimated with the DV bound:
 *
 * ```
 * D(P‖U) ≈ mean_data f − log mean_reference e^{f}
 * I(X;Y) = D(P_XY‖U_XY) − D(P_X‖U_X) − D(P_Y‖U_Y)
 * ```
 *
 * (H(X) = log|box_X| − D(P_X‖U_X), and the box volumes cancel in H(X) + H(Y) − H(X, Y).) Each head
 * maximises its own divergence, so the loss is −(D_XY + D_X + D_Y). Reads `inputs.entropic`
 * (head scores on data and on a reference batch, typically 10× larger); ignores `scores`.
 */
export function minee(options?: MineeOptions): Bound {
  return mineePlugin.create(options);
}
