import { configDefaults, defineConfig } from 'vitest/config';

const shared = {
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 120_000,
  globalSetup: ['test/support/global-setup.ts'],
};
// The API, CLI and unit files share a worker's module cache (each file still opens its own app and database):
// importing the server's module graph afresh for each of ~220 files cost ~280 s of a run. The browser files stay
// isolated (few, and their time is the browser's).
const sharedModules = { ...shared, isolate: false };

// The streaming-replica test runs on PostgreSQL beside the browser tests (which use PGlite), when nothing else
// writes to the server: while the other files clone databases (each clone is the whole template in WAL) its
// standby could not catch up within 150 s on CI; alone it does in under a second.
const late = ['test/api/read-replica.test.ts'];

// Every run proves PGlite; when TEST_DATABASE_URL is set (CI does), the database-backed tests run again
// on real PostgreSQL as a second project. The browser tests (on PGlite) are a project of their own, run after
// the others and one file at a time: two Chromiums and two servers on 2 cores made antd's dropdowns miss
// clicks (a full run with them in parallel failed 3 browser tests that pass alone).
export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: on CI's 2-core machine, one file at a time. Most of
    // an API or CLI file's wall time is waiting (PostgreSQL, child processes), so two at once use the cores
    // (a full run: 1324 s with one worker, 877 s with two).
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS ?? 2),
    projects: [
      { test: { ...sharedModules, name: 'pglite', include: ['src/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**'], env: { CIVICGRID_TEST_DB: 'pglite' } } },
      ...(process.env.TEST_DATABASE_URL
        ? [
            { test: { ...sharedModules, name: 'postgres', include: ['test/**/*.test.ts', 'src/**/*.db.test.ts'], exclude: [...configDefaults.exclude, 'test/e2e/**', ...late], env: { CIVICGRID_TEST_DB: 'postgres' } } },
            { test: { ...shared, name: 'postgres-late', include: late, env: { CIVICGRID_TEST_DB: 'postgres' }, maxWorkers: 1, sequence: { groupOrder: 1 } } },
          ]
        : []),
      { test: { ...shared, name: 'e2e', include: ['test/e2e/**/*.test.ts'], env: { CIVICGRID_TEST_DB: 'pglite' }, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
