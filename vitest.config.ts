import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests import packages by name, as users do; the '@mi/source' export condition points those
// imports at the TypeScript sources, so no build is needed before testing.
const conditions = ['@mi/source', ...defaultServerConditions];

// Every unit test file runs once per backend. MI_BACKEND narrows the run to one backend
// (MI_BACKEND=tensorflow runs the suite on tfjs-node, if installed).
const forced = process.env['MI_BACKEND'];
const backends = forced && forced !== 'auto' ? [forced] : ['cpu', 'wasm'];
const unitFiles = ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'];
const slowFiles = ['packages/*/src/**/*.slow.test.ts', 'examples/*/src/**/*.slow.test.ts'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@mi/source'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      ...backends.map((backend) => ({
        extends: true as const,
        test: {
          name: backend,
          include: unitFiles,
          exclude: [...slowFiles, '**/node_modules/**', '**/dist/**'],
          setupFiles: ['vitest.setup.ts'],
          env: { MI_BACKEND: backend },
        },
      })),
      // Convergence suites that take minutes: opt-in with `pnpm test:slow` (MI_SLOW=1).
      ...(process.env['MI_SLOW']
        ? [
            {
              extends: true as const,
              test: {
                name: 'slow',
                include: slowFiles,
                setupFiles: ['vitest.setup.ts'],
                env: { MI_BACKEND: forced && forced !== 'auto' ? forced : 'wasm' },
                testTimeout: 3_600_000,
              },
            },
          ]
        : []),
    ],
  },
});
