import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: most test time is waiting on servers, timers and child processes, and every
    // file has its own ports, databases and temp dirs. (Vitest's default leaves one core idle.)
    maxWorkers: 2,
  },
});
