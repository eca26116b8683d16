/**
 * The training loop of the `@mi` packages: estimate reporting, diagnostics, checkpoints and resume.
 *
 * @packageDocumentation
 */
export {};
