// Every bad argument of every command exits 2 with one line that names the flag as typed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The suite's configurations change as the suite does: the message lists whatever they are.
import { ESTIMATOR_CONFIGS, estimateMutualInformation } from '@mi/bench';
import { parseCsv } from '@mi/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { runMi } from '../test/run-mi';
import { inCliTerms } from './cli-errors';
import { ESTIMATE_TERMS } from './commands/estimate';

// Made before the tests are collected: the table of cases names these paths.
const root = mkdtempSync(join(tmpdir(), 'mi-usage-'));
const csv = join(root, 'data.csv');
// 12 rows, enough for the 60/20/20 split (10 are needed).
writeFileSync(
  csv,
  `a,b\n${Array.from({ length: 12 }, (_, k) => `${k},${(k * 7) % 5}`).join('\n')}\n`,
);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mi = runMi;

const backends = 'auto, tensorflow-gpu, tensorflow, wasm, cpu';
const data = () => ['estimate', '--data', csv, '--x', 'a', '--y', 'b'];

/** [what, arguments, the message after `mi: `]: every case exits 2. */
const usage: [string, string[], string][] = [
  // Global options, before or after the command.
  [
    '--backend',
    ['--backend', 'gpu', 'bounds'],
    `invalid option '--backend': expected one of ${backends}, received "gpu"`,
  ],
  [
    '--backend after the command',
    ['bounds', '--backend', 'gpu'],
    `invalid option '--backend': expected one of ${backends}, received "gpu"`,
  ],
  [
    '--json with a value',
    ['--json=yes', 'bounds'],
    `option '--json' takes no value, received "yes" (see mi --help)`,
  ],
  [
    '--quiet with a value',
    ['critics', '--quiet=1'],
    `option '--quiet' takes no value, received "1" (see mi critics --help)`,
  ],
  [
    '--no-progress with a value',
    ['--no-progress=0', 'bounds'],
    `option '--no-progress' takes no value, received "0" (see mi --help)`,
  ],
  [
    '--plugin without a value',
    ['bounds', '--plugin'],
    "option '--plugin <package>' argument missing (see mi --help)",
  ],
  [
    '--plugin missing',
    ['--plugin', join(root, 'nope.mjs'), 'bounds'],
    `--plugin ${join(root, 'nope.mjs')}: no such file or folder: ${join(root, 'nope.mjs')}`,
  ],
  ['unknown option', ['--frobnicate'], "unknown option '--frobnicate' (see mi --help)"],
  ['unknown command', ['bench', 'nope'], "unknown command 'nope' (see mi bench --help)"],
  [
    'extra argument',
    ['bounds', 'extra'],
    "too many arguments for 'bounds'. Expected 0 arguments but got 1. (see mi bounds --help)",
  ],
  // mi estimate
  [
    'estimate --steps 0',
    ['estimate', '--steps', '0'],
    `invalid option '--steps': expected a positive integer, received "0"`,
  ],
  [
    'estimate --steps 1.5',
    ['estimate', '--steps', '1.5'],
    `invalid option '--steps': expected a positive integer, received "1.5"`,
  ],
  [
    'estimate --steps missing',
    ['estimate', '--steps'],
    "option '--steps <n>' argument missing (see mi estimate --help)",
  ],
  [
    'estimate --step (typo)',
    ['estimate', '--step', '3'],
    "unknown option '--step' (Did you mean --steps?) (see mi estimate --help)",
  ],
  [
    'estimate --batch-size abc',
    ['estimate', '--batch-size', 'abc'],
    `invalid option '--batch-size': expected an integer >= 2, received "abc"`,
  ],
  [
    'estimate --batch-size 1',
    ['estimate', '--batch-size', '1'],
    `invalid option '--batch-size': expected an integer >= 2, received "1"`,
  ],
  [
    'estimate --lr -1',
    ['estimate', '--lr', '-1'],
    `invalid option '--lr': expected a positive number, received "-1"`,
  ],
  [
    'estimate --lr 0',
    ['estimate', '--lr', '0'],
    `invalid option '--lr': expected a positive number, received "0"`,
  ],
  [
    'estimate --seeds 0',
    ['estimate', '--seeds', '0'],
    `invalid option '--seeds': expected a count >= 1 or a list of integer seeds, received "0"`,
  ],
  [
    'estimate --seeds 1.5',
    ['estimate', '--seeds', '1.5'],
    `invalid option '--seeds': expected a count >= 1 or a list of integer seeds, e.g. 3 or 4,7, received "1.5"`,
  ],
  [
    'estimate --validation 0',
    ['estimate', '--validation', '0'],
    `invalid option '--validation': expected a fraction in (0, 0.5], e.g. 0.2, received "0"`,
  ],
  [
    'estimate --validation 0.6',
    ['estimate', '--validation', '0.6'],
    `invalid option '--validation': expected a fraction in (0, 0.5], e.g. 0.2, received "0.6"`,
  ],
  [
    'estimate --test abc',
    ['estimate', '--test', 'abc'],
    `invalid option '--test': expected a fraction in (0, 0.5], e.g. 0.2, received "abc"`,
  ],
  [
    'estimate --patience 0',
    ['estimate', '--patience', '0'],
    `invalid option '--patience': expected a positive integer, received "0"`,
  ],
  [
    'estimate --hidden 0',
    ['estimate', '--hidden', '0'],
    `invalid option '--hidden': expected comma-separated integers >= 1, e.g. 1,2, received "0"`,
  ],
  [
    'estimate --hidden 8,x',
    ['estimate', '--hidden', '8,x'],
    `invalid option '--hidden': expected comma-separated integers >= 1, e.g. 1,2, received "8,x"`,
  ],
  [
    'estimate --drop-invalid with a value',
    ['estimate', '--drop-invalid=yes'],
    `option '--drop-invalid' takes no value, received "yes" (see mi estimate --help)`,
  ],
  [
    'estimate --bound smiley',
    [...data(), '--bound', 'smiley'],
    "--bound smiley: no bound named 'smiley'; known bounds: dv, mine, nwj, tuba, infonce, js, interpolated, smile, smile-dv, remine, remine-j, renwj, resmile, reinfonce, retuba, rejs, minee, ccmi, tnce",
  ],
  [
    'estimate --bound smile:tau=-1',
    [...data(), '--bound', 'smile:tau=-1'],
    "--bound smile:tau=-1: smile: invalid option 'tau': expected a number > 0, received -1",
  ],
  [
    'estimate --critic cosine',
    [...data(), '--critic', 'cosine'],
    "--critic cosine: no critic named 'cosine'; known critics: joint, separable, bilinear, onehot, cnn, resnet18, minee, conditional-gaussian",
  ],
  [
    'estimate --critic joint:hiddenUnits=0',
    [...data(), '--critic', 'joint:hiddenUnits=0'],
    "--critic joint:hiddenUnits=0: jointCritic: invalid option 'hiddenUnits': expected an array of at least 1 positive integers, received 0",
  ],
  [
    'estimate --bound smile:tau (no value)',
    [...data(), '--bound', 'smile:tau'],
    "--bound smile:tau: expected 'id' or 'id:key=value;key=value', e.g. smile:tau=5 or joint:hiddenUnits=64,64",
  ],
  [
    'estimate without --data',
    ['estimate', '--x', 'a'],
    "invalid option '--data': expected a data file (--data file.csv --x a,b --y c) or two .npy files (--x x.npy --y y.npy), received undefined",
  ],
  [
    'estimate without --x',
    ['estimate', '--data', csv],
    "invalid option '--x': expected the columns of X, e.g. --x a,b or --x 0:3, received undefined",
  ],
  [
    'estimate --x unknown column',
    ['estimate', '--data', csv, '--x', 'zz'],
    `invalid option '--x': expected a column of ${csv}: "a", "b", received "zz"`,
  ],
  [
    'estimate --x range too wide',
    ['estimate', '--data', csv, '--x', '0:9'],
    `invalid option '--x': expected a range within the 2 columns of ${csv} (to <= 2), received { from: 0, to: 9 }`,
  ],
  [
    'estimate --x takes every column',
    ['estimate', '--data', csv, '--x', 'a,b'],
    `--y: no columns left for Y: Y defaults to the columns not in X, and X takes all 2 columns of ${csv}; pass --y, or fewer columns in --x`,
  ],
  [
    'estimate --y unknown column',
    ['estimate', '--data', csv, '--x', 'a', '--y', 'c'],
    `invalid option '--y': expected a column of ${csv}: "a", "b", received "c"`,
  ],
  // mi bench gaussian and cubic
  [
    'gaussian --bounds smiley',
    ['bench', 'gaussian', '--bounds', 'infonce,smiley'],
    "--bounds smiley: no bound named 'smiley'; known bounds: dv, mine, nwj, tuba, infonce, js, interpolated, smile, smile-dv, remine, remine-j, renwj, resmile, reinfonce, retuba, rejs, minee, ccmi, tnce",
  ],
  [
    'gaussian --bounds empty',
    ['bench', 'gaussian', '--bounds', ''],
    `invalid option '--bounds': expected one or more specs, e.g. smile:tau=5,nwj, received ""`,
  ],
  [
    'gaussian --critic cosine',
    ['bench', 'gaussian', '--critic', 'cosine'],
    "--critic cosine: no critic named 'cosine'; known critics: joint, separable, bilinear, onehot, cnn, resnet18, minee, conditional-gaussian",
  ],
  [
    'gaussian --seeds x',
    ['bench', 'gaussian', '--seeds', 'x'],
    `invalid option '--seeds': expected a count >= 1 or a list of integer seeds, e.g. 3 or 4,7, received "x"`,
  ],
  [
    'gaussian --steps-per-level 0',
    ['bench', 'gaussian', '--steps-per-level', '0'],
    `invalid option '--steps-per-level': expected a positive integer, received "0"`,
  ],
  [
    'gaussian --levels 0',
    ['bench', 'gaussian', '--levels', '2,0'],
    `invalid option '--levels': expected comma-separated numbers > 0, e.g. 2,4,6, received "2,0"`,
  ],
  [
    'gaussian --levels a',
    ['bench', 'gaussian', '--levels', 'a'],
    `invalid option '--levels': expected comma-separated numbers, e.g. 2,4,6, received "a"`,
  ],
  [
    'gaussian --dimension 0',
    ['bench', 'gaussian', '--dimension', '0'],
    `invalid option '--dimension': expected a positive integer, received "0"`,
  ],
  [
    'gaussian --batch-size 1',
    ['bench', 'gaussian', '--batch-size', '1'],
    `invalid option '--batch-size': expected an integer >= 2, received "1"`,
  ],
  [
    'gaussian --lr 0',
    ['bench', 'gaussian', '--lr', '0'],
    `invalid option '--lr': expected a positive number, received "0"`,
  ],
  [
    'gaussian --hidden 0',
    ['bench', 'gaussian', '--hidden', '0'],
    `invalid option '--hidden': expected comma-separated integers >= 1, e.g. 1,2, received "0"`,
  ],
  [
    'gaussian --window xx',
    ['bench', 'gaussian', '--window', 'xx'],
    `invalid option '--window': expected last-half, all, or a positive number of steps, received "xx"`,
  ],
  [
    'gaussian --window 0',
    ['bench', 'gaussian', '--window', '0'],
    `invalid option '--window': expected last-half, all, or a positive number of steps, received "0"`,
  ],
  [
    'gaussian --shard 3/2',
    ['bench', 'gaussian', '--shard', '3/2'],
    `invalid option '--shard': expected 'i/N' with 1 <= i <= N, e.g. 2/4, received "3/2"`,
  ],
  [
    'gaussian --compare empty',
    ['bench', 'gaussian', '--compare', ','],
    `invalid option '--compare': expected a list of names, received ","`,
  ],
  [
    'gaussian --out missing',
    ['bench', 'gaussian', '--out'],
    "option '--out <dir>' argument missing (see mi bench gaussian --help)",
  ],
  [
    'cubic --levels -1',
    ['bench', 'cubic', '--levels', '-1'],
    `invalid option '--levels': expected comma-separated numbers > 0, e.g. 2,4,6, received "-1"`,
  ],
  [
    'cubic --quick=1',
    ['bench', 'cubic', '--quick=1'],
    `option '--quick' takes no value, received "1" (see mi bench cubic --help)`,
  ],
  // mi bench onehot
  [
    'onehot --bounds smiley',
    ['bench', 'onehot', '--bounds', 'smiley'],
    "--bounds smiley: no bound named 'smiley'; known bounds: dv, mine, nwj, tuba, infonce, js, interpolated, smile, smile-dv, remine, remine-j, renwj, resmile, reinfonce, retuba, rejs, minee, ccmi, tnce",
  ],
  [
    'onehot --critic cosine',
    ['bench', 'onehot', '--critic', 'cosine'],
    "--critic cosine: no critic named 'cosine'; known critics: joint, separable, bilinear, onehot, cnn, resnet18, minee, conditional-gaussian",
  ],
  [
    'onehot --classes 0',
    ['bench', 'onehot', '--classes', '0'],
    `invalid option '--classes': expected a positive integer, received "0"`,
  ],
  [
    'onehot --steps -5',
    ['bench', 'onehot', '--steps', '-5'],
    `invalid option '--steps': expected a positive integer, received "-5"`,
  ],
  [
    'onehot --drift-batch-sizes 1',
    ['bench', 'onehot', '--drift-batch-sizes', '100,1'],
    `invalid option '--drift-batch-sizes': expected comma-separated integers >= 2, e.g. 2,4, received "100,1"`,
  ],
  [
    'onehot --sweep-batch-sizes 2,x',
    ['bench', 'onehot', '--sweep-batch-sizes', '2,x'],
    `invalid option '--sweep-batch-sizes': expected comma-separated integers >= 2, e.g. 2,4, received "2,x"`,
  ],
  [
    'onehot --lr -1',
    ['bench', 'onehot', '--lr', '-1'],
    `invalid option '--lr': expected a positive number, received "-1"`,
  ],
  [
    'onehot --seeds 0',
    ['bench', 'onehot', '--seeds', '0'],
    `invalid option '--seeds': expected a count >= 1 or a list of integer seeds, received "0"`,
  ],
  [
    'onehot --shard 0/2',
    ['bench', 'onehot', '--shard', '0/2'],
    `invalid option '--shard': expected 'i/N' with 1 <= i <= N, e.g. 2/4, received "0/2"`,
  ],
  // mi bench minee
  [
    'minee --steps 0',
    ['bench', 'minee', '--steps', '0'],
    `invalid option '--steps': expected a positive integer, received "0"`,
  ],
  [
    'minee --task xx',
    ['bench', 'minee', '--task', 'xx'],
    `invalid option '--task': expected one of mg, hg, both, received "xx"`,
  ],
  [
    'minee --methods mime',
    ['bench', 'minee', '--methods', 'minee,mime'],
    `invalid option '--methods': expected a list of minee, mine, mine-shifted (not 'mime'), received "minee,mime"`,
  ],
  [
    'minee --bounds smiley',
    ['bench', 'minee', '--bounds', 'smiley'],
    "--bounds smiley: no bound named 'smiley'; known bounds: dv, mine, nwj, tuba, infonce, js, interpolated, smile, smile-dv, remine, remine-j, renwj, resmile, reinfonce, retuba, rejs, minee, ccmi, tnce",
  ],
  [
    'minee --critic cosine',
    ['bench', 'minee', '--critic', 'cosine'],
    "--critic cosine: no critic named 'cosine'; known critics: joint, separable, bilinear, onehot, cnn, resnet18, minee, conditional-gaussian",
  ],
  [
    'minee --hidden 0',
    ['bench', 'minee', '--hidden', '0'],
    `invalid option '--hidden': expected comma-separated integers >= 1, e.g. 1,2, received "0"`,
  ],
  [
    'minee --seeds x',
    ['bench', 'minee', '--seeds', 'x'],
    `invalid option '--seeds': expected a count >= 1 or a list of integer seeds, e.g. 3 or 4,7, received "x"`,
  ],
  [
    'minee --shard 1/0',
    ['bench', 'minee', '--shard', '1/0'],
    `invalid option '--shard': expected 'i/N' with 1 <= i <= N, e.g. 2/4, received "1/0"`,
  ],
  // mi bench estimate-defaults
  [
    'estimate-defaults --tasks nope',
    ['bench', 'estimate-defaults', '--tasks', 'nope', '--out', join(root, 'defaults')],
    `invalid option '--tasks': expected one of gaussian-1d, x0-plus-noise-5d, gaussian-5d-mi1, gaussian-5d-mi3, cubic-5d-mi1, warped-1d, mixture-mg0.9, labels-4, independent-3d, received "nope"`,
  ],
  [
    'estimate-defaults --sizes 5',
    ['bench', 'estimate-defaults', '--sizes', '500,5'],
    `invalid option '--sizes': expected comma-separated integers >= 10, e.g. 10,20, received "500,5"`,
  ],
  [
    'estimate-defaults --configs nope',
    ['bench', 'estimate-defaults', '--configs', 'nope'],
    `invalid option '--configs': expected a list of ${ESTIMATOR_CONFIGS.map((c) => c.name).join(', ')} (not 'nope'), received "nope"`,
  ],
  [
    'estimate-defaults --replicates 0',
    ['bench', 'estimate-defaults', '--replicates', '0'],
    `invalid option '--replicates': expected a positive integer, received "0"`,
  ],
  [
    'estimate-defaults --seeds 0',
    ['bench', 'estimate-defaults', '--seeds', '0'],
    `invalid option '--seeds': expected a count >= 1 or a list of integer seeds, received "0"`,
  ],
  [
    'estimate-defaults --shard x',
    ['bench', 'estimate-defaults', '--shard', 'x'],
    `invalid option '--shard': expected 'i/N' with 1 <= i <= N, e.g. 2/4, received "x"`,
  ],
  // mi bench merge
  [
    'merge without folders',
    ['bench', 'merge', '--out', join(root, 'm')],
    "missing required argument 'folders' (see mi bench merge --help)",
  ],
  [
    'merge without --out',
    ['bench', 'merge', root],
    "required option '--out <dir>' not specified (see mi bench merge --help)",
  ],
];

