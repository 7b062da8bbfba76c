import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The desktop half of `npm run bench:idle` (bench/idle.mjs runs it with this config). It is a
// benchmark, not a test: outside every project of vitest.config.ts (tests/**), so `npm test`,
// `npm run test:e2e` and .ci/run never run it.
export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '..'),
    include: ['bench/idle-desk.vitest.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
