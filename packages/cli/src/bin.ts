#!/usr/bin/env node
import { createProgram } from './program';

// Usage and command errors are reported by the program and set process.exitCode; the catch is a
// last resort for a bug in that reporting.
createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
