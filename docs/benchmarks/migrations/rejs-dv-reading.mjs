// One-off migration of results folders, 2026-12-01. Until then `rejs` regularised the JS critic
// with the DV family's distance, λ(log E_Q[e^T])²; it now takes Eq. 11's NWJ-family form,
// λ(E_Q[e^{T−1}] − 1)² (Choi & Lee 2022, Table 1: JS is in the NWJ family, distance Euclidean).
// The earlier runs are kept under the spec that trains the same loss today,
// `rejs:distance=l2;target=-1` (JS's partition term is now log E_Q[e^{T−1}], so C = −1 puts the
// old λ(log E_Q[e^T])² back; packages/bounds/src/hand-values.test.ts checks the identity), with
// their run ids recomputed from the new parameters, checksums renewed and traces renamed.
//
//   node docs/benchmarks/migrations/rejs-dv-reading.mjs <results folder>...
//
// Needs `pnpm build`. A folder without such runs is left untouched; running it twice changes
// nothing (relabelled specs name a distance and are skipped).
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recordLine, runId } from '../../../packages/bench/dist/index.js';
import { parsePluginSpec, pluginSpecLabel } from '../../../packages/spec/dist/index.js';

/** The record under the explicit spec of the DV-family reading, or undefined if not an old rejs run. */
function relabelled(record) {
  if (typeof record.params.bound !== 'string') return undefined;
  const spec = parsePluginSpec(record.params.bound, 'bound');
  if (spec.id !== 'rejs' || spec.options.distance !== undefined) return undefined;
  const options = { ...spec.options, distance: 'l2', target: -1 };
  const params = { ...record.params, bound: pluginSpecLabel('rejs', options) };
  const { checksum: _checksum, ...rest } = record;
  return { ...rest, params, runId: runId(record.benchmark, params) };
}

async function migrate(folder) {
  const path = join(folder, 'results.jsonl');
  const lines = (await readFile(path, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  let changed = 0;
  const out = [];
  for (const line of lines) {
    const record = JSON.parse(line);
    const next = relabelled(record);
    if (next === undefined) {
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
