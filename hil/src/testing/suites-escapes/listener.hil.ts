// Runner self-test fixture (not a product suite): an expect that fails inside a client event listener.
import { hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

test('an expect failing in a dut.on listener fails this test', async ({ dut }) => {
  const seen = new Promise<void>((resolve) => {
    const off = dut.on('led', (e) => {
      off();
      resolve();
      expect(e.on, 'listener assertion fails on purpose').toBe(false);
    });
  });
  await dut.ledSet('status', true);
  await seen;
});

test('the next test is not blamed (listener)', async ({ dut }) => {
  await dut.ping();
});
