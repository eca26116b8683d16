// One-off migration of results folders, 2026-12-01. Until then `rejs` regularised the JS critic
// with the DV family's distance on L₀ = log E_Q[e^T]; it now takes Eq. 11's NWJ-family form on
// the partition term its NWJ readout subtracts, L = log E_Q[e^{T+s−1}] = L₀ + s − 1 (s = 0 for
// readout 'nwj', 1 for 'nwj-shifted'), by default λ(e^L − 1)² (Choi & Lee 2022, Table 1: JS is
// in the NWJ family, distance Euclidean). Each earlier `rejs` run is kept under the spec that
// trains the same loss today: its distance (l2 by default), λ, and the target moved to the new L:
// C + s − 1 for l2 and l1 (default C = 0: `rejs:distance=l2;target=-1`), C·e^{s−1} for
// log-Euclidean. packages/bounds/src/hand-values.test.ts checks the identity for both readouts.
// Run ids are recomputed the way the benchmark computed the old one (the params it hashed: all
// but those it records without hashing, found by matching the stored id), checksums renewed,
// traces renamed.
//
//   node docs/benchmarks/migrations/rejs-dv-reading.mjs <results folder>...
//
// Needs `pnpm build`. Only records finished before the change are touched, and each relabelled
// record says so (`migrations: ['rejs-dv-reading']`), so a second call, or a folder that has new
// `rejs` runs, changes nothing more.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordLine, runId } from '../../../packages/bench/dist/index.js';
import { parsePluginSpec, pluginSpecLabel } from '../../../packages/spec/dist/index.js';

/** Records finished after this ran the new `rejs`. */
const CHANGED_AT = '2026-12-01T18:20:00Z';
const MIGRATION = 'rejs-dv-reading';

/** Params a benchmark records without hashing into the run id (label benchmarks; the staircase). */
const UNHASHED = ['lambda', 'boundId', 'window'];

/** The subsets of `keys`, smallest first. */
function subsets(keys) {
  const all = [[]];
  for (const key of keys) {
    for (const subset of [...all]) all.push([...subset, key]);
  }
  return all.sort((a, b) => a.length - b.length);
}

const without = (params, keys) =>
  Object.fromEntries(Object.entries(params).filter(([key]) => !keys.includes(key)));

/** The keys of `params` the benchmark left out of the run id, or undefined if none reproduce it. */
function unhashedKeys(record) {
  const present = UNHASHED.filter((key) => key in record.params);
  return subsets(present).find(
    (keys) => runId(record.benchmark, without(record.params, keys)) === record.runId,
  );
}

/** The options of today's `rejs` that train the loss an earlier `rejs` run trained. */
function equivalentOptions(options) {
  const shift = options.readout === 'nwj-shifted' ? 1 : 0;
  const distance = options.distance ?? 'l2';
  const target =
    distance === 'log-euclidean'
      ? (options.target ?? 1) * Math.exp(shift - 1)
      : (options.target ?? 0) + shift - 1;
  return { ...options, distance, target };
}

/** The record under today's equivalent spec, or undefined if it is not an earlier rejs run. */
function relabelled(record) {
  if (typeof record.params.bound !== 'string' || !(record.finishedAt < CHANGED_AT))
    return undefined;
  if (record.migrations?.includes(MIGRATION)) return undefined;
  const spec = parsePluginSpec(record.params.bound, 'bound');
  if (spec.id !== 'rejs') return undefined;
  const keys = unhashedKeys(record);
  if (keys === undefined) {
    throw new Error(`run ${record.runId}: no set of unhashed params reproduces its id`);
  }
  const params = {
    ...record.params,
    bound: pluginSpecLabel('rejs', equivalentOptions(spec.options)),
  };
  const { checksum: _checksum, ...rest } = record;
  return {
    ...rest,
    params,
    runId: runId(record.benchmark, without(params, keys)),
    migrations: [...(record.migrations ?? []), MIGRATION],
  };
}

async function migrate(folder) {
  const path = join(folder, 'results.jsonl');
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  let changed = 0;
  const out = [];
  for (const line of lines) {
    const record = JSON.parse(line);
    const next = relabelled(record);
    if (next === undefined || next.runId === record.runId) {
      out.push(line);
      continue;
    }
    changed += 1;
    out.push(recordLine(next));
    const trace = join(folder, 'traces', `${record.runId}.json`);
    if (existsSync(trace)) await rename(trace, join(folder, 'traces', `${next.runId}.json`));
    process.stdout.write(
      `${folder}: ${record.params.bound} → ${next.params.bound} (${record.runId} → ${next.runId})\n`,
    );
  }
  if (changed === 0) return;
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${out.join('\n')}\n`);
  await rename(temporary, path);
}

const folders = process.argv.slice(2);
if (folders.length === 0) {
  process.stderr.write(
    'usage: node docs/benchmarks/migrations/rejs-dv-reading.mjs <results folder>...\n',
  );
  process.exit(1);
}
for (const folder of folders) await migrate(folder);
