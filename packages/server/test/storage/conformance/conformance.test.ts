/**
 * The storage conformance suite: the same tests against every driver. A driver passes when it
 * behaves exactly as the port (src/storage/port.ts) says; differences between drivers are
 * capability flags, never expectations that change with the driver's name.
 */
import { describe, expect, it } from 'vitest';
import { applicationsSuite } from './applications.suite.js';
import { concurrencySuite } from './concurrency.suite.js';
import { DRIVERS } from './drivers.js';
import { errorsSuite } from './errors.suite.js';
import { erasureSuite } from './erasure.suite.js';
import { treeSuite } from './tree.suite.js';
import { eventLogSuite } from './event-log.suite.js';
import { eventQuerySuite } from './event-query.suite.js';
import { fullTextSuite } from './full-text.suite.js';
import { tenancySuite } from './tenancy.suite.js';

for (const driver of DRIVERS) {
  describe.skipIf(!driver.available())(`conformance (${driver.name})`, () => {
    it('reports its name and capabilities', async () => {
      const handle = await driver.open();
      try {
        expect(handle.store.capabilities.name).toBe(driver.name);
        expect(typeof handle.store.capabilities.concurrentWriters).toBe('boolean');
        await expect(handle.store.ping()).resolves.toBeUndefined();
      } finally {
        await handle.close();
      }
    });

    eventLogSuite(driver);
    eventQuerySuite(driver);
    fullTextSuite(driver);
    tenancySuite(driver);
    concurrencySuite(driver);
    errorsSuite(driver);
    applicationsSuite(driver);
    treeSuite(driver);
    erasureSuite(driver);
  });
}
