/** Child process of the fleet scenario: `node fleet-worker.mjs <count>` hosts count simulated devices. */
import { serveWorker } from './fleet/host';

const count = Number(process.argv[2] ?? '0');
if (!Number.isInteger(count) || count < 1 || count > 5_000) {
  console.error('usage: fleet-worker <count 1..5000>');
  process.exit(2);
}
await serveWorker(count);
