import { papers } from '@mi/core';
import type { PaperReference } from '@mi/spec';

/**
 * The papers the built-in bounds come from: the shared catalogue of `@mi/core`, plus the
 * baselines that only the bounds cite (paper 000's comparison table cites CCMI).
 */
export const references = {
  ...papers,
  ccmi: {
    citation: 'Mukherjee, Asnani & Kannan 2020',
    title: 'CCMI: Classifier based Conditional Mutual Information Estimation',
    authors: 'Mukherjee, Asnani, Kannan',
    year: 2020,
    venue: 'UAI 2019 (PMLR 115)',
    url: 'https://arxiv.org/abs/1906.01824',
  },
} as const satisfies Record<string, PaperReference>;
