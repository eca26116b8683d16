import { papers } from '@mi/core';

/** The papers the built-in bounds come from: the shared catalogue of `@mi/core`. */
export const references = papers;
