// Runs a TypeScript file of this workspace with Vite's module runner, resolving `@mi/*` packages
// to their sources through the '@mi/source' export condition (as the tests do), so benchmarks
// need no build. Usage: node packages/perf/scripts/run-ts.mjs <file.ts> [args...]
import path from 'node:path';
import { createServer, createServerModuleRunner, defaultServerConditions } from 'vite';

const file = process.argv[2];
if (!file) {
  console.error('usage: node run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
const conditions = ['@mi/source', ...defaultServerConditions];
const server = await createServer({
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@mi/source'] } },
  optimizeDeps: { noDiscovery: true, include: [] },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
try {
  await runner.import(path.resolve(file));
} finally {
  await runner.close();
  await server.close();
}
