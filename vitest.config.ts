import { configDefaults, defineConfig } from 'vitest/config';

const shared = {
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 120_000,
  globalSetup: ['test/support/global-setup.ts'],
};

// Every run proves PGlite; when TEST_DATABASE_URL is set (CI does), the database-backed tests run again
// on real PostgreSQL as a second project.
export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'pglite', include: ['src/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'], env: { CIVICGRID_TEST_DB: 'pglite' } } },
      ...(process.env.TEST_DATABASE_URL
        ? [{ test: { ...shared, name: 'postgres', include: ['test/**/*.test.ts', 'src/**/*.db.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**'], env: { CIVICGRID_TEST_DB: 'postgres' } } }]
        : []),
    ],
  },
});
