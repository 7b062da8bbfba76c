import { defineConfig } from 'vitest/config';

// The fast tests on the fake platform; vitest.mutation.config.ts runs only these.
export const unitProject = { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } };

// Three projects: unit (fake platform, milliseconds), integration (real SQLite, files,
// sockets, processes; needs only Node and npm packages), e2e (needs system packages).
export default defineConfig({
  test: {
    globalSetup: ['tests/global-setup.ts'],
    projects: [
      // A generous bound beside the integration suites, which share the machine's two cores
      // (the console's socket tests take 1-2 s alone and were seen at 5 s in CI); never a
      // measure of speed. The mutation run keeps vitest's default (vitest.mutation.config.ts).
      { test: { ...unitProject.test, testTimeout: 20_000, hookTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
