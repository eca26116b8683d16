import { type AdamStepParameters, NativeAdamMoments, resourceAdamScalars } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type AdamMoments, adamMoments } from './adam-moments';

/** A tensor with the name of the variable or slot it belongs to (as `tf.Optimizer` uses them). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** The first and second moments of some parameters. */
interface Moments {
  readonly m: tf.Tensor;
  readonly v: tf.Tensor;
}

/**
 * Moments as `setWeights` restored them, before the first gradients fix the layout: `flat` holds
 * the variables that `own` (keyed by position in the gradients' order) does not, one after another.
 */
interface RestoredMoments {
  readonly flat: Moments | undefined;
  readonly own: ReadonlyMap<number, Moments>;
}

/** Each variable's first and second moments, in the optimiser's order of variables. */
export type VariableMoments = readonly { readonly m: tf.Tensor; readonly v: tf.Tensor }[];

/**
 * The next Adam step of a {@link FlatAdamOptimizer} whose moments are lent out: the scalar
 * operands of `ResourceApplyAdam` (β₁ᵗ, β₂ᵗ, lr, β₁, β₂, ε̂), and `complete`, to call once the
 * borrower has applied it (the optimiser counts the step and moves β₁ᵗ, β₂ᵗ on).
 */
export interface LentAdamStep {
  readonly scalars: readonly number[];
  complete(): void;
}

/** Options of {@link FlatAdamOptimizer} besides Adam's hyperparameters. */
export interface FlatAdamOptions {
  /**
   * Variables with at least this many entries get moments of their own and are updated by
   * themselves, without going through the flat buffer (whose concatenation and split copy every
   * entry twice per step); smaller ones share the flat buffer. `Infinity` puts every variable in
   * the flat buffer. Default {@link FlatAdamOptimizer.defaultLargeVariableSize} (2¹⁹ = 524 288
   * entries, 2 MiB of float32).
   */
  readonly largeVariableSize?: number;
}

/**
 * Adam (Kingma & Ba 2015) with the moments of the small variables in one flat buffer, so that
 * their update costs one kernel whatever the number of variables, instead of about seventeen per
 * variable as TF.js's `tf.train.adam` runs. On cpu and wasm that kernel is `@mi/core`'s
 * `fusedAdamUpdate`: one loop (JavaScript on cpu, WebAssembly SIMD on wasm) that reads each
 * gradient and variable where it lies and writes the new moments and values (assigned without a
 * kernel). On tfjs-node the moments and a copy of the values are TensorFlow's own resource
 * variables (`@mi/core`'s `NativeAdamMoments`): the gradients concatenated, one
 * `ResourceApplyAdam` in place, the values read and split back. Elsewhere (webgl) it is 15
 * kernels: `@mi/core`'s `concatFlat` and `splitAdd` around Adam's 13 element-wise kernels. The
 * bias corrections 1 − βᵗ are float32 numbers computed in JavaScript. On small critics (the
 * separable one has 12 variables) the optimiser's kernel dispatches, not its arithmetic,
 * dominate a step; on the image critics the passes over memory do (TensorFlow's one pass against
 * thirteen: 38 → 10 ms a step on the stacked CNN critic).
 *
 * ```
 * g = concat(flatten(∇θ₁), …, flatten(∇θ_k))
 * m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 * θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * ```
 *
 * Variables of at least `largeVariableSize` entries (the 6272 × 1024 dense layer of the image
 * critics) keep moments of their own and take the same update by themselves (one kernel each):
 * the two copies through the flat buffer would cost more than the dispatch they save.
 *
 * On cpu, wasm and webgl these are, element by element, the operations `tf.train.adam` performs,
 * in the same order, so the two give the same weights bit for bit. On tfjs-node TensorFlow
 * performs the same update with its own order of roundings (the bias corrections folded into
 * the step size, as in Kingma & Ba's Sect. 2, with ε scaled to keep Algorithm 1's update): the
 * weights agree to float32 rounding, not bit for bit. A missing gradient: a large variable is
 * left alone (its weights and moments), as `tf.train.adam` does; a small one gets a zero
 * gradient (its moments decay and its weights move by what they still hold). Values assigned to
 * the variables between steps (a restored checkpoint) are taken up at the next step.
 *
 * `getWeights` names the flat moments `flat/m`, `flat/v` and a large variable's `own/<k>/m`,
 * `own/<k>/v`, k its position in the order of the first gradients. `setWeights` takes any split
 * between the two, so a checkpoint written with another `largeVariableSize`, or by the all-flat
 * optimiser before large variables had their own moments (only `flat/m`, `flat/v`), resumes bit
 * for bit.
 *
 * @example
 * ```ts
 * const optimizer = new FlatAdamOptimizer(5e-4, 0.9, 0.999, 1e-8);
 * const { value, grads } = tf.variableGrads(loss);
 * optimizer.applyGradients(grads);
 * ```
 * @see https://arxiv.org/abs/1412.6980
 */
