import { type MineeTask, mineeMethods, mineeTasks } from '../../minee/minee-benchmark';
import { formatNumber } from '../../report/markdown';
import { toPluginSpec } from '../../specs';
import { claimsTable } from '../claims';
import type { PaperPreset, PaperTarget } from '../paper-target';
import { perSeed, selectRecords } from '../records';
import { compareWithPublished, describeRule, type PublishedValue, VERDICT_RULES } from '../verdict';

/** What the paper reads off Figs. 1–2: steps until the smoothed estimate is within 10%. */
interface MineePublished {
  readonly minee: PublishedValue;
  readonly mine: PublishedValue;
  readonly text: { readonly minee: string; readonly mine: string };
}

/** The rows: MI-NEE, MINE as the paper's code draws its marginal pairs, MINE on the batch's own. */
const METHOD_KEYS = ['minee', 'mine', 'mine-shifted'] as const;

/** What each row trains, in the report's words. */
const MEASURED = {
  minee: 'MI-NEE',
  mine: 'MINE, marginal pairs resampled apart from the batch (the paper code)',
  'mine-shifted': "MINE, the batch's own shifted pairs (x_i, y_(i+1) mod n)",
} as const;

/** The paper's settings of a task, and a quick preset of seconds. */
function mineeTarget(options: {
  id: string;
  kind: 'mg' | 'hg';
  artefact: string;
  steps: number;
  published: MineePublished;
  cost: string;
}): PaperTarget {
  const task: MineeTask = mineeTasks[options.kind];
  const taskName = task.kind === 'mg' ? `MG(${task.rho})` : `HG(${task.rho}, ${task.dimension})`;
  const methods = METHOD_KEYS.map((key) => mineeMethods[key]);
  const quick = {
    methods,
    tasks: [{ ...task, learningRate: 1e-3, referenceFactor: 2 }],
    sampleSize: 40,
    batchSize: 10,
    steps: 40,
    hiddenUnits: [8],
  };
  const paperOptions = {
    methods,
    tasks: [task],
    sampleSize: 400,
    batchSize: 100,
    steps: options.steps,
    hiddenUnits: [100, 100],
  };
  const protocolOf = (preset: PaperPreset) => (preset === 'quick' ? quick : paperOptions);
  return {
    id: options.id,
    paper: 'Chan et al. 2019 (001)',
    artefact: options.artefact,
    description: `MI-NEE against MINE on ${taskName}: steps until the smoothed estimate (EMA, rate 0.01) is within 10% of the truth, beside the numbers the paper reads off its figure.`,
    cost: options.cost,
    protocolNotes: [
      `${taskName}: 400 samples, batch 100, Adam ${task.learningRate}, MI-NEE's reference batch ${task.referenceFactor}× the data batch, MINE's moving average rate 0.01, ${options.steps} steps (the paper's figure range).`,
      "The networks of the paper's code (it states none in the text): ELU, kernels from N(0, 0.02²) and zero biases, 100-100 units for each of MI-NEE's three heads and 300-300 for MINE's joint critic. From this start MI-NEE on MG(0.9) reaches the band in 8801, 17 470 and 20 830 steps (3 seeds); from PyTorch's default initialisation in 1547 and 1828 (2 seeds). Two details of the code we do not follow: its MINE uses a moving-average rate of 0.1 where §4 says 0.01, and it evaluates the estimate on all 400 samples after each step, where we smooth the training batch's estimate (both with an EMA of rate 0.01).",
      "MINE's marginal pairs, two ways. `mine` draws them as the paper does (\"resampling the samples X_i's and Y_i's independently\", §3) and as its code does: each step, x′ from 100 rows of the 400 and y′ from another 100 drawn independently, apart from the batch (`marginalPairs: 'resampled'`). `mine-shifted` pairs the batch's own rows, (x_i, y_(i+1) mod n): the same expectation, but its joint and marginal terms share every row, so the gradient noise of any part of the critic that is a function of x or of y alone cancels. These were the only MINE rows until 2026-12-02. A PyTorch check of both on MG(0.9) (`analysis/mine-marginals.py` in the 001-mg folder, 3 seeds of 10 000 steps): with resampled pairs the estimate stayed at 0 for 3000, 7000 and all 10 000 steps, and two seeds then sat at 0.15 (the first stair of the paper's Fig. 1b; the code's stored run sits at 0.14–0.15 from 15 000 to 50 000 steps); with shifted pairs two seeds were within 10% at 5892 and 2137 steps and the third at 0.33 after 10 000.",
      '`mine-shifted` scores only the 2n pairs it reads (the diagonal and S_i,(i+1) mod n) since 2026-12-02; runs before scored all n² pairs of the batch and used the same 2n of them, so their values are the same up to float rounding (a 1500-step MG run: EMA 0.294684 against 0.294679).',
      ...(options.kind === 'hg'
        ? [
            "The code's stored HG(0.9, 6) run (its `results/Gaussian_MINE.pt`) used 1000 samples and 20 000 steps, where §4 says 400; with its moving-average rate 0.1 it ends at 4.18 against 4.98, not within 10% (`analysis/stored-curve.py` in the 001-mg folder). We keep the paper's 400.",
          ]
        : []),
      'Ours: the first step at which the EMA of the estimate enters the ±10% band (the paper reads "converges to within 10% … close to N iterations" off its curves); "never" when it does not within the run.',
    ],
    settings(preset, seeds) {
      const chosen = seeds ?? (preset === 'quick' ? [1, 2] : [1, 2, 3]);
      return {
        preset,
        seeds: chosen,
        parts: [{ benchmark: 'minee', options: { ...protocolOf(preset), seeds: chosen } }],
      };
    },
    compare(records, context) {
      const protocol = protocolOf(context.settings.preset);
      const rows = METHOD_KEYS.map((key) => {
        const method = mineeMethods[key];
        const selected = selectRecords(records, 'minee', {
          task: taskName,
          method: method.name,
          bound: toPluginSpec(method.bound, 'bound').label,
          critic: toPluginSpec(method.critic, 'critic').label,
          marginalPairs: 'marginalPairs' in method ? method.marginalPairs : undefined,
          steps: protocol.steps,
          sampleSize: protocol.sampleSize,
          batchSize: protocol.batchSize,
        });
        const values = perSeed(selected, context.settings.seeds, 'firstWithin10Percent');
        const published = options.published[method.name];
        const never = values.filter((v) => v === null).length;
        let verdict = compareWithPublished(values, published, VERDICT_RULES.steps);
        // A seed that never reached the band cannot match a step count the paper read.
        if (never > 0 && typeof published === 'number')
          verdict = { kind: 'differs', note: `${never} seed(s) never within 10%` };
        return {
          figure: options.artefact,
          paper: `${method.name === 'minee' ? 'MI-NEE' : 'MINE'}: ${options.published.text[method.name]}`,
          measure: `${MEASURED[key]}: first step within 10% of the truth, ${protocol.steps} steps`,
          expected:
            typeof published === 'number'
              ? `≈ ${formatNumber(published)}`
              : published !== null && 'above' in published
                ? `> ${published.above} (or never)`
                : '–',
          ours: verdict.ours,
          seeds: values.length,
          verdict,
        };
      });
      const { table, verdicts } = claimsTable(rows);
      return {
        sections: [
          {
            title: `${taskName}: steps to within 10% of the truth`,
            text: [
              'Ours: mean over the seeds that reached the band (a seed that never did makes the row differ, unless the paper too says "not within").',
            ],
            table,
          },
        ],
        rules: [`step counts: ${describeRule(VERDICT_RULES.steps)}`],
        verdicts,
      };
    },
  };
}

