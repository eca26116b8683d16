// KL (Kozachenko–Leonenko "3H") and Mixed KSG on the 20-D Gaussian staircase, k = 3: the mean
// estimate − truth against the sample size n, beside ReMINE's Table 1, which states neither n nor k.
// Run from this folder after `pnpm build`: node knn-sample-size.mjs  (≈ 75 s on 2 cores).
import { klEstimator, mixedKsg } from '../../../../../packages/classical/dist/index.js';
import { staircaseSampler } from './staircase-sample.mjs';

const sample = staircaseSampler(12345);
const pubKL = [-4.35, -5.25, -6.46, -7.52, -8.83],
  pubM = [-1.49, -2.99, -4.51, -6.08, -7.64];
for (const n of [64, 128, 256, 512, 1024, 2048, 4096]) {
  const reps = n <= 256 ? 10 : n <= 1024 ? 3 : 1;
  const kl = [],
    mk = [];
  for (const mi of [2, 4, 6, 8, 10]) {
    let a = 0,
      b = 0;
    for (let r = 0; r < reps; r++) {
      const [x, y] = sample(n, mi);
      a += klEstimator(x, y, { k: 3 }).estimate - mi;
      b += mixedKsg(x, y, { k: 3 }).estimate - mi;
    }
    kl.push((a / reps).toFixed(2));
    mk.push((b / reps).toFixed(2));
  }
  console.log(`n=${n} KL ${kl.join(' ')} | MixedKSG ${mk.join(' ')}`);
}
console.log(`published KL ${pubKL.join(' ')} | MixedKSG ${pubM.join(' ')}`);
