/**
 * The `mi` command: estimate mutual information on your data and run the benchmarks of the
 * papers. The package's API is the program builder, for embedding or testing the CLI.
 *
 * @packageDocumentation
 */
export { createProgram } from './program';
export { CLI_VERSION } from './version';
