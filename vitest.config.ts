import { defineConfig } from 'vitest/config';

// The fast tests on the fake platform; vitest.mutation.config.ts runs only these.
export const unitProject = { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } };

// Three projects: unit (fake platform, milliseconds), integration (real SQLite, files,
// sockets, processes; needs only Node and npm packages), e2e (needs system packages).
export default defineConfig({
  test: {
    globalSetup: ['tests/global-setup.ts'],
    projects: [
      unitProject,
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
