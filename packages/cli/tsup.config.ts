import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild(['src/index.ts', 'src/bin.ts', 'src/plugin-resolve-hook.ts']),
);