export const chanMixedGaussian = mineeTarget({
  id: '001-mg',
  kind: 'mg',
  artefact: 'Fig. 1',
  steps: 100_000,
  published: {
    minee: 2e4,
    mine: 7e4,
    text: { minee: 'within 10% close to 2·10⁴ steps', mine: 'within 10% close to 7·10⁴ steps' },
  },
  cost: "9 runs of 100 000 steps (MI-NEE, MINE on resampled and on shifted marginal pairs × 3 seeds) with the paper code's networks on tfjs-node (2 cores): MI-NEE 10–15 ms/step (17–24 min a run), MINE 6–8.5 ms/step (10–14 min a run, scoring only the 2n pairs it reads): ≈ 2.2 h (measured 2026-12-01/02)",
});

export const chanHighDimensionalGaussian = mineeTarget({
  id: '001-hg',
  kind: 'hg',
  artefact: 'Fig. 2',
  steps: 30_000,
  published: {
    minee: 6e3,
    mine: { above: 25_000 },
    text: {
      minee: 'within 10% close to 6·10³ steps',
      mine: 'not within 10% after 2.5·10⁴ steps',
    },
  },
  cost: "9 runs of 30 000 steps (MI-NEE, MINE on resampled and on shifted marginal pairs × 3 seeds) with the paper code's networks on tfjs-node (2 cores): MI-NEE 75–110 ms/step (30 000 uniform reference points a step; 37–55 min a run), MINE 6.4–7.1 ms/step (3.2–3.6 min a run, scoring only the 2n pairs it reads): ≈ 2.5 h (measured 2026-12-01/02)",
});
