import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsFolder } from '../records/results-folder';
import { formatNumber } from '../report/markdown';
import { runEstimateDefaultsBenchmark } from './estimate-defaults-benchmark';
import { estimationTasks, selectTasks } from './tasks';

describe('estimate-defaults suite', () => {
  it('has tasks whose truth is known, drawing seeded data sets of any size', () => {
    expect(estimationTasks.map((t) => t.id)).toContain('x0-plus-noise-5d');
    const task = selectTasks(['x0-plus-noise-5d'])[0]!;
    expect(task.trueMI).toBeCloseTo(0.5 * Math.log(5), 12);
    const a = task.draw(50, 7);
    const b = task.draw(50, 7);
    expect(a.x.columns).toBe(5);
    expect(a.y.columns).toBe(1);
    expect(Array.from(a.y.data)).toEqual(Array.from(b.y.data));
    expect(() => selectTasks(['nosuch'])).toThrow("invalid option 'tasks'");
  });

  it('records estimate, interval and coverage per run, derives "auto", and resumes', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mi-estimate-defaults-'));
    try {
      const options = {
        tasks: ['gaussian-1d'],
        sizes: [200],
        replicates: 1,
        seeds: [1, 2],
        configs: [
          { name: 'separable-256', options: { critic: 'separable', hiddenUnits: [8], steps: 30 } },
          { name: 'joint-256', options: { critic: 'joint', hiddenUnits: [8], steps: 30 } },
        ],
      } as const;
      const folder = await ResultsFolder.open(directory);
      const { summary } = await runEstimateDefaultsBenchmark(options, { folder });
      const records = folder.all();
      expect(records).toHaveLength(2);
      for (const record of records) {
        expect(record.metrics['trueMI']).toBeCloseTo(-0.5 * Math.log(1 - 0.64), 10);
        expect([0, 1]).toContain(record.metrics['covered']);
        expect(record.metrics['seed1.estimate']).toBeTypeOf('number');
      }
      expect(summary.map((s) => s.config).sort()).toEqual([
        'auto (separable-256 or joint-256)',
        'joint-256',
        'separable-256',
      ]);
      const report = await readFile(join(directory, 'report.md'), 'utf8');
      expect(report).toContain('interval coverage (nominal 95%)');
      // The by-size table: one cell per configuration at 200 rows, RMSE from the two runs' errors.
      const error = (r: (typeof records)[number]) =>
        (r.metrics['estimate'] as number) - (r.metrics['trueMI'] as number);
      const joint = records.find((r) => r.params['config'] === 'joint-256')!;
      expect(report).toContain('| configuration | 200 rows |');
      expect(report).toMatch(
        new RegExp(
          `\\| joint-256 \\| ${formatNumber(Math.abs(error(joint))).replace('.', '\\.')}, [01]/1 covered \\(1\\) \\|`,
        ),
      );
      // A second call finds both runs done.
      const skipped: string[] = [];
      await runEstimateDefaultsBenchmark(options, {
        folder,
        onRunSkipped: (run) => skipped.push(run.runId),
      });
      expect(skipped).toHaveLength(2);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
