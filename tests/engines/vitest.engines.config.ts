import { defineConfig } from 'vitest/config';

// The cross-engine journeys: one file per engine, one engine at a time (the machine has 2 cores).
export default defineConfig({
  test: {
    include: ['tests/engines/**/*.engines.test.ts'],
    environment: 'node',
    globalSetup: ['tests/engines/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
