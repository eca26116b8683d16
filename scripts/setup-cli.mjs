#!/usr/bin/env node
// `pnpm setup:cli`: puts `mi` on your PATH. Writes a small launcher named `mi` into the directory
// where npm puts global commands (`npm prefix --global`/bin, where `npm install --global pnpm`
// put pnpm), or into `--bin-dir DIR`. The launcher runs this checkout's built CLI
// (packages/cli/dist/bin.js) in the directory you call it from, so `mi estimate --data my.csv`
// works anywhere. Run `pnpm build` first; run this again if you move the checkout.
//
//   pnpm setup:cli                      # → $(npm prefix -g)/bin/mi
//   pnpm setup:cli --bin-dir ~/.local/bin
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');

function fail(message) {
  process.stderr.write(`setup:cli: ${message}\n`);
  process.exit(1);
}

function binDirectory(argv) {
  const at = argv.indexOf('--bin-dir');
  if (at !== -1) {
    const value = argv[at + 1];
    if (value === undefined || value.startsWith('--')) fail('--bin-dir needs a directory');
    return resolve(value);
  }
  const prefix = spawnSync('npm', ['prefix', '--global'], { encoding: 'utf8' });
  if (prefix.status !== 0) fail(`npm prefix --global failed: ${prefix.stderr.trim()}`);
  return join(prefix.stdout.trim(), 'bin');
}

if (!existsSync(cli)) fail(`${cli} does not exist: run pnpm build first`);
const directory = binDirectory(process.argv.slice(2));
mkdirSync(directory, { recursive: true });
const launcher = join(directory, 'mi');
const body = `#!/usr/bin/env node
// Written by pnpm setup:cli in ${root}: runs that checkout's mi.
await import(${JSON.stringify(pathToFileURL(cli).href)});
`;
// Written whole, then renamed: an interrupted run never leaves a half-written command.
const temporary = `${launcher}.tmp-${process.pid}`;
writeFileSync(temporary, body);
chmodSync(temporary, 0o755);
renameSync(temporary, launcher);
process.stdout.write(`setup:cli: wrote ${launcher}\n`);
const onPath = (process.env.PATH ?? '').split(':').includes(directory);
if (!onPath)
  process.stdout.write(`setup:cli: ${directory} is not on your PATH; add it to use \`mi\`\n`);
