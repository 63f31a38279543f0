import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the plain closing line `N passed, N failed, N skipped` after Vitest's own summary, so CI
 * tooling that reads runner output understands the result without knowing Vitest's format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of modules) {
      // a file that failed to load has no tests but is a failure all the same
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    // The slowest files, so a CI log says where the suite's wall time goes (its goal is under 15 minutes).
    const slow = modules
      .map((m) => ({ m, d: m.diagnostic() }))
      .map(({ m, d }) => ({ name: `${m.project.name} ${m.relativeModuleId}`, ms: d.duration + d.collectDuration + d.setupDuration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15);
    process.stdout.write(`\nslowest files (tests + import, s):\n${slow.map((s) => `  ${(s.ms / 1000).toFixed(1).padStart(6)}  ${s.name}`).join('\n')}\n`);
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
