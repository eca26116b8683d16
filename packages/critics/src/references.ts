import type { PaperReference } from '@mi/spec';

/** Song & Ermon 2020 (paper 003). */
export const SONG_ERMON_2020: PaperReference = {
  citation: 'Song & Ermon 2020',
  title: 'Understanding the Limitations of Variational Mutual Information Estimators',
  location: 'App. B',
  url: 'https://arxiv.org/abs/1910.06222',
};

/** ReMINE (paper 000). */
export const REMINE_2021: PaperReference = {
  citation: 'ReMINE (ICLR 2021 submission)',
  title: 'Regularized Mutual Information Neural Estimation',
  location: '§3.1; §4 network settings; appendix (ResNet18)',
};

/** Choi & Lee 2022 (paper 004). */
export const CHOI_LEE_2022: PaperReference = {
  citation: 'Choi & Lee 2022',
  title: 'Combating the Instability of Mutual Information-based Losses via Regularization',
  location: '§5.1',
  url: 'https://arxiv.org/abs/2207.14359',
};

/** Chan et al. 2019 (paper 001). */
export const CHAN_2019: PaperReference = {
  citation: 'Chan et al. 2019',
  title: 'Neural Entropic Estimation: A faster path to mutual information estimation',
  location: '§3.2',
  url: 'https://arxiv.org/abs/1905.12957',
};

/** Belghazi et al. 2018 (paper 002). */
export const BELGHAZI_2018: PaperReference = {
  citation: 'Belghazi et al. 2018',
  title: 'Mutual Information Neural Estimation',
  url: 'https://arxiv.org/abs/1801.04062',
};

/** He et al. 2016, the ResNet paper (cited by papers 000 and 004). */
export const HE_2016: PaperReference = {
  citation: 'He et al. 2016',
  title: 'Deep Residual Learning for Image Recognition',
  url: 'https://arxiv.org/abs/1512.03385',
};
