import {
  type BoundPlugin,
  createRegistry,
  NoSuchBoundError,
  type RegisterOptions,
  type Registry,
} from '@mi/spec';
import { ccmiPlugin } from './plugins/ccmi';
import { donskerVaradhanPlugin } from './plugins/dv';
import { infoNCEPlugin } from './plugins/infonce';
import { interpolatedPlugin } from './plugins/interpolated';
import { jensenShannonPlugin } from './plugins/js';
import { minePlugin } from './plugins/mine';
import { mineePlugin } from './plugins/minee';
import { nwjPlugin } from './plugins/nwj';
import {
  reinfoncePlugin,
  rejsPlugin,
  remineJointPlugin,
  reminePlugin,
  renwjPlugin,
  resmilePlugin,
  retubaPlugin,
} from './plugins/regularized-bounds';
import { smileDvPlugin, smilePlugin } from './plugins/smile';
import { tncePlugin } from './plugins/tnce';
import { tubaPlugin } from './plugins/tuba';

/** A registry of bound plugins. */
export type BoundRegistry = Registry<BoundPlugin<never>>;

/**
 * Every bound of the five papers, then the baselines of ReMINE's Table 1 (CCMI, TNCE), in the
 * order `mi bounds` lists them. A plain array: importing this package registers nothing; pass it
 * to {@link createBoundRegistry}.
 */
export const builtinBounds: readonly BoundPlugin<never>[] = [
  donskerVaradhanPlugin,
  minePlugin,
  nwjPlugin,
  tubaPlugin,
  infoNCEPlugin,
  jensenShannonPlugin,
  interpolatedPlugin,
  smilePlugin,
  smileDvPlugin,
  reminePlugin,
  remineJointPlugin,
  renwjPlugin,
  resmilePlugin,
  reinfoncePlugin,
  retubaPlugin,
  rejsPlugin,
  mineePlugin,
  ccmiPlugin,
  tncePlugin,
] as readonly BoundPlugin<never>[];

/**
 * A registry of bounds. Unknown ids throw `NoSuchBoundError` listing the known ids; duplicate ids
 * throw unless `{ override: true }`; plugins must declare `specificationVersion: 'v1'`.
 *
 * @example
 * ```ts
 * const bounds = createBoundRegistry(builtinBounds).with(myBoundPlugin);
 * const bound = bounds.get('smile').create({ tau: 5 });
 * ```
 */
export function createBoundRegistry(
  plugins: readonly BoundPlugin<never>[] = builtinBounds,
  options: RegisterOptions = {},
): BoundRegistry {
  return createRegistry('bound', plugins, {
    ...options,
    notFound: (id, knownIds) => new NoSuchBoundError({ id, knownIds }),
  });
}