export class FlatAdamOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'FlatAdam';
  }

  /**
   * The default `largeVariableSize`, 2¹⁹ entries: where updating a variable by itself (one more
   * kernel dispatch) starts to pay for the copies into and out of the flat buffer that it saves
   * (measured with the composed kernels on tfjs-node: beyond it 5–15 % faster, a 6.4 M-entry
   * layer ~3–8 ms of ~45–55 ms). On cpu and wasm, where one kernel reads every variable in
   * place, it only sets the number of kernel calls. The dense critics' layers (256 × 256 and
   * below) and the image critics' second convolution (204 800) stay in the flat buffer; their
   * 6272 × 1024 dense layer does not.
   */
  static readonly defaultLargeVariableSize = 2 ** 19;

  readonly largeVariableSize: number;
  /** Small variables' moments, one after another in the order of `flatIndices`. */
  private flatMoments: AdamMoments | undefined;
  /** Large variables' moments, by position in `names`. */
  private ownMoments: ReadonlyMap<number, AdamMoments> = new Map();
  /** The borrower's `reclaim` while the moments are lent to a compiled step. */
  private loan: (() => VariableMoments) | undefined;
  /** Moments from `setWeights` not yet laid out (the gradients' order is not known yet). */
  private restored: RestoredMoments | undefined;
  private names: readonly string[] = [];
  private flatIndices: readonly number[] = [];
  /** β₁ᵗ and β₂ᵗ as float32 numbers, with the data the variables held when they were read. */
  private powers:
    | { readonly values: [number, number]; readonly of: [tf.DataId, tf.DataId] }
    | undefined;
  readonly accBeta1: tf.Variable;
  readonly accBeta2: tf.Variable;

  constructor(
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
    options: FlatAdamOptions = {},
  ) {
    super();
    const largeVariableSize =
      options.largeVariableSize ?? FlatAdamOptimizer.defaultLargeVariableSize;
    if (!(largeVariableSize >= 1)) {
      throw new InvalidArgumentError({
        functionName: 'FlatAdamOptimizer',
        parameter: 'options.largeVariableSize',
        value: largeVariableSize,
        expected: 'a number of entries ≥ 1 (Infinity: every variable in the flat buffer)',
      });
    }
    this.largeVariableSize = largeVariableSize;
    this.accBeta1 = tf.tidy(() => tf.scalar(beta1).variable(false));
    this.accBeta2 = tf.tidy(() => tf.scalar(beta2).variable(false));
  }

  override applyGradients(gradients: tf.NamedTensorMap | NamedTensor[]): void {
    this.settleLoan();
    const named = Array.isArray(gradients)
      ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor]))
      : gradients;
    if (this.names.length === 0) this.allocate(Object.keys(named));
    const variables = this.names.map(
      (name) => tf.engine().registeredVariables[name] as tf.Variable,
    );
    const parameters = this.stepParameters();
    if (this.flatMoments !== undefined) {
      const small = this.flatIndices.map((k) => variables[k] as tf.Variable);
      const smallGradients = this.flatIndices.map((k) => named[this.names[k] as string]);
      this.flatMoments.update(small, smallGradients, parameters);
    }
    for (const [k, moments] of this.ownMoments) {
      const gradient = named[this.names[k] as string];
      if (gradient != null) moments.update([variables[k] as tf.Variable], [gradient], parameters);
    }
    this.completeStep();
  }

  /**
   * The next step's parameters: 1 − βᵗ in float32, as tf.sub(1, accBeta) computes it, uploaded
   * instead of a kernel each.
   */
  private stepParameters(): AdamStepParameters {
    const [power1, power2] = this.betaPowers();
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: Math.fround(1 - power1),
      correction2: Math.fround(1 - power2),
    };
  }

  /** Counts a step and moves β₁ᵗ, β₂ᵗ on (float32 products, as tf.mul(accBeta, β) gives). */
  private completeStep(): void {
    const [power1, power2] = this.betaPowers();
    this.setBetaPowers(
      Math.fround(power1 * Math.fround(this.beta1)),
      Math.fround(power2 * Math.fround(this.beta2)),
    );
    this.incrementIterations();
  }

  /**
   * Each variable's moments now (new tensors shaped as the variables, in the optimiser's order,
   * with its names), or undefined before the first step (the order is not known yet), with
   * restored moments not yet laid out, or where the moments are not held by TensorFlow.
   */
  variableMoments():
    | { readonly names: readonly string[]; readonly moments: VariableMoments }
    | undefined {
    this.settleLoan();
    const stores = this.nativeStores();
    if (stores === undefined) return undefined;
    const variables = this.names.map(
      (name) => tf.engine().registeredVariables[name] as tf.Variable,
    );
    const moments: { m: tf.Tensor; v: tf.Tensor }[] = [];
    for (const [indices, store] of stores) {
      const { m, v } = store.read();
      tf.tidy(() => {
        const sizes = indices.map((k) => (variables[k] as tf.Variable).size);
        const [ms, vs] = [m, v].map((t) =>
          indices.length === 1 ? [t.clone()] : tf.split(tf.reshape(t, [-1]), sizes),
        ) as [tf.Tensor[], tf.Tensor[]];
        indices.forEach((k, j) => {
          const shape = (variables[k] as tf.Variable).shape;
          moments[k] = {
            m: tf.keep(tf.reshape(ms[j] as tf.Tensor, shape)),
            v: tf.keep(tf.reshape(vs[j] as tf.Tensor, shape)),
          };
        });
      });
      tf.dispose([m, v]);
    }
    return { names: this.names, moments };
  }

  /**
   * Lends the moments to a compiled training step that updates them itself (on tfjs-node, in a
   * TensorFlow session, with `ResourceApplyAdam` as this optimiser would run it). Until the loan
   * ends, {@link lentStep} gives each step's operands; any other use of the optimiser
   * (`applyGradients`, `getWeights`, `setWeights`, `variableMoments`) first takes the moments back
   * through `reclaim` (each variable's moments, in this optimiser's order, as new tensors it
   * takes), and `dispose` ends the loan without them. Returns false, lending nothing, where
   * {@link variableMoments} would be undefined.
   */
  lendMoments(reclaim: () => VariableMoments): boolean {
    this.settleLoan();
    if (this.nativeStores() === undefined) return false;
    this.loan = reclaim;
    return true;
  }

  /** Whether the moments are lent out under `reclaim` (the loan has not ended since). */
  isLentTo(reclaim: () => VariableMoments): boolean {
    return this.loan === reclaim;
  }

  /**
   * `ResourceApplyAdam`'s scalar operands of the next step (β₁ᵗ, β₂ᵗ, lr, β₁, β₂, ε̂), as
   * `NativeAdamMoments` passes them.
   */
  stepScalars(): number[] {
    return resourceAdamScalars(this.stepParameters());
  }

  /** The next step's operands while the moments are lent out (see {@link LentAdamStep}). */
  lentStep(reclaim: () => VariableMoments): LentAdamStep | undefined {
    if (this.loan !== reclaim) return undefined;
    return { scalars: this.stepScalars(), complete: () => this.completeStep() };
  }

  /** The moment stores with the variables they cover, when TensorFlow holds every one. */
  private nativeStores(): [readonly number[], NativeAdamMoments][] | undefined {
    if (this.names.length === 0 || this.restored !== undefined) return undefined;
    const stores: [readonly number[], AdamMoments][] = [
      ...(this.flatMoments === undefined
        ? []
        : [[this.flatIndices, this.flatMoments] as [readonly number[], AdamMoments]]),
      ...[...this.ownMoments].map(
        ([k, moments]) => [[k], moments] as [readonly number[], AdamMoments],
      ),
    ];
    return stores.every(([, store]) => store instanceof NativeAdamMoments)
      ? (stores as [readonly number[], NativeAdamMoments][])
      : undefined;
  }

  /** Ends a loan: the borrower's moments written back into the stores. */
  private settleLoan(): void {
    const reclaim = this.loan;
    if (reclaim === undefined) return;
    this.loan = undefined;
    const moments = reclaim();
    try {
      for (const [indices, store] of this.nativeStores() ?? []) {
        const shape = store.momentShape;
        const [m, v] = (['m', 'v'] as const).map((which) =>
          tf.tidy(() =>
            tf.reshape(
              tf.concat(
                indices.map((k) =>
                  tf.reshape((moments[k] as VariableMoments[number])[which], [-1]),
                ),
              ),
              shape,
            ),
          ),
        ) as [tf.Tensor, tf.Tensor];
        store.write(m, v);
        tf.dispose([m, v]);
      }
    } finally {
      tf.dispose(moments.flatMap(({ m, v }) => [m, v]));
    }
  }

  /**
   * β₁ᵗ and β₂ᵗ: read from `accBeta1`/`accBeta2` only when something else assigned them since
   * this optimiser last did (`setWeights`, a checkpoint restore), so a step reads nothing back.
   */
  private betaPowers(): [number, number] {
    const { accBeta1, accBeta2 } = this;
    if (this.powers?.of[0] !== accBeta1.dataId || this.powers.of[1] !== accBeta2.dataId) {
      this.powers = {
        values: [accBeta1.dataSync()[0] as number, accBeta2.dataSync()[0] as number],
        of: [accBeta1.dataId, accBeta2.dataId],
      };
    }
    return this.powers.values;
  }

  /** The next βᵗ (float32 products, as tf.mul(accBeta, β) gives), assigned without a kernel. */
  private setBetaPowers(power1: number, power2: number): void {
    tf.tidy(() => {
      this.accBeta1.assign(tf.scalar(power1));
      this.accBeta2.assign(tf.scalar(power2));
    });
    this.powers = { values: [power1, power2], of: [this.accBeta1.dataId, this.accBeta2.dataId] };
  }

  /**
   * Fixes the order of the variables (that of the first gradients) and which of them are large,
   * and makes their moments: zeros, or those `setWeights` restored (a resumed run), whose sizes
   * must then match.
   */
  private allocate(names: readonly string[]): void {
    const variables = names.map((name) => {
      const variable = tf.engine().registeredVariables[name];
      if (variable === undefined) {
        throw new InvalidArgumentError({
          functionName: 'FlatAdamOptimizer.applyGradients',
          parameter: 'gradients',
          value: name,
          expected: 'gradients of registered variables',
        });
      }
      return variable;
    });
    const large = variables.map((w) => w.size >= this.largeVariableSize);
    const flatIndices = names.flatMap((_, k) => (large[k] ? [] : [k]));
    const pieces =
      this.restored === undefined ? undefined : restoredPieces(this.restored, variables);
    // Zeros, or the restored pieces: 1-D over `indices`, or shaped as the one large variable.
    const moments = (indices: readonly number[], shape?: readonly number[]): AdamMoments => {
      const { m, v } = tf.tidy(() => {
        const [m, v] = (['m', 'v'] as const).map((which) => {
          const total = indices.reduce((sum, k) => sum + (variables[k] as tf.Variable).size, 0);
          const flat =
            pieces === undefined
              ? tf.zeros([total])
              : tf.concat(indices.map((k) => tf.reshape(pieces[k]?.[which] as tf.Tensor, [-1])));
          return shape === undefined ? flat : tf.reshape(flat, [...shape]);
        });
        return { m: m as tf.Tensor, v: v as tf.Tensor };
      });
      return adamMoments(
        m,
        v,
        indices.map((k) => variables[k] as tf.Variable),
      );
    };
    const own = new Map(
      names.flatMap((_, k) =>
        large[k] ? [[k, moments([k], (variables[k] as tf.Variable).shape)] as const] : [],
      ),
    );
    const flat = flatIndices.length > 0 ? moments(flatIndices) : undefined;
    if (pieces !== undefined) tf.dispose(pieces.flatMap((piece) => [piece.m, piece.v]));
    this.disposeRestored();
    this.names = names;
    this.flatIndices = flatIndices;
    this.flatMoments = flat;
    this.ownMoments = own;
  }

  private disposeRestored(): void {
    if (this.restored === undefined) return;
    tf.dispose(momentTensors(this.restored.flat, this.restored.own));
    this.restored = undefined;
  }

  private disposeMoments(): void {
    this.flatMoments?.dispose();
    for (const moments of this.ownMoments.values()) moments.dispose();
    this.flatMoments = undefined;
    this.ownMoments = new Map();
  }

  override dispose(): void {
    this.loan = undefined;
    tf.dispose([this.accBeta1, this.accBeta2]);
    this.disposeMoments();
    this.disposeRestored();
  }

  /**
   * The iteration count, the β powers and the moments (`flat/m`, `flat/v`, `own/<k>/m`,
   * `own/<k>/v`): enough to resume bit for bit. The variables among them (β powers, moments held
   * as TF.js variables) are the optimiser's own; the other tensors are new and the caller's to
   * free: the count, and on tfjs-node, where TensorFlow holds the moments, their values read
   * into new tensors.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    this.settleLoan();
    const restored = this.restored;
    const flat = restored !== undefined ? restored.flat : this.flatMoments?.read();
    const own: [number, Moments][] =
      restored !== undefined
        ? [...restored.own]
        : [...this.ownMoments].map(([k, moments]) => [k, moments.read()]);
    const moments: NamedTensor[] = [
      ...(flat === undefined
        ? []
        : [
            { name: 'flat/m', tensor: flat.m },
            { name: 'flat/v', tensor: flat.v },
          ]),
      ...own.flatMap(([k, { m, v }]) => [
        { name: `own/${k}/m`, tensor: m },
        { name: `own/${k}/v`, tensor: v },
      ]),
    ];
    return [
      await this.saveIterations(),
      { name: 'accBeta1', tensor: this.accBeta1 },
      { name: 'accBeta2', tensor: this.accBeta2 },
      ...moments,
    ];
  }

  /**
   * Restores what `getWeights` gave, from this layout or another (another `largeVariableSize`, or
   * the all-flat `flat/m`, `flat/v` of earlier versions). Copies the tensors.
   */
  override async setWeights(weights: NamedTensor[]): Promise<void> {
    // The lent moments come back first: what is restored may not replace them all.
    this.settleLoan();
    const rest = await this.extractIterations(weights);
    const byName = new Map(rest.map((w) => [w.name, w.tensor]));
    tf.tidy(() => {
      this.accBeta1.assign(byName.get('accBeta1') as tf.Scalar);
      this.accBeta2.assign(byName.get('accBeta2') as tf.Scalar);
    });
    // Variables: getWeights hands them out as the optimiser's own until the layout is fixed.
    const copy = (m: tf.Tensor, v: tf.Tensor): Moments =>
      tf.tidy(() => ({ m: m.clone().variable(false), v: v.clone().variable(false) }));
    const flatM = byName.get('flat/m');
    const flatV = byName.get('flat/v');
    const own = new Map<number, Moments>();
    for (const [name, m] of byName) {
      const k = /^own\/(\d+)\/m$/.exec(name)?.[1];
      const v = byName.get(`own/${k}/v`);
      if (k !== undefined && v !== undefined) own.set(Number(k), copy(m, v));
    }
    const flat = flatM !== undefined && flatV !== undefined ? copy(flatM, flatV) : undefined;
    if (flat === undefined && own.size === 0) return;
    this.disposeRestored();
    this.restored = { flat, own };
    if (this.names.length > 0) {
      // Already running: lay the restored moments out now, in place of the current ones.
      this.disposeMoments();
      this.allocate(this.names);
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      largeVariableSize: this.largeVariableSize,
    };
  }
}

