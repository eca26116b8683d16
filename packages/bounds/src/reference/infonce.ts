import { type ReferenceBound, trainedOnItsValue } from './reference-bound';
import { entry, logMeanExp, type Matrix, mean, transpose } from './score-matrix';

/** Which softmax InfoNCE normalises: each row (x against all y), each column, or both. */
export type InfoNCEReferenceDirection = 'rows' | 'columns' | 'symmetric';

/** Options of the {@link infoNCE} reference. */
export interface InfoNCEReferenceOptions {
  readonly direction?: InfoNCEReferenceDirection;
}

/** mean_i [S_ii − log mean_j e^{S_ij}], j over all n columns (i included). */
function byRows(S: Matrix): number {
  return mean(S.map((row, i) => entry(S, i, i) - logMeanExp(row)));
}

/**
 * I_NCE = mean_i [S_ii − log mean_j e^{S_ij}] (van den Oord et al. 2018; Poole et al. 2019,
 * Eq. 12): the mean over j includes j = i, so I_NCE ≤ log n. `columns` normalises each column
 * (each y against all x); `symmetric` is the mean of both.
 */
export function infoNCEValue(S: Matrix, direction: InfoNCEReferenceDirection = 'rows'): number {
  if (direction === 'rows') return byRows(S);
  if (direction === 'columns') return byRows(transpose(S));
  return (byRows(S) + byRows(transpose(S))) / 2;
}

/**
 * InfoNCE's log partition term along `direction`: the mean over rows (columns) of
 * log mean_j e^{S_ij}, the diagonal included; `symmetric` is the mean of both.
 */
export function infoNCELogPartition(
  S: Matrix,
  direction: InfoNCEReferenceDirection = 'rows',
): number {
  const rows = (M: Matrix) => mean(M.map((row) => logMeanExp(row)));
  if (direction === 'rows') return rows(S);
  if (direction === 'columns') return rows(transpose(S));
  return (rows(S) + rows(transpose(S))) / 2;
}

/** InfoNCE: estimate I_NCE, loss −I_NCE with its own gradient. */
export function infoNCE(options: InfoNCEReferenceOptions = {}): ReferenceBound {
  return trainedOnItsValue((S) => infoNCEValue(S, options.direction ?? 'rows'));
}

/**
 * I_TNCE (Poole et al. 2019 §2.5) with the critic S_ij = log q(y_j | x_i): for each y_j, the log
 * of q(y_j | x_j) over the batch mixture 1/n Σ_i q(y_j | x_i), averaged over j.
 */
function tnceValue(S: Matrix): number {
  const n = S.length;
  const indices = Array.from({ length: n }, (_, k) => k);
  return mean(indices.map((j) => entry(S, j, j) - logMeanExp(indices.map((i) => entry(S, i, j)))));
}

/** TNCE: estimate I_TNCE, loss −I_TNCE with its own gradient. */
export function tnce(): ReferenceBound {
  return trainedOnItsValue(tnceValue);
}
