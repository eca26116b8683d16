// The KL estimator's other settings (max-norm; k = 1, 10) at n = 64, 512, 2048, and Mixed KSG at
// n = 8192, one estimate per cell: estimate − truth at 2, 4, 6, 8, 10 nats.
// Run from this folder after `pnpm build`: node knn-variants.mjs  (≈ 110 s on 2 cores).
import { klEstimator, mixedKsg } from '../../../../../packages/classical/dist/index.js';

let s = 999;
const rnd = () => {
  s = (s * 1103515245 + 12345) % 2147483648;
  return s / 2147483648;
};
const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
const d = 20;
function sample(n, mi) {
  const rho = Math.sqrt(1 - Math.exp((-2 * mi) / d));
  const x = new Float64Array(n * d),
    y = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) {
    x[i] = normal();
    y[i] = rho * x[i] + Math.sqrt(1 - rho * rho) * normal();
  }
  return [
    { rows: n, columns: d, data: x },
    { rows: n, columns: d, data: y },
  ];
}
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
