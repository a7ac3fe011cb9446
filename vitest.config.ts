import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests next to the code, and integration suites that
// talk to the real servers that test/servers starts (see docs/development.md).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{operator,bot-runtime,crds,test,bench}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/servers/vitest-global-setup.ts'],
          setupFiles: ['test/servers/vitest-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Suites share one set of servers; files run one at a time so that
          // assertions about cluster-wide state do not race each other.
          fileParallelism: false,
        },
      },
    ],
  },
});
