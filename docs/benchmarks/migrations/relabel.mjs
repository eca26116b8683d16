// The mechanics shared by the one-off relabelling migrations of results folders: a migration says
// which records it relabels and under which bound spec; this keeps everything else true. Run ids
// are recomputed the way the benchmark computed the old one (the params it hashed: all but those
// it records without hashing, found by matching the stored id), checksums renewed, traces renamed,
// and each relabelled record names the migration (`migrations`), so a second call changes nothing.
// Needs `pnpm build`.
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordLine, runId } from '../../../packages/bench/dist/index.js';
import { parsePluginSpec, pluginSpecLabel } from '../../../packages/spec/dist/index.js';

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

/**
 * The record under its new spec, or undefined if the migration leaves it: a record of another
 * bound, finished at or after `changedAt`, already migrated, or whose options `relabel` keeps.
 */
function relabelled(record, migration) {
  if (typeof record.params.bound !== 'string' || !(record.finishedAt < migration.changedAt))
    return undefined;
  if (record.migrations?.includes(migration.name)) return undefined;
  const spec = parsePluginSpec(record.params.bound, 'bound');
  if (spec.id !== migration.boundId) return undefined;
  const options = migration.relabel(spec.options);
  if (options === undefined) return undefined;
  const keys = unhashedKeys(record);
  if (keys === undefined) {
    throw new Error(`run ${record.runId}: no set of unhashed params reproduces its id`);
  }
  const params = { ...record.params, bound: pluginSpecLabel(spec.id, options) };
  const { checksum: _checksum, ...rest } = record;
  return {
    ...rest,
    params,
    runId: runId(record.benchmark, without(params, keys)),
    migrations: [...(record.migrations ?? []), migration.name],
  };
}

async function migrateFolder(folder, migration) {
  const path = join(folder, 'results.jsonl');
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  const moves = [];
  const out = [];
  for (const line of lines) {
    const record = JSON.parse(line);
    const next = relabelled(record, migration);
    if (next === undefined || next.runId === record.runId) {
      out.push(line);
      continue;
    }
    out.push(recordLine(next));
    moves.push([record.runId, next.runId]);
    process.stdout.write(
      `${folder}: ${record.params.bound} → ${next.params.bound} (${record.runId} → ${next.runId})\n`,
    );
  }
  if (moves.length === 0) return;
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${out.join('\n')}\n`);
  await rename(temporary, path);
  // One run's new id can be another's old one: move every trace aside before any takes its name.
  const trace = (id) => join(folder, 'traces', `${id}.json`);
  const aside = (id) => `${trace(id)}.migrating-${process.pid}`;
  const present = moves.filter(([from]) => existsSync(trace(from)));
  for (const [from] of present) await rename(trace(from), aside(from));
  for (const [from, to] of present) await rename(aside(from), trace(to));
}

/**
 * Runs a migration on the results folders named on the command line.
 * `migration`: { name, boundId, changedAt (ISO time: records finished after it are left), relabel
 * (spec options → new options, or undefined to keep the record) }.
 */
export async function runMigration(migration, script) {
  const folders = process.argv.slice(2);
  if (folders.length === 0) {
    process.stderr.write(`usage: node docs/benchmarks/migrations/${script} <results folder>...\n`);
    process.exit(1);
  }
  for (const folder of folders) await migrateFolder(folder, migration);
}
