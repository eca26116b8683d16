import { type AdamUpdate, concatFlat, fusedAdamUpdate, splitAdd } from '@mi/core';
import { InvalidArgumentError } from '@mi/spec';
import * as tf from '@tensorflow/tfjs-core';

/** A tensor with the name of the variable or slot it belongs to (as `tf.Optimizer` uses them). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer['getWeights']>>[number];

/** The first and second moments of some parameters. */
interface Moments {
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

/**
 * Moments as `setWeights` restored them, before the first gradients fix the layout: `flat` holds
 * the variables that `own` (keyed by position in the gradients' order) does not, one after another.
 */
interface RestoredMoments {
  readonly flat: Moments | undefined;
  readonly own: ReadonlyMap<number, Moments>;
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
 * their update costs a fixed number of kernels whatever the number of variables, instead of about
 * seventeen per variable as TF.js's `tf.train.adam` does. On cpu and wasm it is one kernel,
 * `@mi/core`'s `fusedAdamUpdate`: one loop (JavaScript on cpu, WebAssembly SIMD on wasm) that
 * reads each gradient and variable where it lies and writes the new moments and values (assigned
 * without a kernel). Elsewhere it is 15: the gradients go into the buffer and the update out of
 * it through `@mi/core`'s `concatFlat` and `splitAdd`, one kernel each, around Adam's 13
 * element-wise kernels. The bias corrections 1 − βᵗ are float32 numbers computed in JavaScript. On
 * small critics (the separable one has 12 variables) the optimiser's kernel dispatches, not its
 * arithmetic, dominate a step.
 *
 * ```
 * g = concat(flatten(∇θ₁), …, flatten(∇θ_k))
 * m ← β₁ m + (1 − β₁) g        v ← β₂ v + (1 − β₂) g²
 * θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * ```
 *
 * Variables of at least `largeVariableSize` entries (the 6272 × 1024 dense layer of the image
 * critics) keep moments of their own and take the same operations by themselves (one kernel each
 * on cpu and wasm, 14 elsewhere): where the composed kernels run, the two copies through the
 * flat buffer cost more than the dispatches they save.
 *
 * Element by element these are the operations `tf.train.adam` performs, in the same order, so the
 * two give the same weights bit for bit. A missing gradient: a large variable is left alone (its
 * weights and moments), as `tf.train.adam` does; a small one gets a zero gradient (its moments
 * decay and its weights move by what they still hold).
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
   * The default `largeVariableSize`, 2¹⁹ entries: where a variable updated by itself (14 more
   * kernel dispatches) starts to be as fast as through the flat buffer (the copies it saves) on
   * tfjs-node; beyond it 5–15 % faster (a 6.4 M-entry layer: ~3–8 ms of ~45–55 ms). On cpu and
   * wasm, where one kernel reads every variable in place, it only sets the number of kernel
   * calls. The dense critics' layers (256 × 256 and below) and the image critics' second
   * convolution (204 800) stay in the flat buffer; their 6272 × 1024 dense layer does not.
   */
  static readonly defaultLargeVariableSize = 2 ** 19;

  readonly largeVariableSize: number;
  /** Small variables' moments, one after another in the order of `flatIndices`. */
  private flatMoments: Moments | undefined;
  /** Large variables' moments, by position in `names`. */
  private ownMoments: ReadonlyMap<number, Moments> = new Map();
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
    const named = Array.isArray(gradients)
      ? Object.fromEntries(gradients.map((g) => [g.name, g.tensor]))
      : gradients;
    if (this.names.length === 0) this.allocate(Object.keys(named));
    const variables = this.names.map(
      (name) => tf.engine().registeredVariables[name] as tf.Variable,
    );
    // 1 − βᵗ in float32, as tf.sub(1, accBeta) computes it, uploaded instead of a kernel each.
    const [power1, power2] = this.betaPowers();
    const corrections: Corrections = [Math.fround(1 - power1), Math.fround(1 - power2)];
    if (this.flatMoments !== undefined) {
      const small = this.flatIndices.map((k) => variables[k] as tf.Variable);
      const smallGradients = this.flatIndices.map((k) => named[this.names[k] as string]);
      this.updateFlat(this.flatMoments, small, smallGradients, corrections);
    }
    for (const [k, moments] of this.ownMoments) {
      const gradient = named[this.names[k] as string];
      if (gradient != null) {
        this.updateOwn(moments, variables[k] as tf.Variable, gradient, corrections);
      }
    }
    this.setBetaPowers(
      Math.fround(power1 * Math.fround(this.beta1)),
      Math.fround(power2 * Math.fround(this.beta2)),
    );
    this.incrementIterations();
  }

