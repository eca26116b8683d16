import { createProgram } from '@mi/cli';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };

function run(args: string[]): { out: string; exitCode: number | undefined } {
  let out = '';
  let exitCode: number | undefined;
  const program = createProgram()
    .exitOverride((error) => {
      exitCode = error.exitCode;
      throw error;
    })
    .configureOutput({
      writeOut: (text) => {
        out += text;
      },
      writeErr: (text) => {
        out += text;
      },
    });
  try {
    program.parse(['node', 'mi', ...args]);
  } catch {
    // exitOverride throws to stop commander from exiting the test process.
  }
  return { out, exitCode };
}

describe('mi', () => {
  it('prints its version', () => {
    const { out, exitCode } = run(['--version']);
    expect(out.trim()).toBe(packageJson.version);
    expect(exitCode).toBe(0);
  });

  it('prints help naming what it does', () => {
    const { out, exitCode } = run(['--help']);
    expect(out).toContain('Usage: mi [options]');
    expect(out).toContain('Estimate mutual information');
    expect(exitCode).toBe(0);
  });

  it('rejects an unknown option with a non-zero exit code', () => {
    const { out, exitCode } = run(['--frobnicate']);
    expect(out).toContain("unknown option '--frobnicate'");
    expect(exitCode).toBe(1);
  });
});
