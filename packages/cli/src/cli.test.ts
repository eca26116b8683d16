import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBoundRegistry } from '@mi/bounds';
import { createRandom } from '@mi/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMi } from '../test/run-mi';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mi-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mi = runMi;

// x ~ N(0, 1), y = ρx + √(1−ρ²)ε with ρ = 0.8: I = −½ log(1 − ρ²) = 0.5108 nats.
const rho = 0.8;
const trueMI = -0.5 * Math.log(1 - rho * rho);
function gaussianRows(n: number, seed: number): [number, number, number][] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const x = random.normal();
    const noise = random.normal();
    return [x, rho * x + Math.sqrt(1 - rho * rho) * noise, random.normal()];
  });
}

function npy(values: Float64Array, rows: number, columns: number): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]);
}

// The default (joint) critic on the cpu backend costs ~4× the separable one per step: the tests of
// file formats and output use the separable critic; the default's accuracy is tested once below.
const short = ['--seeds', '2', '--hidden', '32,32', '--lr', '3e-3'];
const fast = ['--critic', 'separable', '--steps', '400', ...short, '--batch-size', '64'];

describe('mi estimate', () => {
  it('estimates MI between CSV columns within 0.2 nats of the truth with the default critic, as JSON', async () => {
    const file = join(root, 'gauss.csv');
    await writeFile(
      file,
      `a,b,noise\n${gaussianRows(2000, 1)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    const { stdout, exitCode } = await mi(
      '--json',
      'estimate',
      '--data',
      file,
      '--x',
      'a',
      '--y',
      'b',
      '--steps',
      '300',
      ...short,
      '--batch-size',
      '32',
    );
    expect(exitCode).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.critic).toBe('joint');
    expect(result.marginals).toBe('rank');
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'estimate',
        'unit',
        'bits',
        'interval',
        'bound',
        'critic',
        'backend',
        'steps',
        'flags',
      ]),
    );
    expect(result.unit).toBe('nats');
    expect(result.bits).toBeCloseTo(result.estimate / Math.LN2, 10);
    expect(result.bound).toBe('smile:tau=5');
    expect(Math.abs(result.estimate - trueMI), `estimate ${result.estimate}`).toBeLessThan(0.2);
    expect(result.interval[0]).toBeLessThanOrEqual(result.estimate);
  });

  it('estimates from two .npy files, and finds nothing between independent columns', async () => {
    const rows = gaussianRows(2000, 2);
    await writeFile(join(root, 'x.npy'), npy(Float64Array.from(rows.map((r) => r[0])), 2000, 1));
    await writeFile(join(root, 'y.npy'), npy(Float64Array.from(rows.map((r) => r[1])), 2000, 1));
    await writeFile(join(root, 'z.npy'), npy(Float64Array.from(rows.map((r) => r[2])), 2000, 1));
    const dependent = JSON.parse(
      (
        await mi(
          '--json',
          'estimate',
          '--x',
          join(root, 'x.npy'),
          '--y',
          join(root, 'y.npy'),
          ...fast,
        )
      ).stdout,
    );
    expect(Math.abs(dependent.estimate - trueMI)).toBeLessThan(0.2);
    const independent = JSON.parse(
      (
        await mi(
          '--json',
          'estimate',
          '--x',
          join(root, 'x.npy'),
          '--y',
          join(root, 'z.npy'),
          ...fast,
        )
      ).stdout,
    );
    expect(Math.abs(independent.estimate)).toBeLessThan(0.1);
  });

  it('names the file, row and column of a bad value, with exit code 3', async () => {
    const file = join(root, 'bad.csv');
    await writeFile(file, 'a,b\n1,2\n3,NaN\n');
    const { stderr, exitCode } = await mi('estimate', '--data', file, '--x', 'a', '--y', 'b');
    expect(exitCode).toBe(3);
    expect(stderr).toContain(`${file} (row 3, column "b")`);
  });

  it('checks bound and critic names before reading the data: exit 2, not 3, with a missing file', async () => {
    const missing = join(root, 'missing.csv');
    const bound = await mi('estimate', '--data', missing, '--x', 'a', '--bound', 'smiley');
    expect(bound.exitCode).toBe(2);
    expect(bound.stderr).toContain("no bound named 'smiley'");
    const critic = await mi('estimate', '--data', missing, '--x', 'a', '--critic', 'cosine');
    expect(critic.exitCode).toBe(2);
    expect(critic.stderr).toContain("no critic named 'cosine'");
    const options = await mi('estimate', '--data', missing, '--x', 'a', '--bound', 'smile:tau');
    expect(options.exitCode).toBe(2);
    const compare = await mi(
      'bench',
      'gaussian',
      '--bounds',
      'smiley',
      '--compare',
      join(root, 'missing.json'),
      '--out',
      join(root, 'never'),
    );
    expect(compare.exitCode).toBe(2);
  });

  it('exits 3 on a missing file and 2 on an unknown bound or missing columns', async () => {
    expect((await mi('estimate', '--data', join(root, 'none.csv'), '--x', 'a')).exitCode).toBe(3);
    // A file of its own: the test must not depend on the CSV another test writes.
    const file = join(root, 'columns.csv');
    await writeFile(
      file,
      `a,b,noise\n${gaussianRows(20, 3)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    const unknown = await mi(
      'estimate',
      '--data',
      file,
      '--x',
      'a',
      '--y',
      'b',
      '--bound',
      'smiley',
      '--steps',
      '2',
    );
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("no bound named 'smiley'; known bounds: dv, mine, nwj");
    const noColumns = await mi('--json', 'estimate', '--data', file);
    expect(noColumns.exitCode).toBe(2);
    expect(JSON.parse(noColumns.stderr).error.code).toBe('MI_INVALID_ARGUMENT');
  });
});

describe('mi estimate --estimator (classical)', () => {
  it('runs KSG, Mixed KSG and the Gaussian closed form on all rows, without an interval', async () => {
    const file = join(root, 'classical.csv');
    await writeFile(
      file,
      `a,b,noise\n${gaussianRows(2000, 11)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    for (const [estimator, tolerance] of [
      ['ksg', 0.06],
      ['mixed-ksg', 0.06],
      ['gaussian', 0.06],
    ] as const) {
      const { stdout, exitCode } = await mi(
        '--json',
        'estimate',
        '--data',
        file,
        '--x',
        'a',
        '--y',
        'b',
        '--estimator',
        estimator,
      );
      expect(exitCode).toBe(0);
      const result = JSON.parse(stdout) as { estimate: number; interval: unknown; k: unknown };
      // ρ = 0.8: I = −½ log(1 − 0.64) = 0.511 nats.
      expect(Math.abs(result.estimate - trueMI)).toBeLessThan(tolerance);
      expect(result.interval).toEqual([null, null]);
      expect(result.k).toBe(estimator === 'gaussian' ? null : 3);
    }
  });

  it('rejects --k for the closed form and an unknown estimator with exit 2', async () => {
    const file = join(root, 'classical-small.csv');
    await writeFile(
      file,
      `a,b,noise\n${gaussianRows(50, 12)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    const withK = await mi(
      'estimate',
      '--data',
      file,
      '--x',
      'a',
      '--y',
      'b',
      '--estimator',
      'gaussian',
      '--k',
      '5',
    );
    expect(withK.exitCode).toBe(2);
    expect(withK.stderr).toContain('--k');
    const unknown = await mi('estimate', '--data', file, '--x', 'a', '--estimator', 'knn');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('--estimator');
  });
});

describe('mi bounds / critics', () => {
  it('lists every built-in bound with its formula, and plugins given with --plugin', async () => {
    const { stdout, exitCode } = await mi('--json', 'bounds');
    expect(exitCode).toBe(0);
    const ids = JSON.parse(stdout).map((b: { id: string }) => b.id);
    expect(ids).toContain('smile');
    expect(ids).toEqual(expect.arrayContaining(['ccmi', 'tnce']));
    expect(ids).toHaveLength(19);
    const plugin = join(root, 'plugin.mjs');
    await writeFile(
      plugin,
      `export const halfDv = { kind: 'bound', id: 'half-dv', specificationVersion: 'v1', displayName: 'Half DV', description: 'test', formula: 'DV / 2', references: [{ citation: 'x', title: 'y' }], create() { throw new Error('unused'); } };\n`,
    );
    const withPlugin = JSON.parse((await mi('--json', '--plugin', plugin, 'bounds')).stdout);
    expect(withPlugin.map((b: { id: string }) => b.id)).toContain('half-dv');
    const critics = JSON.parse((await mi('--json', 'critics')).stdout).map(
      (c: { id: string }) => c.id,
    );
    expect(critics).toEqual(
      expect.arrayContaining([
        'joint',
        'separable',
        'cnn',
        'resnet18',
        'minee',
        'conditional-gaussian',
      ]),
    );
  });

  /** The lines of the listing's entry for `id` (its first line starts with `id — `). */
  const entry = (listing: string, id: string): string[] => {
    const lines = listing.split('\n');
    const start = lines.findIndex(
      (line) => line.startsWith(`${id} — `) || line.startsWith(`${id} (`),
    );
    const end = lines.findIndex((line, k) => k > start && !line.startsWith('  '));
    return lines.slice(start, end < 0 ? undefined : end);
  };

  it("shows each bound's options with their defaults and a spec to start from", async () => {
    const { stdout, exitCode } = await mi('bounds');
    expect(exitCode).toBe(0);
    expect(stdout.split('\n')[0]).toBe(
      'Bounds, for --bound and --bounds: id or id:key=value;key=value (a list value as 64,64); the values shown are the defaults.',
    );
    expect(entry(stdout, 'smile').slice(-2)).toEqual([
      '  options: tau=5',
      "  example: --bound 'smile:tau=5'",
    ]);
    expect(entry(stdout, 'remine').slice(-2)).toEqual([
      '  options: distance=l2, lambda=1, target=0',
      "  example: --bound 'remine:distance=l2;lambda=1;target=0'",
    ]);
    expect(entry(stdout, 'js').slice(-2)).toEqual([
      '  options: readout=nwj',
      "  example: --bound 'js:readout=nwj'",
    ]);
    expect(entry(stdout, 'dv').slice(-2)).toEqual(['  options: none', '  example: --bound dv']);
    expect(entry(stdout, 'nwj')[0]).toBe('nwj (alias mine-f) — NWJ');
    expect(entry(stdout, 'ccmi')[0]).toBe('ccmi — CCMI (Classifier-MI)');
    expect(entry(stdout, 'ccmi').slice(-2)).toEqual([
      '  options: tau=0.00001',
      "  example: --bound 'ccmi:tau=0.00001'",
    ]);
    expect(entry(stdout, 'tnce').slice(-2)).toEqual(['  options: none', '  example: --bound tnce']);

    const json = JSON.parse((await mi('--json', 'bounds')).stdout) as {
      id: string;
      options: unknown;
      example: string;
    }[];
    const byId = new Map(json.map((b) => [b.id, b]));
    expect(byId.get('smile')).toMatchObject({
      options: [{ name: 'tau', default: 5, required: false }],
      example: 'smile:tau=5',
    });
    expect(byId.get('remine')).toMatchObject({
      options: [
        { name: 'distance', default: 'l2', required: false },
        { name: 'lambda', default: 1, required: false },
        { name: 'target', default: 0, required: false },
      ],
      example: 'remine:distance=l2;lambda=1;target=0',
    });
    expect(byId.get('js')).toMatchObject({
      options: [{ name: 'readout', default: 'nwj', required: false }],
      example: 'js:readout=nwj',
    });
    // Each example is a spec the registry accepts, and it gives the defaults back.
    const registry = createBoundRegistry();
    for (const bound of byId.values()) {
      expect(registry.resolve(bound.example).config, bound.id).toEqual(
        registry.get(bound.id).create().config,
      );
    }
  });

  it("shows each critic's options, which are required and which mi sets", async () => {
    const { stdout, exitCode } = await mi('critics');
    expect(exitCode).toBe(0);
    expect(entry(stdout, 'joint').slice(-2)).toEqual([
      '  options: xFeatures (required, set from the data), yFeatures (required, set from the data), hiddenUnits=256,256, activation=relu, negatives=all, seed=0 (set per run)',
      "  example: --critic 'joint:activation=relu;hiddenUnits=256,256;negatives=all'",
    ]);
    expect(entry(stdout, 'onehot').slice(-2)).toEqual([
      '  options: xClasses=16 (set from the data), yClasses=16 (set from the data), hiddenUnits=[256], seed=0 (set per run)',
      '  example: --critic onehot',
    ]);
    expect(entry(stdout, 'conditional-gaussian').slice(-2)).toEqual([
      '  options: xFeatures (required, set from the data), yFeatures (required, set from the data), mean=mlp, hiddenUnits=256,256, activation=relu, seed=0 (set per run)',
      "  example: --critic 'conditional-gaussian:activation=relu;hiddenUnits=256,256;mean=mlp'",
    ]);
    const json = JSON.parse((await mi('--json', 'critics')).stdout) as {
      id: string;
      options: unknown;
      example: string;
    }[];
    expect(json.find((c) => c.id === 'joint')).toMatchObject({
      options: [
        { name: 'xFeatures', required: true, setBy: 'data' },
        { name: 'yFeatures', required: true, setBy: 'data' },
        { name: 'hiddenUnits', default: [256, 256], required: false },
        { name: 'activation', default: 'relu', required: false },
        { name: 'negatives', default: 'all', required: false },
        { name: 'seed', default: 0, required: false, setBy: 'run' },
      ],
      example: 'joint:activation=relu;hiddenUnits=256,256;negatives=all',
    });
    expect(
      (json.find((c) => c.id === 'joint')?.options as { name: string }[])[0],
    ).not.toHaveProperty('default');
  });

  it('lists a plugin whose options cannot be read, saying why', async () => {
    const plugin = join(root, 'opaque.mjs');
    await writeFile(
      plugin,
      `export const opaque = { kind: 'bound', id: 'opaque', specificationVersion: 'v1', displayName: 'Opaque', description: 'test', formula: 'x', references: [], create() { throw new Error('no defaults here'); } };\n`,
    );
    const { stdout, exitCode } = await mi('--plugin', plugin, 'bounds');
    expect(exitCode).toBe(0);
    expect(entry(stdout, 'opaque').slice(-2)).toEqual([
      '  options: not listed (creating it with no options failed: no defaults here)',
      '  example: --bound opaque',
    ]);
  });

  it('rejects a module without plugins', async () => {
    const empty = join(root, 'empty.mjs');
    await writeFile(empty, 'export const nothing = 1;\n');
    const { exitCode, stderr } = await mi('--plugin', empty, 'bounds');
    expect(exitCode).toBe(2);
    expect(stderr.trim()).toBe(
      `mi: --plugin ${empty}: the module exports no plugin object ({ kind: 'bound' | 'critic', id, specificationVersion, create })`,
    );
  });
});

describe('mi bench', () => {
  it('runs a tiny staircase, writes the folder, and rejects a bad shard', async () => {
    const out = join(root, 'stairs');
    const args = [
      'bench',
      'gaussian',
      '--critic',
      'separable',
      '--bounds',
      'infonce',
      '--dimension',
      '2',
      '--levels',
      '0.5,1',
      '--steps-per-level',
      '6',
      '--batch-size',
      '8',
      '--hidden',
      '8',
      '--out',
      out,
    ];
    const { stdout, exitCode } = await mi('--quiet', ...args);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('| true MI | 0.50 | 1.00 |');
    expect(await readFile(join(out, 'results.jsonl'), 'utf8')).toContain('"benchmark":"gaussian"');
    const bad = await mi(...args, '--shard', '3/2');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("invalid option '--shard'");
  });
});

describe('a critic plugin', () => {
  // A plugin module of the user's: the built-in separable critic under a new id. Its folder has
  // @mi/critics in node_modules, as a user's project would.
  async function writePlugin(): Promise<string> {
    const folder = join(root, 'plugin-project');
    const critics = dirname(createRequire(import.meta.url).resolve('@mi/critics/package.json'));
    await mkdir(join(folder, 'node_modules', '@mi'), { recursive: true });
    await symlink(critics, join(folder, 'node_modules', '@mi', 'critics'), 'dir').catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    const file = join(folder, 'tiny-critic.mjs');
    await writeFile(
      file,
      [
        "import { separableCriticPlugin } from '@mi/critics';",
        "export const tinyCritic = { ...separableCriticPlugin, id: 'tiny', kind: 'critic', displayName: 'Tiny', create: (options) => separableCriticPlugin.create({ hiddenUnits: [8], embeddingSize: 4, ...options }) };",
        '',
      ].join('\n'),
    );
    return file;
  }

  it('trains through mi estimate --plugin … --critic <id>', async () => {
    const plugin = await writePlugin();
    const file = join(root, 'plugin-data.csv');
    await writeFile(
      file,
      `a,b,noise\n${gaussianRows(200, 4)
        .map((r) => r.join(','))
        .join('\n')}\n`,
    );
    const { stdout, stderr, exitCode } = await mi(
      '--json',
      '--plugin',
      plugin,
      'estimate',
      '--data',
      file,
      '--x',
      'a',
      '--y',
      'b',
      '--critic',
      'tiny',
      '--steps',
      '5',
      '--seeds',
      '1',
      '--batch-size',
      '16',
    );
    expect(exitCode, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.critic).toBe('tiny');
    expect(Number.isFinite(result.estimate)).toBe(true);
  });

  it('trains through mi bench gaussian --quick --plugin … --critic <id>', async () => {
    const plugin = await writePlugin();
    const out = join(root, 'plugin-stairs');
    const { stdout, stderr, exitCode } = await mi(
      '--quiet',
      '--plugin',
      plugin,
      'bench',
      'gaussian',
      '--quick',
      '--critic',
      'tiny',
      '--bounds',
      'nwj',
      '--levels',
      '1',
      '--steps-per-level',
      '4',
      '--batch-size',
      '8',
      '--out',
      out,
    );
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toContain('gaussian, tiny critic, 4 steps per level');
    const record = JSON.parse((await readFile(join(out, 'results.jsonl'), 'utf8')).trim());
    expect(record.params.critic).toBe('tiny');
  });
});
