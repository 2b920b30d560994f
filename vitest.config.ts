import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'server/src/**/*.test.ts',
      'e2e/**/*.test.ts',
      'bench/**/*.test.ts',
      'web/src/**/*.test.ts',
      'examples/**/*.test.ts',
    ],
    globalSetup: ['server/src/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits like Playwright's own waits (15 s), not vitest's 1 s: on a loaded CI machine a
    // sign-in's password hashing alone can take longer than a second.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
