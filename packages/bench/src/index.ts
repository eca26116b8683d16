/**
 * Benchmarks of the papers behind @mi: Gaussian staircase, one-hot drift, MI-NEE convergence, self-consistency, SLB/CLB.
 *
 * @packageDocumentation
 */
export {};
