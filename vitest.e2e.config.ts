import { defineConfig } from 'vitest/config';

/** e2e tests: run by scripts/run-e2e.mjs, which builds and serves the renderer and sets E2E_BASE_URL. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // one Chromium at a time: the benchmark must not compete with another test for the two cores
    fileParallelism: false,
  },
});
