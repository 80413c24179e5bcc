// `pnpm bench`: the codec benchmark, run from a bundled build (node_modules/.cache/esphil-bench) so the hand-written
// codec runs in the form consumers get (one ESM bundle) and the libraries as published. Prints a markdown table
// and writes bench-results/codec.json (relative to the working directory, the package when run by pnpm).
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { formatTable, measureCodec } from './measure';

const clock = process.argv.includes('--wall') ? 'wall' : 'cpu';
const rows = measureCodec({ clock });
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  os: `${platform()} ${release()} ${arch()}`,
  loadavg1m: Number(loadavg()[0]?.toFixed(2)),
  clock,
};
const out = join(process.cwd(), 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'codec.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2)}\n`,
);
console.log(`${JSON.stringify(machine)}\n\n${formatTable(rows)}\n`);
