/** The plugin contract version this copy of `@mi/spec` implements. */
export const SPECIFICATION_VERSION = 'v1' as const;

/** Versions that registries accept. */
export const SUPPORTED_SPECIFICATION_VERSIONS: readonly string[] = [SPECIFICATION_VERSION];

/** A paper a plugin implements, cited in its documentation and in reports. */
export interface PaperReference {
  /** Short citation, e.g. `Song & Ermon 2020`. */
  readonly citation: string;
  /** Title of the paper. */
  readonly title: string;
  /** Authors, as the paper lists them (`Anonymous` for a submission under review). */
  readonly authors?: string;
  /** Year of the venue (or of the preprint). */
  readonly year?: number;
  /** Where it appeared: `ICLR 2020`, `UAI 2022`, `arXiv preprint`. */
  readonly venue?: string;
  /** Where in the paper: `§5, Eq. 17`. */
  readonly location?: string;
  /** A stable link (arXiv, proceedings). */
  readonly url?: string;
}

/** The kinds of plugin: a variational bound or a critic network. */
export type PluginKind = 'bound' | 'critic';

/**
 * What every plugin object has: an id, the contract version it was written against, a display
 * name and its references. Plugins are plain objects; registries are explicit
 * (see {@link createRegistry}); importing a package registers nothing.
 */
export interface Plugin {
  /** What the plugin provides; registries and `--plugin` sort plugins by it. */
  readonly kind: PluginKind;
  /** Kebab-case id used on the command line and in configs: `infonce`, `smile`. */
  readonly id: string;
  /** Alternative ids (`mine-f` for `nwj`). */
  readonly aliases?: readonly string[];
  /** The contract version: `'v1'`. */
  readonly specificationVersion: string;
  /** Human-readable name for reports: `InfoNCE`, `SMILE (τ = 5)`. */
  readonly displayName: string;
  /** One-paragraph description, with the formula in plain text. */
  readonly description: string;
  /** The papers the plugin implements. */
  readonly references: readonly PaperReference[];
}
