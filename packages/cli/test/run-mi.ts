// The `mi` command run in this process, for tests: stdout, stderr and the exit code.
import { createProgram } from '@mi/cli';
import { vi } from 'vitest';

/** What one `mi …` printed and how it exited. */
export interface MiRun {
  readonly stdout: string;
  /** stderr without the backend's start-up note (`backend: …`), which depends on the machine. */
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs `mi …args` in process, capturing stdout and stderr. */
export async function runMi(...args: string[]): Promise<MiRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await createProgram().parseAsync(['node', 'mi', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { stdout, stderr: stderr.replace(/^backend: .*\n/m, ''), exitCode };
}
