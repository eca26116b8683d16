/**
 * A Node module-resolution hook (registered with `module.register` by the CLI before it imports a
 * plugin): bare imports of `@mi/*` and `@tensorflow/*` from a plugin resolve to the host `mi`'s
 * own copies, as peer dependencies should. A plugin installed anywhere (its own folder, another
 * project) then shares the CLI's single tfjs-core, whose kernel registry and tensors it must use.
 */
interface HookData {
  /** A file URL inside the host, to resolve shared packages from. */
  readonly host: string;
}

type Resolve = (
  specifier: string,
  context: { parentURL?: string; conditions?: readonly string[] },
) => Promise<{ url: string; format?: string; shortCircuit?: boolean }>;

let host: string | undefined;

export async function initialize(data: HookData): Promise<void> {
  host = data.host;
}

export async function resolve(
  specifier: string,
  context: { parentURL?: string; conditions?: readonly string[] },
  nextResolve: Resolve,
): Promise<{ url: string; format?: string; shortCircuit?: boolean }> {
  if (host !== undefined && isShared(specifier)) {
    try {
      return await nextResolve(specifier, { ...context, parentURL: host });
    } catch {
      // Not a package the host has: the plugin's own resolution applies.
    }
  }
  return nextResolve(specifier, context);
}

/** The packages a plugin shares with the host instead of bringing its own copy. */
export function isShared(specifier: string): boolean {
  return specifier.startsWith('@mi/') || specifier.startsWith('@tensorflow/');
}
