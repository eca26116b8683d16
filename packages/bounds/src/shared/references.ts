import type { PaperReference } from '@mi/spec';

/** The papers the built-in bounds come from. */
export const references = {
  mine: {
    citation: 'Belghazi et al. 2018',
    title: 'Mutual Information Neural Estimation',
    url: 'https://arxiv.org/abs/1801.04062',
  },
  smile: {
    citation: 'Song & Ermon 2020',
    title: 'Understanding the Limitations of Variational Mutual Information Estimators',
    url: 'https://arxiv.org/abs/1910.06222',
  },
  poole: {
    citation: 'Poole et al. 2019',
    title: 'On Variational Bounds of Mutual Information',
    url: 'https://arxiv.org/abs/1905.06922',
  },
  nwj: {
    citation: 'Nguyen, Wainwright & Jordan 2010',
    title: 'Estimating divergence functionals and the likelihood ratio by convex risk minimization',
  },
  infoNCE: {
    citation: 'van den Oord et al. 2018',
    title: 'Representation Learning with Contrastive Predictive Coding',
    url: 'https://arxiv.org/abs/1807.03748',
  },
  remine: {
    citation: 'ReMINE 2021',
    title: 'Regularized Mutual Information Neural Estimation (ICLR 2021 submission)',
  },
  choiLee: {
    citation: 'Choi & Lee 2022',
    title: 'Combating the Instability of Mutual Information-based Losses via Regularization',
    url: 'https://arxiv.org/abs/2011.07932',
  },
  minee: {
    citation: 'Chan et al. 2019',
    title: 'Neural Entropic Estimation: A faster path to mutual information estimation',
    url: 'https://arxiv.org/abs/1905.12957',
  },
} satisfies Record<string, PaperReference>;
