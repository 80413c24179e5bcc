#!/usr/bin/env node
import { main } from './cli/main';

// Exit explicitly once the result is known: a wedged serial port or board handle must not keep the CLI alive.
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`hil: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