describe('every bad argument exits 2 with one line naming the flag as typed', () => {
  it.each(usage)('%s', async (_what, args, message) => {
    const { stderr, exitCode, stdout } = await mi(...args);
    expect(stderr).toBe(`mi: ${message}\n`);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
  });

  it('says the same as JSON under --json, wherever --json is', async () => {
    for (const args of [
      ['--json', 'estimate', '--steps', '0'],
      ['estimate', '--steps', '0', '--json'],
    ]) {
      const { stderr, exitCode } = await mi(...args);
      expect(JSON.parse(stderr)).toEqual({
        error: {
          code: 'MI_INVALID_ARGUMENT',
          message: `invalid option '--steps': expected a positive integer, received "0"`,
          exitCode: 2,
        },
      });
      expect(exitCode).toBe(2);
    }
    const unknown = await mi('bench', 'gaussian', '--frobnicate', '--json');
    expect(JSON.parse(unknown.stderr).error).toEqual({
      code: 'MI_INVALID_ARGUMENT',
      message: "unknown option '--frobnicate' (see mi bench gaussian --help)",
      exitCode: 2,
    });
  });

  it('shows help and exits 2 when a command is missing, 0 for --help', async () => {
    const missing = await mi('bench');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('Usage: mi bench [options] [command]');
    const help = await mi('bench', '--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: mi bench [options] [command]');
  });

  it('accepts --seeds on estimate and on every benchmark', async () => {
    // A bad --seeds is that option's error (not an unknown option) on each command.
    for (const command of [
      ['estimate'],
      ['bench', 'gaussian'],
      ['bench', 'cubic'],
      ['bench', 'onehot'],
      ['bench', 'minee'],
      ['bench', 'estimate-defaults'],
    ]) {
      const { stderr, exitCode } = await mi(...command, '--seeds', '0');
      expect(stderr, command.join(' ')).toBe(
        `mi: invalid option '--seeds': expected a count >= 1 or a list of integer seeds, received "0"\n`,
      );
      expect(exitCode).toBe(2);
    }
  });
});

