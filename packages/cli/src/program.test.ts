import { createProgram } from '@mi/cli';
import { describe, expect, it, vi } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

/** Runs `mi …` in-process: the program never exits the process; it sets process.exitCode. */
async function run(args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await createProgram().parseAsync(['node', 'mi', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, exitCode };
}

describe('mi', () => {
  it('prints its version', async () => {
    const { out, exitCode } = await run(['--version']);
    expect(out.trim()).toBe(packageJson.version);
    expect(exitCode).toBe(0);
  });

  it('prints help naming what it does', async () => {
    const { out, exitCode } = await run(['--help']);
    expect(out).toContain('Usage: mi [options]');
    expect(out).toContain('Estimate mutual information');
    expect(exitCode).toBe(0);
  });

  it('rejects an unknown option on one line with exit code 2', async () => {
    const { err, exitCode } = await run(['--frobnicate']);
    expect(err).toBe("mi: unknown option '--frobnicate' (see mi --help)\n");
    expect(exitCode).toBe(2);
  });

  it('shows help on stderr and exits 2 without a command', async () => {
    const { err, exitCode } = await run([]);
    expect(err).toContain('Usage: mi [options] [command]');
    expect(exitCode).toBe(2);
  });
});
