import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

// Private: only the repository's scripts load it, as ESM.
export default defineConfig(packageBuild(['src/index.ts'], { format: ['esm'] }));
