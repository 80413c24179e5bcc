#!/usr/bin/env node
import { runSimCli } from './cli';
import { SimError } from './errors';

async function main(): Promise<void> {
  let running: Awaited<ReturnType<typeof runSimCli>>;
  try {
    running = await runSimCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`esphil-sim: ${e instanceof SimError ? e.message : String(e)}\n`);
    process.exitCode = 2;
    return;
  }
  if (!running) return;
  const sim = running;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`esphil-sim: error while stopping: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
