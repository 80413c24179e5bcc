// Runner self-test fixture (not a product suite): an expect that fails inside a timer the test started.
import { hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

test('an expect failing in a setTimeout fails this test', async ({ dut }) => {
  setTimeout(() => {
    expect(1, 'timer assertion fails on purpose').toBe(2);
  }, 0);
  await dut.ping();
  await new Promise((r) => setTimeout(r, 20));
});

test('the next test is not blamed (timer)', async ({ dut }) => {
  await dut.ping();
});
