import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Every test with the heap state backend (the default); the whole-job tests (test/) once more with the disk
 * backend (test/support/disk-backend.setup.ts makes it every job's default).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'heap' } },
        {
          extends: true,
          test: {
            name: 'disk',
            include: ['test/**/*.test.ts'],
            setupFiles: ['./test/support/disk-backend.setup.ts'],
          },
        },
      ],
    },
  }),
);
