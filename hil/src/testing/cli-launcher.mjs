// Runs the `hil` CLI (src/cli.ts) from TypeScript source for the runner's own tests, through a Vite module runner
// (the same resolution as ./isolated-worker.mjs): `node cli-launcher.mjs run --out ...` behaves as `hil run --out ...`.
// ESPHIL_CLI holds { root, aliases, entry } as JSON (see ./cli-process.ts).
import { importFromSource } from './source-runner.mjs';

const data = JSON.parse(process.env.ESPHIL_CLI ?? '{}');
// cli.ts runs main(process.argv.slice(2)) and exits with its code.
await importFromSource(data);
