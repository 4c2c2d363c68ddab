// Vitest reports the tests of a suite whose beforeAll failed (or timed out) as "skipped", next to the tests skipped
// on purpose (no DATABASE_URL, no Chromium). This reporter names them at the end of the run as NOT RUN, with the
// setup error, so a setup failure cannot pass for a skip. (The run fails either way: the suite has an error.)
import type { Reporter, TestModule, TestSuite } from 'vitest/node';

export default class SetupFailures implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const lines: string[] = [];
    for (const m of modules) {
      for (const s of [m, ...m.children.allSuites()] as (TestModule | TestSuite)[]) {
        const errors = s.errors();
        if (!errors.length) continue;
        const notRun = [...s.children.allTests()].filter((t) => t.result().state === 'skipped').length;
        if (!notRun) continue;
        const where = s.type === 'module' ? s.relativeModuleId : `${s.module.relativeModuleId} > ${s.fullName}`;
        lines.push(`  ${where}: ${notRun} test(s) NOT RUN — ${errors[0].message ?? errors[0]}`);
      }
    }
    if (lines.length)
      console.error(`\nSETUP FAILED (the tests below are shown as skipped but did not run):\n${lines.join('\n')}\n`);
  }
}