  /**
   * The small variables through the flat buffer, whatever their number: one kernel on cpu and
   * wasm, 15 elsewhere.
   */
  private updateFlat(
    moments: Moments,
    variables: readonly tf.Variable[],
    gradients: readonly (tf.Tensor | null | undefined)[],
    corrections: Corrections,
  ): void {
    const fused = this.fused(moments, gradients, variables, corrections);
    if (fused !== undefined) {
      assignUpdate(moments, variables, fused);
      return;
    }
    tf.tidy(() => {
      const flat = concatFlat(variables.map((w, k) => gradients[k] ?? tf.zerosLike(w)));
      const step = this.adamStep(moments, flat, corrections);
      flat.dispose();
      const updated = splitAdd(step as tf.Tensor1D, variables);
      step.dispose();
      variables.forEach((w, k) => {
        w.assign(updated[k] as tf.Tensor);
      });
    });
  }

  /**
   * A large variable by itself, with the same operations as the flat buffer: one kernel on cpu
   * and wasm, 14 elsewhere.
   */
  private updateOwn(
    moments: Moments,
    variable: tf.Variable,
    gradient: tf.Tensor,
    corrections: Corrections,
  ): void {
    const fused = this.fused(moments, [gradient], [variable], corrections);
    if (fused !== undefined) {
      assignUpdate(moments, [variable], fused);
      return;
    }
    tf.tidy(() => {
      const step = this.adamStep(moments, gradient, corrections);
      // θ + step, as splitAdd and tf.train.adam add them.
      const updated = tf.add(step, variable);
      step.dispose();
      variable.assign(updated);
    });
  }

  /**
   * `@mi/core`'s one-pass Adam kernel, on cpu and wasm; undefined elsewhere (and on wasm where its
   * SIMD module cannot run: the threaded build's shared memory, an engine without WebAssembly
   * SIMD), where the composed kernels take over. On wasm its SIMD loop is 2.7–4.8× faster than
   * the backend's 13 SIMD kernels (and the flat buffer's two copies): 159 K parameters in 12
   * variables 0.95–1.17 → 0.22–0.25 ms, a 6.4 M-entry variable 68–99 → 26–27 ms, a
   * separable-critic step 6.3–6.8 → 5.2–5.9 ms. On cpu, whose own kernels are JavaScript loops
   * too, its JavaScript loop is 12–15× faster (37–41 → 2.9–3.1 ms; 2.0 s → 0.13 s), a
   * separable-critic step 142 → 103 ms. (Medians of interleaved runs on 2 cores shared with
   * another job.)
   */
  private fused(
    { m, v }: Moments,
    gradients: readonly (tf.Tensor | null | undefined)[],
    variables: readonly tf.Variable[],
    [correction1, correction2]: Corrections,
  ): AdamUpdate | undefined {
    const { learningRate, beta1, beta2, epsilon } = this;
    return fusedAdamUpdate(m, v, gradients, variables, {
      learningRate,
      beta1,
      beta2,
      epsilon,
      correction1,
      correction2,
    });
  }

