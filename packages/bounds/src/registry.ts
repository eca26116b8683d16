import {
  type BoundPlugin,
  createRegistry,
  NoSuchBoundError,
  type RegisterOptions,
  type Registry,
} from '@mi/spec';
import { donskerVaradhan } from './plugins/dv';
import { infoNCE } from './plugins/infonce';
import { interpolated } from './plugins/interpolated';
import { jensenShannon } from './plugins/js';
import { mine } from './plugins/mine';
import { minee } from './plugins/minee';
import { nwj } from './plugins/nwj';
import {
  reinfonce,
  rejs,
  remine,
  remineJoint,
  renwj,
  resmile,
  retuba,
} from './plugins/regularized-bounds';
import { smile, smileDv } from './plugins/smile';
import { tuba } from './plugins/tuba';

/** A registry of bound plugins. */
export type BoundRegistry = Registry<BoundPlugin<never>>;

/**
 * Every bound of the five papers, in the order `mi bounds` lists them. A plain array: importing
 * this package registers nothing; pass it to {@link createBoundRegistry}.
 */
export const builtinBounds: readonly BoundPlugin<never>[] = [
  donskerVaradhan,
  mine,
  nwj,
  tuba,
  infoNCE,
  jensenShannon,
  interpolated,
  smile,
  smileDv,
  remine,
  remineJoint,
  renwj,
  resmile,
  reinfonce,
  retuba,
  rejs,
  minee,
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
