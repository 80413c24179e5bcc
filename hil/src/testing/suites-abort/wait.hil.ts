// Runner self-test fixture (not a product suite): a test that waits far past any abort, ignoring its signal, so an
// abort during the suites stage must cut it. It announces that it is running (a stdout line, and the file named by
// ESPHIL_ABORT_MARKER) so the abort tests interrupt it mid-test without guessing a delay.
import { writeFileSync } from 'node:fs';
import { hilTest as test } from '@esphil/hil/test';

const WAITING_LINE = 'hil abort fixture: test running, waiting to be aborted';

test('waits until the run is aborted', async ({ dut }) => {
  await dut.ping();
  const marker = process.env.ESPHIL_ABORT_MARKER;
  if (marker) writeFileSync(marker, 'running\n');
  process.stdout.write(`${WAITING_LINE}\n`);
  // unref: a forgotten wait must not keep the process alive once the run is over.
  await new Promise((r) => setTimeout(r, 60_000).unref());
});

test('never runs: the abort skips it', async ({ dut }) => {
  await dut.ping();
});
