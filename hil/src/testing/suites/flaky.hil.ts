// Runner self-test fixture (not a product suite): fails its first attempt, passes the retry.
import { hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

let attempts = 0;

test('passes on the second attempt', async ({ dut }) => {
  attempts++;
  await dut.ping();
  expect(attempts, 'first attempt fails on purpose').toBeGreaterThan(1);
});
