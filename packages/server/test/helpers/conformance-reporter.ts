/**
 * A vitest reporter that ends the run with one line per storage driver of the conformance suite
 * (`conformance (sqlite): 60 passed`), so CI output shows that both drivers ran and how much.
 */
import type { Reporter, TestModule } from 'vitest/node';

const SUITE = /^conformance \(([^)]+)\)/;

export default class ConformanceReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, Map<string, number>>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const driver = SUITE.exec(test.fullName)?.[1];
        if (driver === undefined) continue;
        const states = counts.get(driver) ?? new Map<string, number>();
        const state = test.result().state;
        states.set(state, (states.get(state) ?? 0) + 1);
        counts.set(driver, states);
      }
    }
    if (counts.size === 0) return;
    console.log('\nStorage conformance suite:');
    for (const [driver, states] of counts) {
      const parts = [...states].map(([state, n]) => `${n} ${state}`);
      console.log(`  conformance (${driver}): ${parts.join(', ')}`);
    }
  }
}
