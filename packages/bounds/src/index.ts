/**
 * Variational lower bounds on mutual information, each a plugin
 * `{ id, specificationVersion: 'v1', create(options) }` that turns a score matrix
 * `S[i][j] = T(x_i, y_j)` (diagonal = joint pairs) into `{ loss, estimate, terms, state }`, in nats.
 *
 * | id | bound | paper |
 * |---|---|---|
 * | `dv` | E_diag[T] − log mean_{i≠j} e^{S_ij} | Belghazi et al. 2018 |
 * | `mine` | DV value, moving-average gradient | Belghazi et al. 2018 §3.2 |
 * | `nwj` (`mine-f`) | E_diag[T] − e^{−1} mean_{i≠j} e^{S_ij} (optionally clipped) | Nguyen et al. 2010 |
 * | `tuba` | 1 + E_diag[T − log a] − mean_{i≠j} e^{S_ij − log a(y_j)} | Poole et al. 2019 |
 * | `infonce` | log n + mean_i [S_ii − logsumexp_j S_ij] | van den Oord et al. 2018 |
 * | `js` | JS-trained, NWJ of T reported (`readout: 'nwj-shifted'`: of T + 1) | Poole et al. 2019 |
 * | `interpolated` | I_α, leave-one-out baseline | Poole et al. 2019 |
 * | `smile`, `smile-dv` | DV with clipped partition term | Song & Ermon 2020 |
 * | `remine`, `remine-j` | DV + λ d(log partition, C) | ReMINE 2021 |
 * | `renwj`, `resmile`, `reinfonce`, `retuba`, `rejs` | regularised counterparts | Choi & Lee 2022 |
 * | `minee` | three DV divergences against uniform references | Chan et al. 2019 |
 * | `ccmi` | BCE-trained classifier; DV of its clipped log ratio logit(clip(σ(T), τ, 1 − τ)) | Mukherjee et al. 2020 |
 * | `tnce` | InfoNCE over x for each y, critic S_ij = log q(y_j ∣ x_i) (`conditional-gaussian`) | Poole et al. 2019 §2.5 |
 *
 * `dv`, `mine`, `nwj`, `remine`, `remine-j` and `renwj` take `marginals: 'all-pairs' | 'shifted'`: the
 * partition term over all off-diagonal pairs (default) or over the n pairs S_i,(i+1) mod n, one
 * marginal sample per joint sample as in the papers' experiments (`dv:marginals=shifted`).
 *
 * Plugin authors: `@mi/bounds/testing` has the conformance suite every built-in passes.
 *
 * @packageDocumentation
 */
export { type BoundValues, evaluateBound } from './evaluate-bound';
export { type CcmiOptions, ccmi, ccmiPlugin } from './plugins/ccmi';
export { type DonskerVaradhanOptions, donskerVaradhan, donskerVaradhanPlugin } from './plugins/dv';
export {
  type InfoNCEDirection,
  type InfoNCEOptions,
  infoNCE,
  infoNCEPlugin,
} from './plugins/infonce';
export { type InterpolatedOptions, interpolated, interpolatedPlugin } from './plugins/interpolated';
export { type JensenShannonOptions, jensenShannon, jensenShannonPlugin } from './plugins/js';
export { type MineOptions, mine, minePlugin } from './plugins/mine';
export { type MineeOptions, minee, mineePlugin } from './plugins/minee';
export { type NwjOptions, nwj, nwjPlugin } from './plugins/nwj';
export {
  type RemineOptions,
  reinfonce,
  reinfoncePlugin,
  rejs,
  rejsPlugin,
  remine,
  remineJoint,
  remineJointPlugin,
  reminePlugin,
  renwj,
  renwjPlugin,
  resmile,
  resmilePlugin,
  retuba,
  retubaPlugin,
} from './plugins/regularized-bounds';
export { type SmileOptions, smile, smileDv, smileDvPlugin, smilePlugin } from './plugins/smile';
export { type TnceOptions, tnce, tncePlugin } from './plugins/tnce';
export { type TubaOptions, tuba, tubaPlugin } from './plugins/tuba';
export { type BoundRegistry, builtinBounds, createBoundRegistry } from './registry';
export {
  type RegularizedPluginSpec,
  type RegularizerDistance,
  type RegularizerOptions,
  type ResolvedRegularizer,
  regularized,
  regularizedPlugin,
  resolveRegularizer,
} from './regularized';
export { type BoundDefinition, createBound, type RawBoundOutput } from './shared/create-bound';
export { jensenShannonObjective } from './shared/jensen-shannon';
export { MARGINAL_SAMPLINGS, type MarginalSampling } from './shared/terms';
