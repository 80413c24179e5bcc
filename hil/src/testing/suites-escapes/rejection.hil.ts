// Runner self-test fixture (not a product suite): a promise rejected with nobody awaiting it.
import { hilTest as test } from '@esphil/hil/test';

test('an unhandled rejection fails this test', async ({ dut }) => {
  Promise.reject(new Error('rejection nobody handles, on purpose'));
  await dut.ping();
  await new Promise((r) => setTimeout(r, 20));
});

test('the next test is not blamed (rejection)', async ({ dut }) => {
  await dut.ping();
});
