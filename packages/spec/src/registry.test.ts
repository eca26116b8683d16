import {
  createRegistry,
  DuplicatePluginError,
  InvalidArgumentError,
  MIError,
  NoSuchBoundError,
  NoSuchPluginError,
  type Plugin,
  UnsupportedSpecificationVersionError,
} from '@mi/spec';
import { describe, expect, it } from 'vitest';

const plugin = (id: string, extra: Partial<Plugin> = {}): Plugin => ({
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
