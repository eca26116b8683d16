import type { PaperReference } from '@mi/spec';

/**
 * The papers the bounds, critics and benchmarks implement or compare against: one catalogue, so
 * every plugin and report cites a paper the same way. Plugins add a `location` (`§5, Eq. 17`)
 * with a spread: `{ ...papers.smile, location: '§5' }`.
 */
export const papers = {
  mine: {
    citation: 'Belghazi et al. 2018',
    title: 'Mutual Information Neural Estimation',
    authors: 'Belghazi, Baratin, Rajeswar, Ozair, Bengio, Courville, Hjelm',
    year: 2018,
    venue: 'ICML 2018',
    url: 'https://arxiv.org/abs/1801.04062',
  },
  smile: {
    citation: 'Song & Ermon 2020',
    title: 'Understanding the Limitations of Variational Mutual Information Estimators',
    authors: 'Song, Ermon',
    year: 2020,
    venue: 'ICLR 2020',
    url: 'https://arxiv.org/abs/1910.06222',
  },
  poole: {
    citation: 'Poole et al. 2019',
    title: 'On Variational Bounds of Mutual Information',
    authors: 'Poole, Ozair, van den Oord, Alemi, Tucker',
    year: 2019,
    venue: 'ICML 2019',
    url: 'https://arxiv.org/abs/1905.06922',
  },
  nwj: {
    citation: 'Nguyen, Wainwright & Jordan 2010',
    title: 'Estimating divergence functionals and the likelihood ratio by convex risk minimization',
    authors: 'Nguyen, Wainwright, Jordan',
    year: 2010,
    venue: 'IEEE Transactions on Information Theory',
  },
  infoNCE: {
    citation: 'van den Oord et al. 2018',
    title: 'Representation Learning with Contrastive Predictive Coding',
    authors: 'van den Oord, Li, Vinyals',
    year: 2018,
    venue: 'arXiv preprint',
    url: 'https://arxiv.org/abs/1807.03748',
  },
  remine: {
    citation: 'ReMINE 2021',
    title: 'Regularized Mutual Information Neural Estimation',
    authors: 'Anonymous',
    year: 2021,
    venue: 'ICLR 2021 submission',
  },
  choiLee: {
    citation: 'Choi & Lee 2022',
    title: 'Combating the Instability of Mutual Information-based Losses via Regularization',
    authors: 'Choi, Lee',
    year: 2022,
    venue: 'UAI 2022',
    url: 'https://arxiv.org/abs/2011.07932',
  },
  minee: {
    citation: 'Chan et al. 2019',
    title: 'Neural Entropic Estimation: A faster path to mutual information estimation',
    authors: 'Chan, Al-Bashabsheh, Huang, Lim, Tam, Zhao',
    year: 2019,
    venue: 'arXiv preprint',
    url: 'https://arxiv.org/abs/1905.12957',
  },
  resnet: {
    citation: 'He et al. 2016',
    title: 'Deep Residual Learning for Image Recognition',
    authors: 'He, Zhang, Ren, Sun',
    year: 2016,
    venue: 'CVPR 2016',
    url: 'https://arxiv.org/abs/1512.03385',
  },
} as const satisfies Record<string, PaperReference>;