  /**
   * Updates the moments with gradient `g` and returns the step −lr · m̂ / (√v̂ + ε), in
   * `tf.train.adam`'s order of operations. Does not dispose `g`. Each intermediate is freed as
   * soon as the next op has read it: the allocator then hands the next op a buffer still in cache.
   * On the separable critic (159 K parameters, ~15 live buffers of 636 KB otherwise) this halves
   * the update on tfjs-node (~2.1 → ~1.0 ms).
   */
  private adamStep({ m, v }: Moments, g: tf.Tensor, [correction1, correction2]: Corrections) {
    const consume = <T extends tf.Tensor>(result: T, ...inputs: tf.Tensor[]): T => {
      tf.dispose(inputs);
      return result;
    };
    const scaled = tf.mul(g, 1 - this.beta1);
    const squared = tf.square(g);
    const decayedM = tf.mul(m, this.beta1);
    const newM = consume(tf.add(decayedM, scaled), decayedM, scaled);
    const scaledSquare = consume(tf.mul(squared, 1 - this.beta2), squared);
    const decayedV = tf.mul(v, this.beta2);
    const newV = consume(tf.add(decayedV, scaledSquare), decayedV, scaledSquare);
    m.assign(newM);
    v.assign(newV);
    const mHat = consume(tf.div(newM, correction1), newM);
    const vHat = consume(tf.div(newV, correction2), newV);
    const root = consume(tf.sqrt(vHat), vHat);
    const denominator = consume(tf.add(root, this.epsilon), root);
    const ratio = consume(tf.div(mHat, denominator), mHat, denominator);
    return consume(tf.mul(ratio, -this.learningRate), ratio);
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
    const moments = (indices: readonly number[]): Moments =>
      tf.tidy(() => {
        const total = indices.reduce((sum, k) => sum + (variables[k] as tf.Variable).size, 0);
        const [m, v] = (['m', 'v'] as const).map((which) =>
          pieces === undefined
            ? tf.zeros([total])
            : tf.concat(indices.map((k) => tf.reshape(pieces[k]?.[which] as tf.Tensor, [-1]))),
        );
        return { m: (m as tf.Tensor).variable(false), v: (v as tf.Tensor).variable(false) };
      });
    const own = new Map(
      names.flatMap((_, k) => {
        if (!large[k]) return [];
        const variable = variables[k] as tf.Variable;
        const piece = pieces?.[k];
        const shaped = (t: tf.Tensor | undefined) =>
          (t === undefined ? tf.zerosLike(variable) : tf.reshape(t, variable.shape)).variable(
            false,
          );
        const pair = tf.tidy(() => ({ m: shaped(piece?.m), v: shaped(piece?.v) }));
        return [[k, pair] as const];
      }),
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

  override dispose(): void {
    tf.dispose([this.accBeta1, this.accBeta2]);
    tf.dispose(momentTensors(this.flatMoments, this.ownMoments));
    this.disposeRestored();
  }

  /**
   * The iteration count, the β powers and the moments (`flat/m`, `flat/v`, `own/<k>/m`,
   * `own/<k>/v`): enough to resume bit for bit. The tensors are the optimiser's, but the count.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const { flat, own } =
      this.restored ?? ({ flat: this.flatMoments, own: this.ownMoments } as RestoredMoments);
    const moments: NamedTensor[] = [
      ...(flat === undefined
        ? []
        : [
            { name: 'flat/m', tensor: flat.m },
            { name: 'flat/v', tensor: flat.v },
          ]),
      ...[...own].flatMap(([k, { m, v }]) => [
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
    const rest = await this.extractIterations(weights);
    const byName = new Map(rest.map((w) => [w.name, w.tensor]));
    tf.tidy(() => {
      this.accBeta1.assign(byName.get('accBeta1') as tf.Scalar);
      this.accBeta2.assign(byName.get('accBeta2') as tf.Scalar);
    });
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
      tf.dispose(momentTensors(this.flatMoments, this.ownMoments));
      this.flatMoments = undefined;
      this.ownMoments = new Map();
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

/** 1 − β₁ᵗ and 1 − β₂ᵗ as float32 numbers. */
type Corrections = readonly [number, number];

/** Assigns (swaps the data, no kernel) the fused update's outputs, then frees their handles. */
function assignUpdate(
  { m, v }: Moments,
  variables: readonly tf.Variable[],
  update: AdamUpdate,
): void {
  m.assign(update.m);
  v.assign(update.v);
  variables.forEach((w, k) => {
    w.assign(update.values[k] as tf.Tensor);
  });
  tf.dispose([update.m, update.v, ...update.values]);
}

function momentTensors(
  flat: Moments | undefined,
  own: ReadonlyMap<number, Moments>,
): tf.Variable[] {
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
