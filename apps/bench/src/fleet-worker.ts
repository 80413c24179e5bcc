/** Child process of the fleet scenario: `node fleet-worker.mjs <count>` hosts count simulated devices. */
import { serveWorker } from './fleet/host';

/** One process holds at most this many simulated devices (each is an HTTP server with its own port). */
const MAX_WORKER_DEVICES = 5_000;

const count = Number(process.argv[2] ?? '0');
if (!Number.isInteger(count) || count < 1 || count > MAX_WORKER_DEVICES) {
  console.error(`usage: fleet-worker <count 1..${MAX_WORKER_DEVICES}>`);
  process.exit(2);
}
await serveWorker(count);
