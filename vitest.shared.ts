import { defineConfig } from 'vitest/config';

/** One Vitest configuration for every package: tests beside the code, a JSON summary the test command totals. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    testTimeout: 30_000,
  },
});
