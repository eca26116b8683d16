// The KL estimator's other settings (max-norm; k = 1, 10) at n = 64, 512, 2048, and Mixed KSG at
// n = 8192, one estimate per cell: estimate − truth at 2, 4, 6, 8, 10 nats.
// Run from this folder after `pnpm build`: node knn-variants.mjs  (≈ 110 s on 2 cores).
import { klEstimator, mixedKsg } from '../../../../../packages/classical/dist/index.js';
import { staircaseSampler } from './staircase-sample.mjs';

const sample = staircaseSampler(999);
const row = (f) =>
  [2, 4, 6, 8, 10]
    .map((mi) => {
      const [x, y] = sample(currentN, mi);
      return (f(x, y) - mi).toFixed(2);
    })
    .join(' ');
let currentN;
for (const n of [64, 512, 2048]) {
  currentN = n;
  console.log(
    `n=${n} KL max-norm k3 ${row((x, y) => klEstimator(x, y, { k: 3, norm: 'max' }).estimate)}`,
  );
  console.log(`n=${n} KL eucl k1 ${row((x, y) => klEstimator(x, y, { k: 1 }).estimate)}`);
  console.log(`n=${n} KL eucl k10 ${row((x, y) => klEstimator(x, y, { k: 10 }).estimate)}`);
}
currentN = 8192;
console.log(`n=8192 MixedKSG ${row((x, y) => mixedKsg(x, y, { k: 3 }).estimate)}`);