function momentTensors(flat: Moments | undefined, own: ReadonlyMap<number, Moments>): tf.Tensor[] {
  return [...(flat === undefined ? [] : [flat]), ...own.values()].flatMap(({ m, v }) => [m, v]);
}

/**
 * Each variable's moments out of restored ones (1-D or shaped as the variable; new tensors):
 * its own if it had them, otherwise its block of the restored flat buffer, in order.
 */
function restoredPieces(
  restored: RestoredMoments,
  variables: readonly tf.Variable[],
): { m: tf.Tensor; v: tf.Tensor }[] {
  const mismatch = (expected: string, value: unknown) =>
    new InvalidArgumentError({
      functionName: 'FlatAdamOptimizer.applyGradients',
      parameter: 'gradients',
      value,
      expected,
    });
  const flatSize = restored.flat?.m.size ?? 0;
  const inFlat = variables.reduce((sum, w, k) => sum + (restored.own.has(k) ? 0 : w.size), 0);
  if (inFlat !== flatSize) {
    throw mismatch(
      `gradients of the ${flatSize} parameters the restored flat moments hold (${inFlat} here)`,
      inFlat,
    );
  }
  for (const [k, { m }] of restored.own) {
    if (variables[k]?.size !== m.size) {
      throw mismatch(
        `a variable of ${m.size} parameters at position ${k}, as in the restored moments`,
        variables[k]?.size,
      );
    }
  }
  return tf.tidy(() => {
    let offset = 0;
    return variables.map((w, k) => {
      const own = restored.own.get(k);
      if (own !== undefined) return { m: own.m.clone(), v: own.v.clone() };
      const flat = restored.flat as Moments;
      const piece = {
        m: tf.slice(flat.m, [offset], [w.size]),
        v: tf.slice(flat.v, [offset], [w.size]),
      };
      offset += w.size;
      return piece;
    });
  });
}
