// Vitest setup file: each test project sets MI_BACKEND (cpu, wasm, …) and every test file of the
// project runs on that backend. A backend that cannot start fails the file with the reason.
import { initBackend } from '@mi/core';
import type { BackendPreference } from '@mi/spec';

await initBackend((process.env['MI_BACKEND'] || 'cpu') as BackendPreference, { log: false });
