import { InvalidArgumentError } from '@mi/spec';
import { type GraphDefBuilder, TF_DTYPE } from './graph-def';
import type { TraceNodes } from './native-graph';

/** A variable that Adam updates in the session: its name and the node of its gradient. */
export interface ResidentAdamVariable {
  readonly name: string;
  readonly gradient: string;
  readonly shape: readonly number[];
}

/** Nodes {@link appendResidentAdam} added, by what they are for (all fed or fetched by name). */
export interface ResidentAdamNodes {
  /** Per variable: placeholders of m and v; fetching `lent` writes them into the session. */
  readonly momentInputs: readonly { readonly m: string; readonly v: string }[];
  readonly lent: string;
  /** Fetched with a step's outputs: stores its gradients in the session. */
  readonly stored: string;
  /** `ResourceApplyAdam`'s six scalar operands (β₁ᵗ, β₂ᵗ, lr, β₁, β₂, ε̂), fed. */
  readonly scalars: readonly string[];
  /** Per variable: its value after one Adam step on the stored gradients (fetch all at once). */
  readonly updated: readonly string[];
  /** Per variable: the session's m and v, and the stored gradient. */
  readonly moments: readonly { readonly m: string; readonly v: string }[];
  readonly gradients: readonly string[];
}

const float = { type: TF_DTYPE.float32 };

/**
 * Appends Adam to a compiled training step, with its state resident in the session: per
 * variable, m, v and the last stored gradient are resource variables of the session, and one
 * `ResourceApplyAdam` updates the session's copy of the variable (see `NativeGraph.runNodes`)
 * and its moments in place. A step is then two runs: the traced step, fetching `stored` (the
 * gradients stay in the session), and, if the step is kept, the update, fetching `updated`
 * (only the new values leave the session). The same kernel on the same operands as
 * `NativeAdamMoments` (element-wise, so one variable at a time gives the bits of the
 * concatenated update). Names start with `prefix`.
 */
export function appendResidentAdam(
  builder: GraphDefBuilder,
  nodes: TraceNodes,
  variables: readonly ResidentAdamVariable[],
  prefix: string,
): ResidentAdamNodes {
  const resource = (name: string, shape: readonly number[]) =>
    builder.node(name, 'VarHandleOp', [], {
      dtype: float,
      shape: { shape },
      container: { s: '' },
      shared_name: { s: `${nodes.scope}${name}` },
    });
  const read = (name: string, handle: string, after: readonly string[] = []) =>
    builder.node(name, 'ReadVariableOp', [handle, ...after.map((a) => `^${a}`)], { dtype: float });
  const assign = (name: string, handle: string, value: string) =>
    builder.node(name, 'AssignVariableOp', [handle, value], { dtype: float });
  const after = (name: string, controls: readonly string[]) => {
    const zero = builder.constant(`${name}_value`, TF_DTYPE.float32, [], [0]);
    return builder.node(name, 'Identity', [zero, ...controls.map((c) => `^${c}`)], { T: float });
  };

  const scalars = ['beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon_hat'].map((s) =>
    builder.placeholder(`${prefix}${s}`, TF_DTYPE.float32, []),
  );
  const momentInputs: { m: string; v: string }[] = [];
  const moments: { m: string; v: string }[] = [];
  const gradients: string[] = [];
  const updated: string[] = [];
  const lends: string[] = [];
  const stores: string[] = [];
  variables.forEach(({ name, gradient, shape }, k) => {
    const p = `${prefix}${k}_`;
    const value = nodes.variableResource(name);
    if (value === undefined) {
      throw new InvalidArgumentError({
        functionName: 'appendResidentAdam',
        parameter: 'variables',
        value: name,
        expected: 'variables the traced step reads',
      });
    }
    const m = resource(`${p}m`, shape);
    const v = resource(`${p}v`, shape);
    const g = resource(`${p}g`, shape);
    const input = {
      m: builder.placeholder(`${p}m_in`, TF_DTYPE.float32, shape),
      v: builder.placeholder(`${p}v_in`, TF_DTYPE.float32, shape),
    };
    momentInputs.push(input);
    lends.push(assign(`${p}m_lend`, m, input.m), assign(`${p}v_lend`, v, input.v));
    stores.push(assign(`${p}g_store`, g, gradient));
    const storedGradient = read(`${p}g_read`, g);
    const apply = builder.node(
      `${p}apply`,
      'ResourceApplyAdam',
      [value, m, v, ...scalars, storedGradient],
      { T: float, use_locking: { b: false }, use_nesterov: { b: false } },
    );
    updated.push(read(`${p}updated`, value, [apply]));
    moments.push({ m: read(`${p}m_read`, m), v: read(`${p}v_read`, v) });
    gradients.push(storedGradient);
  });
  return {
    momentInputs,
    lent: after(`${prefix}lent`, lends),
    stored: after(`${prefix}stored`, stores),
    scalars,
    updated,
    moments,
    gradients,
  };
}