describe('data errors exit 3 in CLI words', () => {
  it('a 1-row file says how many rows it needs', async () => {
    const one = join(root, 'one.csv');
    await writeFile(one, 'a,b\n1,2\n');
    const { stderr, exitCode } = await mi('estimate', '--data', one, '--x', 'a', '--y', 'b');
    expect(stderr).toBe(
      `mi: ${one}: needs at least 10 rows (60% training, 20% validation, 20% test, batches of 2 or more); the file has 1\n`,
    );
    expect(exitCode).toBe(3);
    // The fractions given decide the count: 10% held out twice needs 20 rows (2 + 2 + 16).
    const held = await mi(...data(), '--validation', '0.1', '--test', '0.1');
    expect(held.stderr).toBe(
      `mi: ${csv}: needs at least 20 rows (80% training, 10% validation, 10% test, batches of 2 or more); the file has 12\n`,
    );
    expect(held.exitCode).toBe(3);
    // Batches of 64: 104 − 2 · floor(20.8) = 64 training rows.
    const batch = await mi(...data(), '--batch-size', '64');
    expect(batch.stderr).toBe(
      `mi: ${csv}: needs at least 104 rows (60% training, 20% validation, 20% test, batches of 64); the file has 12\n`,
    );
    expect(batch.exitCode).toBe(3);
  });

  it('a bad value names the file, row and column, and the flag that drops such rows', async () => {
    const bad = join(root, 'nan.csv');
    await writeFile(bad, 'a,b\n1,2\n3,NaN\n');
    const { stderr, exitCode } = await mi('estimate', '--data', bad, '--x', 'a', '--y', 'b');
    expect(stderr).toBe(
      `mi: ${bad} (row 3, column "b"): expected a finite number, received NaN (pass --drop-invalid to skip such rows)\n`,
    );
    expect(exitCode).toBe(3);
    const empty = join(root, 'empty.csv');
    await writeFile(empty, 'a,b\n');
    const none = await mi('estimate', '--data', empty, '--x', 'a', '--y', 'b');
    expect(none.stderr).toBe(
      `mi: ${empty}: no data rows: expected at least one valid row, received 0 invalid rows and none valid\n`,
    );
    expect(none.exitCode).toBe(3);
  });

  it('merge of a folder that does not exist', async () => {
    const missing = join(root, 'no-shard');
    const { stderr, exitCode } = await mi('bench', 'merge', missing, '--out', join(root, 'm'));
    expect(stderr).toBe(
      `mi: ${missing}: not a folder: merge joins results folders (each holding a results.jsonl)\n`,
    );
    expect(exitCode).toBe(3);
  });
});

