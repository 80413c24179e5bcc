// Runner self-test fixture (not a product suite): like ../suites-abort/wait.hil.ts, for any DUT (it needs the io, not the esphil
// client): a test that announces it runs, then waits far past any abort.
import { hilTest as test } from '@esphil/hil/test';

const WAITING_LINE = 'hil abort fixture: io test running, waiting to be aborted';

test('waits on any DUT until the run is aborted', async ({ io }) => {
  await io.ledSet('led', true);
  process.stdout.write(`${WAITING_LINE}\n`);
  // unref: a forgotten wait must not keep the process alive once the run is over.
  await new Promise((r) => setTimeout(r, 60_000).unref());
});
