import { jensenShannonObjective } from './jensen-shannon';
import { type ReferenceBound, trainedOnItsValue } from './reference-bound';
import {
  jointMean,
  logPartitionOffDiagonal,
  logPartitionOver,
  type MarginalsReference,
  type Matrix,
  mapEntries,
} from './score-matrix';

/**
 * I_NWJ = E_d[S] − E_o[e^{S−1}] (Nguyen et al. 2010; MINE-f, Belghazi et al. 2018 §3.1), with the
 * partition term on scores clipped at ±clip when given. E_o[e^{S−1}] is exp(log E_o[e^S] − 1).
 */
export function nwjValue(S: Matrix, clip = Number.POSITIVE_INFINITY): number {
  return jointMean(S) - Math.exp(logPartitionOffDiagonal(S, clip) - 1);
}

/**
 * I_NWJ with E_o over the chosen marginal samples: all off-diagonal pairs, or the n shifted pairs,
 * E_o[e^{S−1}] = 1/n Σ_i e^{S_i,(i+1) mod n − 1} (clipped at ±clip when given).
 */
export function nwjValueOver(
  S: Matrix,
  marginals: MarginalsReference = 'all-pairs',
  clip = Number.POSITIVE_INFINITY,
): number {
  return jointMean(S) - Math.exp(logPartitionOver(S, marginals, clip) - 1);
}

/** Options of the {@link nwj} reference. */
export interface NwjReferenceOptions {
  readonly clip?: number;
  readonly marginals?: MarginalsReference;
}

/** NWJ (alias MINE-f): estimate I_NWJ, loss −I_NWJ with its own gradient. */
export function nwj(options: NwjReferenceOptions = {}): ReferenceBound {
  return trainedOnItsValue((S) => nwjValueOver(S, options.marginals, options.clip));
}

/** Options of the {@link tuba} reference. */
export interface TubaReferenceOptions {
  /** log a(y): one constant (default 0), or one value per column j (a learned baseline). */
  readonly logBaseline?: number | readonly number[];
}

/** S_ij − log a(y_j): the scores less the baseline of their column (columns index y). */
export function lessBaseline(S: Matrix, logBaseline: number | readonly number[] = 0): number[][] {
  return mapEntries(S, (value, _, j) => {
    const b = typeof logBaseline === 'number' ? logBaseline : logBaseline[j];
    if (b === undefined) throw new RangeError(`reference tuba: no log a(y_${j})`);
    return value - b;
  });
}

/**
 * I_TUBA = 1 + E_d[S − log a(y)] − E_o[e^{S − log a(y)}] (Poole et al. 2019, Eq. 7), with the
 * partition term on centred scores clipped at ±clip when given.
 */
export function tubaValue(
  S: Matrix,
  logBaseline: number | readonly number[] = 0,
  clip = Number.POSITIVE_INFINITY,
): number {
  const centred = lessBaseline(S, logBaseline);
  return 1 + jointMean(centred) - Math.exp(logPartitionOffDiagonal(centred, clip));
}

/** TUBA: estimate I_TUBA, loss −I_TUBA with its own gradient. */
export function tuba(options: TubaReferenceOptions = {}): ReferenceBound {
  return trainedOnItsValue((S) => tubaValue(S, options.logBaseline ?? 0));
}

/** What the JS-trained critic reports. */
export type JensenShannonReadout = 'nwj' | 'nwj-shifted';

/** Options of the {@link js} reference. */
export interface JensenShannonReferenceOptions {
  /**
   * `nwj` (default): NWJ(T) = E_d[S] − E_o[e^{S−1}], the value the papers' tables report;
   * `nwj-shifted`: NWJ(T + 1) = 1 + E_d[S] − E_o[e^S].
   */
  readonly readout?: JensenShannonReadout;
}

/** The value a JS-trained critic reports, per readout. */
export function jensenShannonReadout(S: Matrix, readout: JensenShannonReadout = 'nwj'): number {
  return readout === 'nwj' ? nwjValue(S) : 1 + jointMean(S) - Math.exp(logPartitionOffDiagonal(S));
}

/**
 * JS (Poole et al. 2019 §2.3; Song & Ermon 2020 §3): the critic is trained on the Jensen–Shannon
 * objective J and reports an NWJ value. Loss value −(reported), gradient that of −J.
 */
export function js(options: JensenShannonReferenceOptions = {}): ReferenceBound {
  const readout = options.readout ?? 'nwj';
  return {
    estimate: (S) => jensenShannonReadout(S, readout),
    loss: (S) => -jensenShannonReadout(S, readout),
    objective: (T) => -jensenShannonObjective(T),
  };
}
