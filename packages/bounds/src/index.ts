/**
 * Variational mutual-information bounds (DV, MINE, NWJ, TUBA, InfoNCE, JS, I_alpha, SMILE, ReMINE, MI-NEE) as plugins.
 *
 * @packageDocumentation
 */
export {};
