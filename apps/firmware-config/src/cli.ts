#!/usr/bin/env node
import { runCli } from './cli-main';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`firmware-config: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
