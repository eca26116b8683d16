import {
  createRegistry,
  DuplicatePluginError,
  InvalidArgumentError,
  MIError,
  NoSuchBoundError,
  NoSuchPluginError,
  type Plugin,
  parsePluginSpec,
  splitPluginSpecs,
  UnsupportedSpecificationVersionError,
} from '@mi/spec';
import { describe, expect, it } from 'vitest';

const plugin = (id: string, extra: Partial<Plugin> = {}): Plugin => ({
  kind: 'bound',
  id,
  specificationVersion: 'v1',
  displayName: id.toUpperCase(),
  description: `the ${id} plugin`,
  references: [],
  ...extra,
});

describe('createRegistry', () => {
  it('looks plugins up by id and alias, in registration order', () => {
    const registry = createRegistry('bound', [
      plugin('nwj', { aliases: ['mine-f'] }),
      plugin('dv'),
    ]);
    expect(registry.ids()).toEqual(['nwj', 'dv']);
    expect(registry.get('mine-f').id).toBe('nwj');
    expect(registry.has('dv')).toBe(true);
    expect(registry.has('smile')).toBe(false);
  });

  it('lists the known ids when an id is unknown', () => {
    const registry = createRegistry('bound', [plugin('nwj'), plugin('dv')], {
      notFound: (id, knownIds) => new NoSuchBoundError({ id, knownIds }),
    });
    let caught: unknown;
    try {
      registry.get('mine-ff');
    } catch (error) {
      caught = error;
    }
    expect(NoSuchBoundError.isInstance(caught)).toBe(true);
    expect(NoSuchPluginError.isInstance(caught)).toBe(true);
    expect(MIError.isInstance(caught)).toBe(true);
    expect((caught as NoSuchBoundError).code).toBe('MI_NO_SUCH_BOUND');
    expect((caught as NoSuchBoundError).knownIds).toEqual(['nwj', 'dv']);
    expect((caught as Error).message).toBe("no bound named 'mine-ff'; known bounds: nwj, dv");
  });

  it('rejects duplicate ids and aliases unless overridden', () => {
    expect(() => createRegistry('bound', [plugin('nwj'), plugin('nwj')])).toThrow(
      "a bound named 'nwj' is already registered; pass { override: true } to replace it",
    );
    const base = createRegistry('bound', [plugin('nwj', { aliases: ['mine-f'] })]);
    expect(() => base.with(plugin('mine-f'))).toThrow(DuplicatePluginError);
    const replaced = base.with(plugin('nwj', { displayName: 'mine' }), { override: true });
    expect(replaced.get('nwj').displayName).toBe('mine');
    // The replaced plugin's alias goes with it.
    expect(replaced.has('mine-f')).toBe(false);
    // `with` leaves the original untouched.
    expect(base.get('nwj').displayName).toBe('NWJ');
  });

  it('rejects an unknown specification version with a typed error', () => {
    let caught: unknown;
    try {
      createRegistry('bound', [plugin('future', { specificationVersion: 'v2' })]);
    } catch (error) {
      caught = error;
    }
    expect(UnsupportedSpecificationVersionError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `bound plugin 'future' declares specificationVersion "v2"; this version of @mi supports 'v1'`,
    );
  });

  it('rejects ids that are not kebab-case', () => {
    expect(() => createRegistry('critic', [plugin('Joint Critic')])).toThrow(InvalidArgumentError);
  });
});

describe('Registry.resolve and fromConfig', () => {
  // A plugin whose product records the options it was created with.
  const made = (id: string) => ({
    ...plugin(id),
    create: (options?: Record<string, unknown>) => ({ made: id, options: options ?? {} }),
  });

  it('parses the spec and passes the typed options to create', () => {
    const registry = createRegistry('bound', [made('smile'), made('joint')]);
    expect(registry.resolve('smile:tau=5')).toEqual({ made: 'smile', options: { tau: 5 } });
    expect(registry.resolve('joint:hiddenUnits=512,512;seed=3')).toEqual({
      made: 'joint',
      options: { hiddenUnits: [512, 512], seed: 3 },
    });
    expect(registry.resolve('smile')).toEqual({ made: 'smile', options: {} });
  });

  it('rebuilds from { id, config } without sharing the caller’s objects', () => {
    const registry = createRegistry('bound', [made('joint')]);
    const config = { hiddenUnits: [4, 4] };
    const rebuilt = registry.fromConfig({ id: 'joint', config });
    expect(rebuilt.options).toEqual(config);
    expect(rebuilt.options['hiddenUnits']).not.toBe(config.hiddenUnits);
  });

  it('names unknown ids, malformed specs and malformed configs', () => {
    const registry = createRegistry('bound', [made('smile')], {
      notFound: (id, knownIds) => new NoSuchBoundError({ id, knownIds }),
    });
    expect(() => registry.resolve('nosuch:tau=1')).toThrow(NoSuchBoundError);
    expect(() => registry.resolve('smile:tau')).toThrow(/smile:tau/);
    expect(() => registry.resolve(':tau=1')).toThrow(InvalidArgumentError);
    expect(() => registry.fromConfig({ id: 'smile' } as never)).toThrow(/config \{ id, config \}/);
  });

  it('rejects a plugin of the other kind', () => {
    expect(() => createRegistry('critic', [plugin('nwj')])).toThrow(/not a critic plugin/);
  });
});

describe('parsePluginSpec and splitPluginSpecs', () => {
  it('reads numbers, booleans, infinities, lists and strings, and sorts the label', () => {
    const spec = parsePluginSpec('remine:lambda=0.5;distance=l1;debias=true;tau=inf;h=8,16');
    expect(spec.options).toEqual({
      lambda: 0.5,
      distance: 'l1',
      debias: true,
      tau: Number.POSITIVE_INFINITY,
      h: [8, 16],
    });
    expect(spec.label).toBe('remine:debias=true;distance=l1;h=8,16;lambda=0.5;tau=Infinity');
  });

  it('splits a list of specs at commas that start a new id only', () => {
    expect(splitPluginSpecs('smile:tau=5,infonce, joint:hiddenUnits=64,64,nwj')).toEqual([
      'smile:tau=5',
      'infonce',
      'joint:hiddenUnits=64,64',
      'nwj',
    ]);
  });
});
