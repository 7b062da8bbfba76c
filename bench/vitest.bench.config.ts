import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The VM half of `npm run bench:usb` (bench/usb.mjs runs it with this config). It is a
// benchmark, not a test: outside every project of vitest.config.ts (tests/**), so `npm test`,
// `npm run test:e2e` and .ci/run never run it.
export default defineConfig({
  test: {
    root: resolve(import.meta.dirname, '..'),
    include: ['bench/usb-vm.vitest.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
