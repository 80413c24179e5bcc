#!/usr/bin/env node
import { runCli } from './cli-main';
import { ignoreClosedStdout } from './commands/io';

ignoreClosedStdout(process.stdout);
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`firmware-config: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