describe('library errors in CLI terms', () => {
  it("names estimate's options by their flags", async () => {
    const table = parseCsv(
      `a,b\n${Array.from({ length: 20 }, (_, k) => `${k},${k}`).join('\n')}\n`,
      'd.csv',
      {
        x: 'a',
        y: 'b',
      },
    );
    const cases: [Parameters<typeof estimateMutualInformation>[1], string][] = [
      [
        { validationFraction: 0.7 },
        "invalid option '--validation': expected a number in (0, 0.5], received 0.7",
      ],
      [{ testFraction: 0 }, "invalid option '--test': expected a number in (0, 0.5], received 0"],
      [{ batchSize: 1 }, "invalid option '--batch-size': expected an integer >= 2, received 1"],
      [
        { batchSize: 13 },
        "invalid option '--batch-size': expected an integer in [2, 12], received 13",
      ],
      [{ steps: 0 }, "invalid option '--steps': expected an integer >= 1, received 0"],
    ];
    for (const [options, message] of cases) {
      const error = await estimateMutualInformation(table, options).catch((e: unknown) => e);
      expect((inCliTerms(error, ESTIMATE_TERMS) as Error).message).toBe(message);
    }
  });
});

describe('global options work where the README says', () => {
  it('--quiet silences notes and --json gives one JSON document, before or after the command', async () => {
    const folder = join(root, 'bounds-json');
    await mkdir(folder, { recursive: true });
    for (const args of [
      ['--json', '--quiet', 'bounds'],
      ['bounds', '--json', '--quiet'],
    ]) {
      const { stdout, stderr, exitCode } = await mi(...args);
      expect(exitCode).toBe(0);
      expect(stderr).toBe('');
      expect(JSON.parse(stdout).map((b: { id: string }) => b.id)).toContain('smile');
    }
  });

  it('--plugin adds plugins before or after the command, and repeats', async () => {
    const plugin = (id: string) =>
      `export const p = { kind: 'bound', id: '${id}', specificationVersion: 'v1', displayName: '${id}', description: 'test', formula: 'x', references: [], create: () => ({ id: '${id}', config: { k: 1 } }) };\n`;
    await writeFile(join(root, 'one.mjs'), plugin('one'));
    await writeFile(join(root, 'two.mjs'), plugin('two'));
    const { stdout, exitCode } = await mi(
      '--plugin',
      join(root, 'one.mjs'),
      'bounds',
      '--json',
      '--plugin',
      join(root, 'two.mjs'),
    );
    expect(exitCode).toBe(0);
    const ids = JSON.parse(stdout).map((b: { id: string }) => b.id);
    expect(ids.slice(-2)).toEqual(['one', 'two']);
  });

  it('--seeds, --no-progress and --quiet reach a benchmark', async () => {
    const out = join(root, 'stairs');
    const { stderr, exitCode } = await mi(
      'bench',
      'gaussian',
      '--critic',
      'separable',
      '--bounds',
      'infonce',
      '--dimension',
      '2',
      '--levels',
      '1',
      '--steps-per-level',
      '3',
      '--batch-size',
      '8',
      '--hidden',
      '4',
      '--seeds',
      '2,5',
      '--out',
      out,
      '--no-progress',
      '--json',
    );
    expect(exitCode, stderr).toBe(0);
    // Without --quiet, notes go to stderr: one line per run, no bars (--no-progress).
    expect(stderr.split('\n').filter((l) => l.startsWith('done: '))).toHaveLength(2);
    const seeds = (await readFile(join(out, 'results.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).params.seed);
    expect(seeds).toEqual([2, 5]);
    const quiet = await mi(
      '--quiet',
      'bench',
      'gaussian',
      '--out',
      out,
      '--critic',
      'separable',
      '--bounds',
      'infonce',
      '--dimension',
      '2',
      '--levels',
      '1',
      '--steps-per-level',
      '3',
      '--batch-size',
      '8',
      '--hidden',
      '4',
      '--seeds',
      '2,5',
    );
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});
