import { type BoundRegistry, createBoundRegistry } from '@mi/bounds';
import {
  builtinCritics,
  type CriticRegistry,
  createCriticRegistry,
  type NeuralCriticPlugin,
} from '@mi/critics';
import { type BoundPlugin, InvalidArgumentError } from '@mi/spec';
import { importPlugin, locatePlugin } from './plugin-source';

/** Registries with the built-ins and the plugins named with `--plugin`. */
export interface Registries {
  readonly bounds: BoundRegistry;
  readonly critics: CriticRegistry;
}

/**
 * Loads plugin packages (resolved from the current directory, as the user's own code would) or
 * files, and adds every exported plugin object to the registry of its `kind` (`'bound'` or
 * `'critic'`).
 */
export async function loadRegistries(
  plugins: readonly string[] = [],
  cwd = process.cwd(),
): Promise<Registries> {
  let bounds = createBoundRegistry();
  const extraCritics: NeuralCriticPlugin<never>[] = [];
  for (const name of plugins) {
    const module = await importPlugin(name, locatePlugin(name, cwd));
    let found = 0;
    for (const value of Object.values(module)) {
      if (!isPlugin(value)) continue;
      found += 1;
      if (value.kind === 'bound') bounds = bounds.with(value as unknown as BoundPlugin<never>);
      else extraCritics.push(value as unknown as NeuralCriticPlugin<never>);
    }
    if (found === 0) {
      throw new InvalidArgumentError({
        functionName: 'mi',
        parameter: '--plugin',
        value: name,
        expected:
          "a module that exports plugin objects ({ kind: 'bound' | 'critic', id, specificationVersion, create })",
        message: `--plugin ${name}: the module exports no plugin object ({ kind: 'bound' | 'critic', id, specificationVersion, create })`,
      });
    }
  }
  return { bounds, critics: createCriticRegistry([...builtinCritics, ...extraCritics]) };
}

function isPlugin(value: unknown): value is { kind: 'bound' | 'critic' } {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { kind?: unknown; specificationVersion?: unknown; create?: unknown };
  return (
    (candidate.kind === 'bound' || candidate.kind === 'critic') &&
    typeof candidate.specificationVersion === 'string' &&
    typeof candidate.create === 'function'
  );
}
