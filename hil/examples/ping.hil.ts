// An example of a user suite: run it with `pnpm hil run --suite-dir hil/examples --suite ping`.
import { hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

test('ping answers and the uptime grows', async ({ dut, bench }) => {
  const first = await dut.ping();
  const second = await dut.ping();
  bench.measure({
    name: 'uptime grows',
    expected: `> ${first.uptimeMs}`,
    measured: second.uptimeMs,
    unit: 'ms',
    ok: second.uptimeMs >= first.uptimeMs,
  });
  expect(second.uptimeMs).toBeGreaterThanOrEqual(first.uptimeMs);
});

test('the serial console carried the boot banner', async ({ serial }) => {
  expect(serial.lines.some((l) => l.includes('@esphil {"t":"ready"'))).toBe(true);
});
