import { builtinBounds, createBoundRegistry, nwjPlugin } from '@mi/bounds';
import {
  DuplicatePluginError,
  NoSuchBoundError,
  UnsupportedSpecificationVersionError,
} from '@mi/spec';
import { describe, expect, it } from 'vitest';

describe('createBoundRegistry', () => {
  it('finds every built-in by id and nwj by its alias mine-f', () => {
    const registry = createBoundRegistry(builtinBounds);
    for (const plugin of builtinBounds) expect(registry.get(plugin.id)).toBe(plugin);
    expect(registry.get('mine-f')).toBe(nwjPlugin);
  });

  it('throws NoSuchBoundError listing the known ids', () => {
    const registry = createBoundRegistry();
    let caught: unknown;
    try {
      registry.get('smiley');
    } catch (error) {
      caught = error;
    }
    expect(NoSuchBoundError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `no bound named 'smiley'; known bounds: ${builtinBounds.map((b) => b.id).join(', ')}`,
    );
  });

  it('rejects a duplicate unless overridden, and unknown specification versions', () => {
    const registry = createBoundRegistry();
    const impostor = { ...nwjPlugin, displayName: 'my NWJ' };
    expect(() => registry.with(impostor)).toThrow(DuplicatePluginError);
    expect(registry.with(impostor, { override: true }).get('nwj').displayName).toBe('my NWJ');
    expect(() =>
      registry.with({ ...nwjPlugin, id: 'nwj-2', aliases: [], specificationVersion: 'v0' }),
    ).toThrow(UnsupportedSpecificationVersionError);
  });
});
