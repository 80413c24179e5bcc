// Runner self-test fixture (not a product suite): the per-test reboot guard.
import type { DeviceClient } from '@esphil/client';
import { hilTest as test } from '@esphil/hil/test';

function rebooted(dut: DeviceClient): Promise<void> {
  return new Promise((resolve) => {
    const off = dut.on('reboot', () => {
      off();
      resolve();
    });
  });
}

test('an announced reboot passes', async ({ dut, bench }) => {
  const done = rebooted(dut);
  bench.session.expectReboot();
  await dut.reboot();
  await done;
});

test('an unannounced reboot fails the test it happened in', async ({ dut }) => {
  const done = rebooted(dut);
  await dut.reboot();
  await done;
});

test('the next test is not blamed', async ({ dut }) => {
  await dut.ping();
});
